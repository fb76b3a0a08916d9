"""Disclosure control for every count an evaluator sees. Pure: no Django.

* **Primary suppression**: a count from 1 to threshold - 1 (default 5) is shown as "<5";
  so is anything computed from it (a rate, a mean, a median).
* **Complementary suppression**: where a total is published together with its parts (the
  headline and the table by site and ward type; a month's discharges and its ward types; the
  pooled series and the sites in it), a line with exactly one hidden part would give that part
  away by subtraction. The smallest other non-zero part of the line is hidden as well, or the
  total when no part is left to hide, until no line has a single hidden part. Parts that are
  never published count as hidden.
* **Complements inside a cell**: events and non-events of one group are both counts:
  3 readmitted of 40 reveals 37 not readmitted and the reverse, so both tests apply.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEFAULT_THRESHOLD = 5


def hidden_label(threshold: int) -> str:
    return f"<{threshold}"


def is_small(n: float | None, threshold: int) -> bool:
    """A count that must not be shown (1 to threshold - 1); zero is not hidden."""
    return n is not None and 0 < n < threshold


def show(n: float | None, threshold: int, *, hide: bool = False) -> int | str | None:
    """The count to print: the number, or "<threshold" when small or hidden."""
    if n is None:
        return None
    if hide or is_small(n, threshold):
        return hidden_label(threshold)
    return int(n)


def any_small(threshold: int, *counts: float | None) -> bool:
    return any(is_small(c, threshold) for c in counts)


def events_hidden(events: float, n: float, threshold: int) -> bool:
    """Events of n are hidden when the events or the non-events are small."""
    return is_small(events, threshold) or is_small(n - events, threshold)


def protect(values: Sequence[float] | np.ndarray, lines: Sequence[Sequence[int]],
            threshold: int, *, unpublished: Sequence[int] = (),
            also: Sequence[bool] | np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(hidden cells, hidden totals) for cells `values` whose sums over each of `lines`
    (lists of cell indices) are published; `also` marks cells hidden for another reason.

    Deterministic: the complement chosen is the smallest non-zero visible cell (the first such
    in index order on ties), so the same data always hide the same cells on every surface.
    """
    v = np.asarray(values, dtype=float)
    hidden = (v > 0) & (v < threshold)
    if also is not None:
        hidden |= np.asarray(also, dtype=bool) & (v > 0)
    unknown = np.zeros(len(v), dtype=bool)
    unknown[list(unpublished)] = True
    total_hidden = np.zeros(len(lines), dtype=bool)
    idx = [np.asarray(line, dtype=int) for line in lines]
    for i, line in enumerate(idx):
        total = v[line].sum() if len(line) else 0.0
        total_hidden[i] = 0 < total < threshold
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(idx):
            if total_hidden[i] or len(line) == 0:
                continue
            concealed = hidden[line] | unknown[line]
            # Hidden parts with value 0 reveal nothing; a line is at risk when exactly one
            # hidden or unpublished part could be worked out.
            if int((concealed & ((v[line] > 0) | unknown[line])).sum()) != 1:
                continue
            if not hidden[line].any():
                continue  # the only concealed part is unpublished: nothing shown to protect
            candidates = [j for j in line if not hidden[j] and not unknown[j] and v[j] > 0]
            if candidates:
                pick = min(candidates, key=lambda j: (v[j], j))
                hidden[pick] = True
            else:
                total_hidden[i] = True
            changed = True
    return hidden, total_hidden
