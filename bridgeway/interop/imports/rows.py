"""One row of an import: its cells by column, parsed one by one into typed values, each
problem kept as (line, column, value, reason) — the four things a person needs to fix it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext, gettext_noop

from .reading import FORMULA_STARTS

YES = {"yes", "y", "true", "1", "oui", "o", "vrai"}
NO = {"no", "n", "false", "0", "non", "faux", ""}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class Column:
    """One column of a layout: its English name, its documented French alias, whether a
    value is required, and what it holds (docs/import.md is written from these)."""

    name: str
    french: str
    required: bool = True
    note: str = ""


def header_key(text: str) -> str:
    """How a header cell is compared: case, accents, spaces and dashes do not matter."""
    plain = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s\-]+", "_", plain)


STARTS = frozenset(FORMULA_STARTS)


def looks_like_formula(value: str) -> bool:
    """A cell a spreadsheet would execute: = + @ tab CR at the start, or - before a non-digit
    (a negative number is data; `-2+3` or `-cmd` is not)."""
    if value[:1] not in STARTS:
        return False
    if value[0] == "-":
        return len(value) > 1 and not value[1].isdigit()
    return True


class Row:
    """One data row: cells by position, the layout's column positions, and its problems.

    Lean on purpose (slots, no per-row dict): a million rows pass through here. Reasons are
    message ids (gettext_noop) translated once per import through `translate`.
    """

    __slots__ = ("cells", "errors", "index", "line", "translate")

    def __init__(self, line: int, cells: list[str], index: dict[str, int],
                 translate: Callable[[str], str]) -> None:
        self.line, self.cells, self.index, self.translate = line, cells, index, translate
        self.errors: list[RowError] = []

    def error(self, column: str, reason: str, params: dict[str, Any] | None = None,
              value: str | None = None) -> None:
        shown = self.raw(column) if value is None else value
        text = self.translate(reason)
        self.errors.append(RowError(self.line, column, shown[:80], text % params if params else text))

    def raw(self, column: str) -> str:
        position = self.index.get(column)
        return self.cells[position].strip() if position is not None else ""

    def text(self, column: str, *, required: bool = False, max_length: int = 100) -> str:
        value = self.raw(column)
        if required and not value:
            self.error(column, gettext_noop("A value is required."))
        elif len(value) > max_length:
            self.error(column, gettext_noop("Longer than %(n)d characters."), {"n": max_length})
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, gettext_noop("A date is required."))
            return None
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return date.fromisoformat(value)
            except ValueError:
                if (value[:4] + value[5:7] + value[8:]).isdigit():
                    self.error(column, gettext_noop("This date does not exist."))
                    return None
        self.error(column, gettext_noop("Write dates as YYYY-MM-DD."))
        return None

    def flag(self, column: str, *, default: bool) -> bool:
        value = self.raw(column).lower()
        if not value:
            return default
        if value in YES:
            return True
        if value not in NO:
            self.error(column, gettext_noop("Write yes or no."))
        return False

    def integer(self, column: str, *, low: int, high: int, default: int | None = None
                ) -> int | None:
        value = self.raw(column)
        if not value:
            if default is None:
                self.error(column, gettext_noop("A number is required."))
            return default
        try:
            number = int(value)
        except ValueError:
            self.error(column, gettext_noop("Not a whole number."))
            return default
        if not low <= number <= high:
            self.error(column, gettext_noop("Must be between %(low)d and %(high)d."),
                       {"low": low, "high": high})
        return number

    def choice(self, column: str, choices: dict[str, str], *, default: str = "") -> str:
        """A value from a fixed list; `choices` maps accepted spellings to stored values."""
        value = self.raw(column)
        if not value:
            return default
        stored = choices.get(value.lower())
        if stored is None:
            allowed = ", ".join(sorted(set(choices.values())))
            self.error(column, gettext_noop("Unknown value; use one of: %(allowed)s."), {"allowed": allowed})
            return default
        return stored

    def lookup(self, column: str, table: dict[str, int], reason: str) -> int | None:
        value = self.raw(column)
        if not value:
            self.error(column, gettext_noop("A value is required."))
            return None
        found = table.get(value.lower())
        if found is None:
            self.error(column, reason)
        return found


class Translator:
    """gettext once per message per import (an import runs in one language)."""

    def __init__(self) -> None:
        self.done: dict[str, str] = {}

    def __call__(self, message: str) -> str:
        text = self.done.get(message)
        if text is None:
            text = self.done[message] = gettext(message)
        return text
