"""Reading a CSV or Excel file row by row, whatever its encoding and separator.

Nothing here holds the whole file: CSV is decoded through an incremental text wrapper and
Excel is read by openpyxl in read-only mode (it streams the sheet's XML). Each row comes out
as (line number, list of cell texts), the line numbers being the ones a person sees when
they open the file (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, cast

# A sample this large decides the encoding and the separator; the rest is streamed.
SAMPLE_BYTES = 64 * 1024
SEPARATORS = (",", ";", "\t")
# Cells a spreadsheet program would execute when the file is opened (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(Exception):
    """The file as a whole cannot be read (not a table, not text, empty)."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    separator: str
    # Lines (Excel: rows) holding a formula cell rather than a value, found while reading.
    formula_cells: dict[tuple[int, int], str]


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 / Latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # A sample may end inside a multi-byte character: decode incrementally, not final.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 defines every byte.
        return "latin-1"


def sniff_separator(first_line: str) -> str:
    """The separator that splits the header into the most cells (outside quotes)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def open_table(stream: IO[bytes], file_name: str) -> Table:
    """A table over a binary stream; Excel when the name ends in .xlsx/.xlsm, else CSV."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return _excel(stream)
    return _csv(stream)


def _csv(stream: IO[bytes]) -> Table:
    # The engine hands over a BufferedReader; anything else is wrapped so it can be peeked.
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(
        cast(io.RawIOBase, stream), buffer_size=SAMPLE_BYTES)
    sample: bytes = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    if not sample.strip(b"\xef\xbb\xbf\r\n\t ,;"):
        raise FileProblem("The file is empty: it has no header and no rows.")
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise FileProblem(f"Line 1 is not {encoding} text ({exc.reason}).") from exc
    separator = sniff_separator(first)
    header = next(csv.reader([first], delimiter=separator), [])
    reader = csv.reader(text, delimiter=separator)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                line = reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines between rows are not rows
                yield line, cells
        except UnicodeDecodeError as exc:
            raise FileProblem(f"After line {line} the file is not {encoding} text "
                              f"({exc.reason}); save it as UTF-8 and import it again.") from exc
        except csv.Error as exc:
            raise FileProblem(f"Line {line + 1}: {exc}.") from exc

    return Table(header=header, rows=rows(), encoding=encoding, separator=separator,
                 formula_cells={})


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel(stream: IO[bytes]) -> Table:
    from openpyxl import load_workbook  # imported here: only Excel files need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only streams the sheet; data_only=False keeps a formula as a formula, so that
        # it is refused rather than silently replaced by a value cached by another program.
        book = load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileProblem("This is not an Excel workbook that can be read (.xlsx).") from exc
    sheet = book.worksheets[0]
    formulas: dict[tuple[int, int], str] = {}
    raw = sheet.iter_rows()
    try:
        header_cells = next(raw)
    except StopIteration:
        raise FileProblem("The file is empty: it has no header and no rows.") from None
    header = [_cell_text(c.value) for c in header_cells]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileProblem("The file is empty: it has no header and no rows.")

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(raw, start=2):
            texts = []
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    formulas[(number, index)] = str(cell.value)
                texts.append(_cell_text(cell.value))
            while len(texts) > len(header) and not texts[-1]:
                texts.pop()
            if any(t.strip() for t in texts):
                yield number, texts
        book.close()

    return Table(header=header, rows=rows(), encoding="xlsx", separator="",
                 formula_cells=formulas)
