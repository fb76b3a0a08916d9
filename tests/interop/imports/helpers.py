"""Running an import on text in a test."""

from __future__ import annotations

import io
from datetime import date

from bridgeway.core.actors import Actor
from bridgeway.interop.imports.engine import ImportResult, run_import

TODAY = date(2026, 12, 1)
CLIENTS_HEADER = "key,given_name,family_name,date_of_birth,gender,health_card_number,home_fsa,phone\n"
STAYS_HEADER = "key,client_key,hospital,ward,admitted_on,discharged_on,discharge_destination\n"
# Luhn-valid Ontario health card numbers.
CARDS = ("9876543217", "1234567897", "1111111116")


def run(kind: str, content: str | bytes, *, name: str = "file.csv", dry_run: bool = False,
        source: str = "test", encoding: str = "utf-8", complete_up_to: date | None = None
        ) -> ImportResult:
    data = content if isinstance(content, bytes) else content.encode(encoding)
    return run_import(actor=Actor.system("import"), kind=kind, stream=io.BytesIO(data),
                      file_name=name, source=source, dry_run=dry_run, today=TODAY,
                      complete_up_to=complete_up_to, size=len(data))


def reasons(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, str(e.reason)) for e in result.errors]
