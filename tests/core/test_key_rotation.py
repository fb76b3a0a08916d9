"""`bridgeway rotate_field_keys` re-encrypts every encrypted field under the newest key: after
it, the old key can be removed and everything still reads (decisions 0013 and 0020)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from bridgeway.audit.models import AuditEvent
from bridgeway.core import crypto, encrypted_rows
from tests import factories as f

pytestmark = pytest.mark.django_db

OLD = {1: "o" * 40}
BOTH = {1: "o" * 40, 2: "n" * 40}
NEW_ONLY = {2: "n" * 40}


def every_token() -> list[str]:
    tokens = []
    with connection.cursor() as cursor:
        for cols in encrypted_rows.encrypted_tables():
            names = ", ".join(connection.ops.quote_name(c) for c in cols.columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(cols.table)}")  # noqa: S608 — names from model metadata
            tokens += [v for row in cursor.fetchall() for v in row if v]
    return tokens


def test_rotate_then_drop_the_old_key_and_everything_still_reads() -> None:
    with override_settings(BRIDGEWAY_FIELD_KEYS=OLD):
        clients = [f.ClientFactory(safety_notes=f"Crisis line first {n}", background=f"Bio {n}")
                   for n in range(3)]
        before = every_token()
    assert len(before) >= 6
    with override_settings(BRIDGEWAY_FIELD_KEYS=BOTH):
        out = io.StringIO()
        call_command("rotate_field_keys", stdout=out, stderr=io.StringIO())
        assert "Re-encrypting" in out.getvalue() and "3 row(s) of text" in out.getvalue()
        after = every_token()
        assert all(crypto.is_current(t) for t in after)
        assert not set(before) & set(after)
        events = AuditEvent.objects.filter(action="rotate_field_keys")
        assert events.count() == 1
        assert "text_rows:3 unreadable:0 epoch:2" in events.get().detail
    with override_settings(BRIDGEWAY_FIELD_KEYS=NEW_ONLY):
        for n, client in enumerate(clients):
            client.refresh_from_db()
            assert (client.safety_notes, client.background) == (f"Crisis line first {n}",
                                                                f"Bio {n}")


def test_a_second_rotation_changes_nothing_and_unreadable_values_are_counted() -> None:
    with override_settings(BRIDGEWAY_FIELD_KEYS={9: "z" * 40}):
        f.ClientFactory(safety_notes="made under a key that will be lost", background="")
    with override_settings(BRIDGEWAY_FIELD_KEYS=BOTH):
        f.ClientFactory(safety_notes="current", background="")
        err = io.StringIO()
        call_command("rotate_field_keys", stdout=io.StringIO(), stderr=err)
        assert "1 encrypted value(s) could not be read" in err.getvalue()
        detail = AuditEvent.objects.get(action="rotate_field_keys").detail
        assert "text_rows:0 unreadable:1" in detail
