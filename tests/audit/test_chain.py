"""The audit trail is append-only and tamper-evident."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.sealing import seal
from bridgeway.audit.verify import verify_chain
from bridgeway.audit.writer import SYSTEM, record


def _events(n: int) -> list[AuditEvent]:
    return [record(who=SYSTEM, category="identity", action="view", detail=f"e{i}") for i in range(n)]


def _without_triggers(sql: str, params: list[object]) -> None:
    """Tamper as a database superuser would: drop the append-only triggers first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        cursor.execute(sql, params)


def test_chain_verifies_when_untouched(db):
    _events(5)
    result = verify_chain()
    assert result.ok and result.checked == 5
    call_command("audit", "verify")


def test_model_refuses_update_and_delete(db):
    event = _events(1)[0]
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_database_refuses_raw_update(db):
    from django.db import DatabaseError, transaction

    first = _events(2)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # seq comes from the table's sequence (decision 0008), so it is read, not assumed.
        cursor.execute("UPDATE audit_auditevent SET detail = 'x' WHERE seq = %s", [first.seq])


def test_altered_row_is_named(db):
    third = _events(4)[2]
    _without_triggers("UPDATE audit_auditevent SET detail = %s WHERE seq = %s",
                      ["forged", third.seq])
    with pytest.raises(CommandError, match=f"row {third.seq} "):
        call_command("audit", "verify")


def test_deleted_row_is_named(db):
    second = _events(4)[1]
    # A row is in the chain once sealed: after its commit, within the seal interval, or here
    # (decision 0008). Deleting a row before then is the window the exported head cannot close.
    seal()
    _without_triggers("DELETE FROM audit_auditevent WHERE seq = %s", [second.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == second.seq
    with pytest.raises(CommandError, match=f"row {second.seq} deleted"):
        call_command("audit", "verify")
