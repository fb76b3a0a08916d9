"""CSV cells a spreadsheet will not run as formulas (CSV injection, CWE-1236).

A cell that starts with =, +, -, @ (or a tab or carriage return, which some spreadsheets strip
before reading the rest) is read by Excel, LibreOffice and Google Sheets as a formula, which
can fetch URLs or run commands when the file is opened. Such a cell gets a leading apostrophe,
which spreadsheets show as text and do not keep. Numbers are written as they are: -3 stays a
number, because it is not text anyone typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should read it: text starting like a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV document with every text cell neutralised (header included)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
