"""Decoding database rows into numpy columns for the bulk loader (bulk.py): flat rows
fetched without per-row ORM work, ids turned into positions, many-to-many rows into bitsets,
JSON availability into bitsets, dates into ages. SQL fragments differ by database vendor.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Generator
from datetime import date
from typing import Any

import numpy as np
from django.db import connection
from numpy.typing import NDArray

from ..engine import bits_from_pairs


def fetch(sql: str, params: list[Any] | tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_all(statements: list[tuple[str, list[Any] | tuple[Any, ...]]]
               ) -> Generator[list[tuple[Any, ...]], None, None]:
    """Rows of each statement, in order. On PostgreSQL all statements are sent at once in
    pipeline mode, so the server works on the next ones while the caller decodes a result."""
    if connection.vendor != "postgresql":
        for sql, params in statements:
            yield fetch(sql, params)
        return
    connection.ensure_connection()
    pg = connection.connection
    with pg.pipeline():
        cursors = []
        for sql, params in statements:
            cursor = pg.cursor()
            cursor.execute(sql, params)
            cursors.append(cursor)
        for cursor in cursors:
            yield cursor.fetchall()
            cursor.close()


def int_rows(rows: list[tuple[Any, ...]], width: int) -> NDArray[np.int64]:
    """Rows of integers as an (n, width) array (fromiter: no per-row array conversion)."""
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64,
                       count=len(rows) * width)
    return flat.reshape(-1, width)


def sql_text(column: str) -> str:
    return f"{column}::text" if connection.vendor == "postgresql" else column


def sql_days(column: str) -> str:
    """A date as days since 1970-01-01 (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def sql_epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::float8"
    return f"((julianday({column}) - 2440587.5) * 86400.0)"


def uuid_text(value: Any) -> str:
    """PostgreSQL gives uuid::text; SQLite stores 32 hex digits."""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def uuid_texts(values: tuple[Any, ...]) -> list[str]:
    if connection.vendor == "postgresql":  # already uuid::text
        return list(values)
    return [uuid_text(v) for v in values]


def slot_bits(texts: list[Any], slots: list[str]) -> tuple[NDArray[np.uint64], list[str]]:
    """Availability (JSON text lists of day-part slots) as bitsets, decoded with vectorised
    substring search (pyarrow) for the known slots; rows holding anything else are decoded
    one by one and their slots added to the vocabulary."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array([t if isinstance(t, str) else (json.dumps(t) if t else None) for t in texts],
                   type=pa.string())
    n = len(texts)
    bits = np.zeros(n, dtype=np.uint64)
    for j, slot in enumerate(slots):
        hit = pc.fill_null(pc.match_substring(arr, f'"{slot}"'), False)
        bits |= np.asarray(hit.to_numpy(zero_copy_only=False), dtype=np.uint64) << np.uint64(j)
    quotes = np.asarray(pc.fill_null(pc.count_substring(arr, '"'), 0).to_numpy(
        zero_copy_only=False), dtype=np.int64)
    names = list(slots)
    odd = np.flatnonzero(np.bitwise_count(bits).astype(np.int64) * 2 != quotes)
    if odd.size:
        extra: dict[str, int] = {}
        rows: list[set[str]] = []
        for i in odd.tolist():
            value = texts[i]
            items = set(json.loads(value) if isinstance(value, str) else (value or []))
            rows.append(items)
            for item in sorted(items - set(names)):
                extra.setdefault(item, len(names) + len(extra))
        names += list(extra)
        out = np.zeros((n, max(1, (len(names) + 63) // 64)), dtype=np.uint64)
        out[:, 0] = bits
        vocab = {name: k for k, name in enumerate(names)}
        for i, items in zip(odd.tolist(), rows, strict=True):
            out[i] = 0
            for item in items:
                k = vocab[item]
                out[i, k // 64] |= np.uint64(1) << np.uint64(k % 64)
        return out, names
    return bits[:, None], names


def lut(ids: list[int], values: list[int] | None = None) -> NDArray[np.int64]:
    """Lookup array: id -> value (default: position in `ids`), -1 for unknown ids."""
    out = np.full((max(ids) + 1) if ids else 1, -1, dtype=np.int64)
    if ids:
        out[np.array(ids, dtype=np.int64)] = (np.arange(len(ids)) if values is None
                                              else np.array(values, dtype=np.int64))
    return out


def lookup(lut: NDArray[np.int64], ids: NDArray[np.int64]) -> NDArray[np.int64]:
    ok = (ids >= 0) & (ids < lut.size)
    out = np.full(ids.size, -1, dtype=np.int64)
    out[ok] = lut[ids[ok]]
    return out


def m2m_bits(rows: list[tuple[Any, ...]], owner_ids: NDArray[np.int64],
              target_bit: NDArray[np.int64], n_bits: int) -> NDArray[np.uint64]:
    """Bitsets per owner row from (owner id, target id) rows (owners may repeat)."""
    pairs = int_rows(rows, 2)
    uniq, inverse = np.unique(owner_ids, return_inverse=True)
    pos = np.searchsorted(uniq, pairs[:, 0])
    pos = np.minimum(pos, max(uniq.size - 1, 0))
    known = (uniq.size > 0) & (uniq[pos] == pairs[:, 0]) if uniq.size else np.zeros(
        pairs.shape[0], dtype=bool)
    bits = bits_from_pairs(pos[known], lookup(target_bit, pairs[known, 1]),
                                  uniq.size, n_bits)
    out: NDArray[np.uint64] = bits[inverse]
    return out


def ages(days: tuple[Any, ...], today: date) -> NDArray[np.float64]:
    """Age in whole years on `today` from dates of birth as day numbers (NaN when unknown)."""
    day_numbers = np.array(days, dtype=np.float64)
    known = ~np.isnan(day_numbers)
    d = np.where(known, day_numbers, 0).astype(np.int64).astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    before = (month > today.month) | ((month == today.month) & (day > today.day))
    age = (today.year - year - before).astype(np.float64)
    age[~known] = np.nan
    return age


def opt_float(values: tuple[Any, ...]) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)  # None -> NaN


def sql_in_ids(column: str) -> str:
    """`column` is one of the ids passed as one parameter (ids_param): an index lookup per
    id, where `IN (subquery)` made PostgreSQL scan the whole table once per site."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608  # nosec B608 — a column name from the caller; the ids are a parameter


def ids_param(ids: list[int]) -> str:
    if connection.vendor == "postgresql":
        return "{" + ",".join(map(str, ids)) + "}"
    return json.dumps(ids)
