"""`bridgeway audit verify`: walk the hash chain and name the first broken row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bridgeway.audit.writer import verify_chain


class Command(BaseCommand):
    help = "Audit trail operations. `verify` checks that no row was altered or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at row {result.first_broken_seq}: {result.reason} "
                f"({result.checked} rows verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} rows verified."))
