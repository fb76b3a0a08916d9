"""k-anonymity for the research extract: generalise the quasi-identifiers, then suppress. Pure.

The quasi-identifiers are what someone who knows a patient could look up: program site,
gender, age, ward type and length of stay. Each has a ladder of generalisations, from the
exact value to "*" (hidden). The whole extract is generalised at one rung per column
(full-domain generalisation, so a column means the same on every row): every combination of
rungs is tried (5 x 3 x 5 x 2 x 2 = 300, each a count of class sizes), and the one that loses
least information while suppressing at most `max_suppressed` of the rows wins. Rows that still
sit in a class smaller than k are then removed. Every class of the result has at least k rows,
whatever the data (tests/outcomes/test_kanon.py checks it on random data).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

QUASI_IDENTIFIERS = ("site", "gender", "age", "ward_type", "los")
HIDDEN = "*"
AGE_TOP = 90


def _band(value: int, width: int, top: int | None = None) -> str:
    low = value // width * width
    if top is not None and low + width - 1 >= top:
        return f"{min(low, top)}+"
    return f"{low}-{low + width - 1}"


def _bands(edges: Sequence[int]) -> Callable[[int], str]:
    """Bands [edges[i], edges[i+1] - 1]; the last is open: "181+"."""

    def label(value: int) -> str:
        for low, high in itertools.pairwise(edges):
            if low <= value < high:
                return f"{low}-{high - 1}"
        return f"{edges[-1]}+"

    return label


_GENDER_GROUP = {"woman": "woman", "man": "man"}

# rung name (for the report) and the function from an exact value to its label.
Rung = tuple[str, Callable[[Any], str]]
LADDERS: dict[str, list[Rung]] = {
    "site": [("exact", str), ("hidden", lambda v: HIDDEN)],
    "gender": [("exact", str),
               ("woman / man / another or undisclosed",
                lambda v: _GENDER_GROUP.get(str(v), "other_or_undisclosed")),
               ("hidden", lambda v: HIDDEN)],
    "age": [("exact years", lambda v: str(int(v))),
            ("5-year bands", lambda v: _band(int(v), 5, AGE_TOP)),
            ("10-year bands", lambda v: _band(int(v), 10, AGE_TOP)),
            ("20-year bands", lambda v: _band(int(v), 20, 80)),
            ("hidden", lambda v: HIDDEN)],
    "ward_type": [("exact", str), ("hidden", lambda v: HIDDEN)],
    "los": [("exact days", lambda v: str(int(v))),
            ("bands 0-3, 4-7, 8-14, 15-30, 31-60, 61-90, 91-180, 181+ days",
             lambda v: _bands([0, 4, 8, 15, 31, 61, 91, 181])(int(v))),
            ("bands 0-7, 8-30, 31-90, 91+ days",
             lambda v: _bands([0, 8, 31, 91])(int(v))),
            ("bands 0-30, 31+ days", lambda v: _bands([0, 31])(int(v))),
            ("hidden", lambda v: HIDDEN)],
}


@dataclass(frozen=True)
class Outcome:
    """What was done to reach k-anonymity, for the evaluator and the extract's README."""

    k: int
    rows_in: int
    rows_out: int
    suppressed: int
    rungs: dict[str, str]  # quasi-identifier -> rung name applied
    levels: dict[str, int]
    classes: int
    smallest_class: int
    notes: list[str] = field(default_factory=list)

    @property
    def generalised(self) -> list[str]:
        return [qi for qi, level in self.levels.items() if level > 0]


def _codes(frame: pd.DataFrame) -> dict[str, list[np.ndarray]]:
    """Per quasi-identifier and rung, the integer code of each row's label."""
    out: dict[str, list[np.ndarray]] = {}
    for qi in QUASI_IDENTIFIERS:
        out[qi] = []
        for _name, fn in LADDERS[qi]:
            labels = [fn(v) for v in frame[qi]]
            out[qi].append(pd.factorize(pd.Series(labels, dtype=object))[0].astype(np.int64))
    return out


def _class_sizes(codes: dict[str, list[np.ndarray]], levels: Sequence[int],
                 n: int) -> np.ndarray:
    """For each row, the size of its class under these rungs."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    for qi, level in zip(QUASI_IDENTIFIERS, levels, strict=True):
        column = codes[qi][level]
        key = key * (int(column.max()) + 1) + column
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse]


def _loss(levels: Sequence[int]) -> float:
    """Information lost: each column's rung as a share of its ladder, summed."""
    return sum(level / (len(LADDERS[qi]) - 1)
               for qi, level in zip(QUASI_IDENTIFIERS, levels, strict=True))


def anonymise(frame: pd.DataFrame, *, k: int, max_suppressed: float = 0.05,
              ) -> tuple[pd.DataFrame, Outcome]:
    """`frame` with its quasi-identifiers generalised and small classes removed.

    Picks the least-loss combination of rungs that suppresses at most `max_suppressed` of
    the rows; when none does, the one that suppresses fewest. Returns the rows kept (with the
    generalised labels, as strings) and what was done.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    n = len(frame)
    codes = _codes(frame)
    ranges = [range(len(LADDERS[qi])) for qi in QUASI_IDENTIFIERS]
    best: tuple[tuple[bool, float, int], tuple[int, ...]] | None = None
    for levels in itertools.product(*ranges):
        small = int((_class_sizes(codes, levels, n) < k).sum())
        within = small <= max_suppressed * n
        # Within budget first, then least loss, then fewest suppressed.
        rank = (not within, _loss(levels) if within else float(small), small)
        if best is None or rank < best[0]:
            best = (rank, levels)
    assert best is not None  # noqa: S101  # nosec B101 — itertools.product of non-empty ranges
    levels = best[1]
    sizes = _class_sizes(codes, levels, n)
    keep = sizes >= k
    out = frame.copy()
    for qi, level in zip(QUASI_IDENTIFIERS, levels, strict=True):
        fn = LADDERS[qi][level][1]
        out[qi] = [fn(v) for v in frame[qi]]
    out = out[keep].reset_index(drop=True)
    kept_sizes = sizes[keep]
    outcome = Outcome(
        k=k, rows_in=n, rows_out=int(keep.sum()), suppressed=int((~keep).sum()),
        rungs={qi: LADDERS[qi][level][0] for qi, level in zip(QUASI_IDENTIFIERS, levels,
                                                              strict=True)},
        levels=dict(zip(QUASI_IDENTIFIERS, levels, strict=True)),
        classes=int(out.groupby(list(QUASI_IDENTIFIERS)).ngroups) if len(out) else 0,
        smallest_class=int(kept_sizes.min()) if len(kept_sizes) else 0,
    )
    return out, outcome
