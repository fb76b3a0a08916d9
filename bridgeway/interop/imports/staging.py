"""The scratch table a file is validated into, and the set-based merge out of it.

The documented bulk path (decision 0014). Every row that passed the per-row checks is streamed
into a temporary table (PostgreSQL `COPY`, SQLite batched inserts), the checks that need the
database (unknown keys, overlaps) run as queries over it, and only when the whole file is clean
does `merge` write the domain tables with a handful of INSERT … SELECT / UPDATE … FROM
statements. All of it runs inside the import's one transaction: a temporary table is scratch,
so "a file with any error writes nothing" holds for the domain tables.

Invariants the merge keeps (the rules the services would apply row by row are checked over
the staged rows before it runs, in each kind's `check`): every row gets a public UUID and
timestamps like a row made by a service; a source key maps to exactly one row
(`ImportKey` is unique); an existing row is only updated when a value differs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

from bridgeway.interop.models import ImportKey

BATCH = 5000
PG_TYPES = {"text": "text", "date": "date", "int": "bigint", "bool": "boolean", "uuid": "uuid",
            "datetime": "timestamptz"}
SQLITE_TYPES = {"text": "text", "date": "text", "int": "integer", "bool": "integer", "uuid": "text",
                "datetime": "text"}
KEYS = ImportKey._meta.db_table


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def distinct(left: str, right: str) -> str:
    """A comparison where NULL equals NULL: PostgreSQL's IS DISTINCT FROM, SQLite's IS NOT."""
    return f"{left} IS DISTINCT FROM {right}" if is_postgres() else f"{left} IS NOT {right}"


@dataclass
class Stage:
    """A temporary table named after the import, with a line, a key and a public id column
    followed by the kind's own columns."""

    name: str
    columns: list[tuple[str, str]]

    @classmethod
    def create(cls, kind: str, columns: Sequence[tuple[str, str]]) -> Stage:
        stage = cls(name=f"import_stage_{kind}",
                    columns=[("line", "int"), ("key", "text"), ("public_id", "uuid"),
                             *columns])
        ddl = ", ".join(f"{name} {(PG_TYPES if is_postgres() else SQLITE_TYPES)[kind_]}"
                        for name, kind_ in stage.columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {stage.name}")
            suffix = " ON COMMIT DROP" if is_postgres() else ""
            cursor.execute(f"CREATE TEMPORARY TABLE {stage.name} ({ddl}){suffix}")
        return stage

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")

    @contextmanager
    def loader(self) -> Iterator[Callable[[tuple[Any, ...]], None]]:
        """A function that stages one row (key, *values); a new public id is added here."""
        names = ", ".join(name for name, _kind in self.columns)
        with connection.cursor() as cursor:
            if is_postgres():
                with cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    write = copy.write_row
                    yield lambda row: write((row[0], row[1], uuid.uuid4(), *row[2:]))
                self.analyse()
                return
            batch: list[tuple[Any, ...]] = []
            marks = ", ".join("%s" for _ in self.columns)
            sql = f"INSERT INTO {self.name} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608 — table and column names come from the models and layouts; values are parameters

            def add(row: tuple[Any, ...]) -> None:
                batch.append(tuple(_sqlite(v) for v in (row[0], row[1], uuid.uuid4(), *row[2:])))
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    batch.clear()

            yield add
            if batch:
                cursor.executemany(sql, batch)
        self.analyse()

    def analyse(self, *tables: str) -> None:
        """Fresh statistics for the stage (and tables just filled): PostgreSQL never analyses
        a temporary table by itself, and without statistics it joins a million staged rows
        by nested loops."""
        if is_postgres():
            with connection.cursor() as cursor:
                for table in (self.name, *tables):
                    cursor.execute(f"ANALYZE {table}")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", self.name), params)
            return list(cursor.fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", self.name), params)
            return int(cursor.rowcount)


def _sqlite(value: Any) -> Any:
    """Values as Django stores them on SQLite (dates as ISO text, UUIDs as 32 hex digits)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):  # UTC, in the text form Django itself writes
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def key_join(alias: str, kind: str, key_expr: str) -> str:
    """SQL joining the import keys of `kind` (source as the first parameter) on a key."""
    return (f"{alias}.kind = '{kind}' AND {alias}.source = %s AND {alias}.key = {key_expr}")


@dataclass(frozen=True)
class Target:
    """Where a kind's staged rows go: the model, the kind of their keys, and for each column
    the SQL expression that fills it from the staged row `s` (joins add referenced ids)."""

    model: type[Model]
    kind: str
    fields: dict[str, str]
    joins: str = ""
    # How many times the source is a parameter of `joins`.
    join_sources: int = 0


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _defaults(target: Target, now: datetime) -> tuple[list[str], list[Any]]:
    """Columns the file does not fill, with the value a new row gets from the model."""
    skip = {"id", "public_id", "created_at", "updated_at", *target.fields}
    columns: list[str] = []
    values: list[Any] = []
    for field in target.model._meta.concrete_fields:
        if field.column in skip or field.null:
            continue
        columns.append(str(field.column))
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, values


def merge(stage: Stage, target: Target, *, source: str, now: datetime) -> Counts:
    """Update the rows whose key is known and whose values differ; insert the others and
    remember their keys. Returns what changed."""
    table = target.model._meta.db_table
    cols = list(target.fields)
    exprs = [target.fields[c] for c in cols]
    joined = f"{{stage}} s {target.joins}"
    jp = [source] * target.join_sources
    total = stage.query("SELECT COUNT(*) FROM {stage}")[0][0]
    select = ", ".join(f"{e} AS {c}" for c, e in zip(cols, exprs, strict=True))
    changed = " OR ".join(distinct(f"t.{c}", f"x.{c}") for c in cols)
    sets = ", ".join(f"{c} = x.{c}" for c in cols)
    updated = stage.execute(
        f"UPDATE {table} AS t SET {sets}, updated_at = %s FROM (SELECT k.object_id AS id, {select} "  # noqa: S608  # nosec B608 — table and column names come from the models and layouts; values are parameters
        f"FROM {joined} JOIN {KEYS} k ON {key_join('k', target.kind, 's.key')}) AS x "
        f"WHERE t.id = x.id AND ({changed})", [now, *jp, source])
    extra_cols, extra_values = _defaults(target, now)
    all_cols = ", ".join(["public_id", "created_at", "updated_at", *cols, *extra_cols])
    marks = "".join(", %s" for _ in extra_values)
    created = stage.execute(
        f"INSERT INTO {table} ({all_cols}) SELECT s.public_id, %s, %s, {', '.join(exprs)}{marks} "  # noqa: S608  # nosec B608 — table and column names come from the models and layouts; values are parameters
        f"FROM {joined} LEFT JOIN {KEYS} k ON {key_join('k', target.kind, 's.key')} "
        f"WHERE k.id IS NULL", [now, now, *extra_values, *jp, source])
    stage.analyse(table)
    stage.execute(
        f"INSERT INTO {KEYS} (kind, source, key, object_id) SELECT %s, %s, s.key, t.id "  # noqa: S608  # nosec B608 — table and column names come from the models and layouts; values are parameters
        f"FROM {{stage}} s JOIN {table} t ON t.public_id = s.public_id", [target.kind, source])
    stage.analyse(KEYS)
    return Counts(created=created, updated=updated, unchanged=total - created - updated)
