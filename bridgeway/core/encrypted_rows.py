"""Rewrite encrypted columns row by row, in batches: the migrations that encrypt existing text,
key rotation, and the privacy check that no column holds plain text (decision 0020).

These work on the raw columns (`connection.cursor()`), not through the model: a migration
must read the plain text the field cannot decrypt, and a rotation need not decrypt into Python
objects, touch `updated_at`, or fire anything. Table and column names come from the models'
own metadata and are quoted by the database backend; every value is a query parameter.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import connection as default_connection
from django.db import migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper

from bridgeway.core import crypto
from bridgeway.core.fields import encrypted_fields

BATCH = 500
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Columns:
    """One table's encrypted columns."""

    label: str  # "clients.Client"
    table: str
    pk: str
    columns: tuple[str, ...]


def columns_of(model: type[models.Model]) -> Columns:
    pk = model._meta.pk  # every concrete model has one, with a column
    return Columns(model._meta.label, model._meta.db_table, str(pk.column if pk else "id"),
                   tuple(str(f.column) for f in encrypted_fields(model)))


def encrypted_tables() -> list[Columns]:
    """Every table of the project with at least one encrypted field, in a stable order."""
    found = [columns_of(m) for m in global_apps.get_models() if encrypted_fields(m)]
    return sorted(found, key=lambda c: c.label)


def is_token(value: str) -> bool:
    """True when a configured key opens `value` (a Fernet token made by this project)."""
    try:
        crypto.decrypt(value)
    except crypto.InvalidToken:
        return False
    return True


def _batches(conn: BaseDatabaseWrapper, cols: Columns, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    qn = conn.ops.quote_name
    select = ", ".join(qn(c) for c in (cols.pk, *cols.columns))
    last: Any = None
    with conn.cursor() as cursor:
        while True:
            where, params = ("", []) if last is None else (f" WHERE {qn(cols.pk)} > %s", [last])
            cursor.execute(f"SELECT {select} FROM {qn(cols.table)}{where} "  # noqa: S608  # nosec B608 — names from model metadata, quoted; values are parameters
                           f"ORDER BY {qn(cols.pk)} LIMIT {int(batch)}", params)
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]


def rewrite(cols: Columns, change: Callable[[str], str], *, conn: BaseDatabaseWrapper | None = None,
            batch: int = BATCH, progress: Progress | None = None) -> int:
    """Apply `change` to every non-empty value of the table's columns; returns rows changed."""
    conn = conn or default_connection
    qn = conn.ops.quote_name
    assignments = ", ".join(f"{qn(c)} = %s" for c in cols.columns)
    update = f"UPDATE {qn(cols.table)} SET {assignments} WHERE {qn(cols.pk)} = %s"  # noqa: S608  # nosec B608 — table and column names come from the models, values are parameters
    changed = 0
    for rows in _batches(conn, cols, batch):
        updates = []
        for pk, *values in rows:
            new = [change(v) if v else v for v in values]
            if new != values:
                updates.append((*new, pk))
        if updates:
            with conn.cursor() as cursor:
                cursor.executemany(update, updates)
        changed += len(updates)
        if progress:
            progress(len(rows))
    return changed


@dataclass
class Census:
    """What one encrypted column holds, counted without showing any of it."""

    label: str  # "clients.Client.safety_notes"
    empty: int = 0
    current: int = 0  # opened by the newest key
    older: int = 0  # opened by an older key: `rotate_field_keys` will move them
    unreadable: int = 0  # a token no configured key opens
    plain: int = 0  # not a token at all: plain text in the column (must be 0)


def looks_like_token(value: str) -> bool:
    """A Fernet token: URL-safe base64 of a 0x80 version byte, time, IV, ciphertext, HMAC."""
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    return len(raw) >= 57 and raw[0] == 0x80


def census(cols: Columns, *, conn: BaseDatabaseWrapper | None = None) -> list[Census]:
    counts = [Census(f"{cols.label}.{c}") for c in cols.columns]
    for rows in _batches(conn or default_connection, cols, BATCH):
        for _pk, *values in rows:
            for count, value in zip(counts, values, strict=True):
                if not value:
                    count.empty += 1
                elif crypto.is_current(value):
                    count.current += 1
                elif is_token(value):
                    count.older += 1
                elif looks_like_token(value):
                    count.unreadable += 1
                else:
                    count.plain += 1
    return counts


def _encrypt(value: str) -> str:
    return value if is_token(value) else crypto.encrypt(value)


def _decrypt(value: str) -> str:
    return crypto.decrypt(value) if is_token(value) else value


@dataclass
class Rotated:
    changed: int = 0  # rows with at least one value re-encrypted
    unreadable: int = 0  # values no configured key opens: left as they are, and counted


def rotate_all(*, tables: Iterable[Columns] | None = None,
               progress: Progress | None = None) -> Rotated:
    """Re-encrypt under the newest key every value made under an older one."""
    done = Rotated()

    def rotate(value: str) -> str:
        if crypto.is_current(value):
            return value
        try:
            return crypto.rotate(value)
        except crypto.InvalidToken:
            done.unreadable += 1
            return value

    for cols in tables or encrypted_tables():
        done.changed += rewrite(cols, rotate, progress=progress)
    return done


def row_count(tables: Iterable[Columns]) -> int:
    return sum(global_apps.get_model(c.label).objects.count() for c in tables)


def encrypt_existing(app_label: str, model_name: str) -> migrations.RunPython:
    """A migration step that encrypts the plain text already in the model's encrypted columns
    (and decrypts it back when the migration is reversed). Values already encrypted are kept,
    so the step can run again safely."""

    def columns(apps: Any) -> Columns:
        return columns_of(apps.get_model(app_label, model_name))

    def forward(apps: Any, schema_editor: Any) -> None:
        rewrite(columns(apps), _encrypt, conn=schema_editor.connection)

    def backward(apps: Any, schema_editor: Any) -> None:
        rewrite(columns(apps), _decrypt, conn=schema_editor.connection)

    return migrations.RunPython(forward, backward)
