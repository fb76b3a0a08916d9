"""Tampering as someone with database rights would: lift the append-only triggers, write, restore.

Shared by the audit tests and the browser tests' clean-up (SQLite flushes tables with DELETE,
which the triggers refuse).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

AUDIT_TABLES = ("audit_auditevent", "audit_auditsubject", "audit_auditseal")


@contextmanager
def triggers_lifted() -> Iterator[Any]:
    """A cursor with every audit trigger off (PostgreSQL: disabled; SQLite: dropped, re-created)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only the tables that exist (a migration test runs at an older schema too).
            tables = [t for t in AUDIT_TABLES if t in connection.introspection.table_names(cursor)]
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield cursor
            finally:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                       " AND tbl_name LIKE 'audit_%'")
        saved = cursor.fetchall()
        for name, _ in saved:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield cursor
        finally:
            for _, sql in saved:
                cursor.execute(sql)


def sql(statement: str, params: Sequence[Any] = ()) -> None:
    with triggers_lifted() as cursor:
        cursor.execute(statement, list(params))


def empty_audit_tables() -> None:
    with triggers_lifted() as cursor:
        for table in AUDIT_TABLES:
            if table not in connection.introspection.table_names(cursor):
                continue
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # names from the constant above


def unkeyed(message: str) -> str:
    """What a forger without the key computes: a plain SHA-256."""
    return hashlib.sha256(message.encode()).hexdigest()


def wrong_key(message: str) -> str:
    """What a forger computes with a guessed key (here: the Django SECRET_KEY of the tests)."""
    return hmac.new(b"test-only-key", message.encode(), hashlib.sha256).hexdigest()
