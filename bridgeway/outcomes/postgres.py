"""Runs the outcome-measures statement on PostgreSQL, fast.

Two things matter at 100,000 stays (see bench/outcomes.md):

* The rows come back as CSV through COPY and are parsed by pyarrow into columns: building a
  Python tuple per row would cost as much as the query itself.
* A PostgreSQL statement with window functions runs on one core. Every measure depends only
  on the rows of one client, so the clients are split into ranges of their ids and each range
  runs on its own connection (its own server process) at the same time. The connections
  share one snapshot (`pg_export_snapshot` / `SET TRANSACTION SNAPSHOT`), so the result is
  exactly what one statement would have seen, even while others write.

Splitting needs the data committed: inside an open transaction (a caller's atomic block, the
test suite) other connections would not see its writes, so there the statement runs once on
the caller's connection. Small programs (fewer stays than BRIDGEWAY_OUTCOMES_PARALLEL_MIN_STAYS)
run once too: a connection costs more than it saves there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from bridgeway.clients.models import HospitalStay

from .measures import COLUMNS, TEXT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

logger = logging.getLogger(__name__)

FLOAT_COLUMNS = frozenset({"episode_cost", "cost_after"})

# Builds the statement: with a client range (placeholders %(lo)s, %(hi)s) or without.
Builder = Callable[[bool], str]


def client_ranges(lowest: int, highest: int, parts: int) -> list[tuple[int, int]]:
    """`parts` half-open ranges (lo, hi] of client ids covering [lowest, highest]."""
    span = highest - lowest + 1
    parts = max(1, min(parts, span))
    bounds = [lowest - 1 + span * k // parts for k in range(parts + 1)]
    return list(zip(bounds, bounds[1:], strict=False))


def compute(build: Builder, *, cut: int) -> pd.DataFrame:
    """The measures as a DataFrame (columns as `measures.COLUMNS`)."""
    workers = settings.BRIDGEWAY_OUTCOMES_WORKERS
    if workers > 1 and not connection.in_atomic_block:
        try:
            return _compute_in_ranges(build, cut, workers)
        except (DatabaseError, psycopg.Error) as exc:
            # E.g. no connection left (max_connections) or a standby that cannot export a
            # snapshot: slower, but the page still gets its numbers.
            logger.warning("outcome measures: parallel ranges failed (%s); one statement",
                           type(exc).__name__)
    with transaction.atomic(), connection.cursor() as cursor:
        return _frame([_copy(cursor.cursor, _literal(build(False), cut))])


def _compute_in_ranges(build: Builder, cut: int, workers: int) -> pd.DataFrame:
    stay = HospitalStay._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # Repeatable read: this connection's own range sees the exported snapshot too.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute(
            f"SELECT pg_export_snapshot(), MIN(client_id), MAX(client_id), "  # noqa: S608
            f"(SELECT reltuples FROM pg_class WHERE oid = %s::regclass) FROM {stay}", [stay])
        snapshot, lowest, highest, estimate = cursor.fetchone()
        if lowest is None or estimate < settings.BRIDGEWAY_OUTCOMES_PARALLEL_MIN_STAYS:
            return _frame([_copy(cursor.cursor, _literal(build(False), cut))])
        ranges = client_ranges(lowest, highest, workers)
        sql = build(True)
        params = connection.get_connection_params()
        with ThreadPoolExecutor(max_workers=max(1, len(ranges) - 1)) as pool:
            others = [pool.submit(_run_range, params, snapshot, _literal(sql, cut, lo, hi))
                      for lo, hi in ranges[1:]]
            lo, hi = ranges[0]
            tables = [_copy(cursor.cursor, _literal(sql, cut, lo, hi))]
            tables += [future.result() for future in others]
    return _frame(tables)


def _literal(sql: str, cut: int, lo: int = 0, hi: int = 0) -> str:
    # COPY takes no parameters; every value is an integer computed here.
    return sql % {"cut": int(cut), "true": "TRUE", "lo": int(lo), "hi": int(hi)}


def _run_range(params: dict[str, Any], snapshot: str, sql: str) -> pa.Table:
    """One client range on a connection of its own, inside the leader's snapshot."""
    from psycopg import sql as psql

    with psycopg.connect(**params) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute(psql.SQL("SET TRANSACTION SNAPSHOT {}").format(psql.Literal(snapshot)))
            return _copy(cursor, sql)


def _copy(cursor: Any, sql: str) -> pa.Table:
    """COPY the statement's rows out as CSV and parse them with pyarrow (in this thread)."""
    import io

    import pyarrow.csv as pa_csv

    # JIT compilation costs seconds on this one-off analytic query and saves nothing;
    # the final sorts fit in memory with a little more work_mem.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '64MB'")
    buf = io.BytesIO()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buf.write(block)
    buf.seek(0)
    schema = _schema()
    if buf.getbuffer().nbytes == 0:
        return schema.empty_table()
    return pa_csv.read_csv(
        buf, read_options=pa_csv.ReadOptions(column_names=COLUMNS),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict(zip(schema.names, schema.types, strict=True)),
            strings_can_be_null=False, null_values=[""]))


def _schema() -> pa.Schema:
    """Fixed column types, so that the ranges' tables concatenate whatever each one holds."""
    import pyarrow as pa

    def kind(name: str) -> pa.DataType:
        if name in TEXT_COLUMNS:
            return pa.string()
        return pa.float64() if name in FLOAT_COLUMNS else pa.int64()

    return pa.schema([(name, kind(name)) for name in COLUMNS])


def _frame(tables: list[pa.Table]) -> pd.DataFrame:
    """One DataFrame: integer columns with empty values become floats with NaN, as in pandas."""
    import pandas as pd
    import pyarrow as pa

    table = pa.concat_tables(tables)
    if table.num_rows == 0:
        return pd.DataFrame(columns=COLUMNS)
    frame: pd.DataFrame = table.to_pandas()
    return frame
