"""Sets of names (languages, interests, day-part slots) as bitsets: one row of 64-bit words
per client or supporter, so "how many do they share" is an AND and a popcount per pair."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]
Bits = NDArray[np.uint64]  # (rows x words)


def vocabulary(*groups: Sequence[frozenset[str]]) -> dict[str, int]:
    """Every name in the groups, numbered in sorted order."""
    return {name: i for i, name in enumerate(sorted({x for g in groups for s in g for x in s}))}


def bits_of(sets: Sequence[frozenset[str]], vocab: dict[str, int]) -> Bits:
    """One bitset row per set (names outside `vocab` are left out)."""
    rows = [row for row, items in enumerate(sets) for item in items if item in vocab]
    index = [vocab[item] for items in sets for item in items if item in vocab]
    return bits_from_pairs(np.array(rows, dtype=np.int64), np.array(index, dtype=np.int64),
                           len(sets), len(vocab))


def bits_from_pairs(rows: I64, bit: I64, n_rows: int, n_bits: int) -> Bits:
    """Bitsets (n_rows x words) from (row, bit index) pairs; negative bit indexes are skipped."""
    words = max(1, (n_bits + 63) // 64)
    out = np.zeros((n_rows, words), dtype=np.uint64)
    keep = bit >= 0
    if keep.any():
        b = bit[keep].astype(np.uint64)
        np.bitwise_or.at(out, (rows[keep], (b // np.uint64(64)).astype(np.int64)),
                         np.left_shift(np.uint64(1), b % np.uint64(64)))
    return out


def has_bit(bits: Bits, rows: I64, index: I64) -> B:
    """bits[rows] has bit `index` set (index < 0: never)."""
    safe = np.maximum(index, 0)
    if bits.shape[1] == 1:  # one word: a 1-D gather is much cheaper than a 2-D one
        words = bits[:, 0][rows]
    else:
        words = bits[rows, safe // 64]
    hit = ((words >> (safe % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
    out: B = hit & (index >= 0)
    return out


def shared_count(a: Bits, b: Bits, rows_a: I64, rows_b: I64) -> I64:
    """How many bits rows a[rows_a] and b[rows_b] share (pair by pair)."""
    if a.shape[1] == 1:  # the usual case: a vocabulary of at most 64 names
        out: I64 = np.bitwise_count(a[:, 0][rows_a] & b[:, 0][rows_b]).astype(np.int64)
        return out
    summed: I64 = np.bitwise_count(a[rows_a] & b[rows_b]).sum(axis=1).astype(np.int64)
    return summed


def without_bits(bits: Bits, index: list[int]) -> Bits:
    """A copy of `bits` with the given bit indexes cleared in every row."""
    out = bits.copy()
    for k in index:
        out[:, k // 64] &= ~(np.uint64(1) << np.uint64(k % 64))
    return out


def names_of(words: tuple[int, ...], names: list[str]) -> list[str]:
    """The names whose bits are set in one row (given as Python ints)."""
    out = []
    for w, word in enumerate(words):
        while word:
            low = word & -word
            out.append(names[w * 64 + low.bit_length() - 1])
            word ^= low
    return out


def optional(values: Sequence[float | int | None]) -> F64:
    """Numbers with None as NaN."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
