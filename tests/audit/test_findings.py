"""What issues 9 and 14 found on the audit trail, as tests (red on the old design)."""

from __future__ import annotations

import hashlib
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from bridgeway.audit.models import AuditEvent, AuditSubject
from bridgeway.audit.writer import SYSTEM, record


@pytest.fixture(autouse=True)
def _head_file(settings, tmp_path):
    settings.BRIDGEWAY_AUDIT_HEAD_FILE = str(tmp_path / "audit-head.txt")


def _events(n: int) -> None:
    for i in range(n):
        record(who=SYSTEM, category="identity", action="view", detail=f"e{i}")


def _sql(*statements: str) -> None:
    """Tamper as someone with database rights: triggers off, statements, triggers back on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # skips ordinary triggers
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                           " AND tbl_name LIKE 'audit_%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def _unkeyed(prev: str, fields: dict[str, object]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


def test_appended_row_with_recomputed_hash_is_found(db):
    _events(3)
    call_command("audit", "verify")  # exports the head
    last = AuditEvent.objects.latest("seq")
    fields = {"seq": last.seq + 1, "occurred_at": last.occurred_at.isoformat(), "actor": "",
              "username": "system", "role": "", "site": "", "client": "", "category": "identity",
              "action": "view", "outcome": "allowed", "detail": "forged", "subjects": ""}
    forged = _unkeyed(last.hash, fields)
    _sql("INSERT INTO audit_auditevent (seq, occurred_at, actor_username, role, site_code,"
         " category, action, outcome, detail, subjects, prev_hash, hash) VALUES"
         f" ({last.seq + 1}, '{last.occurred_at.isoformat()}', 'system', '', '', 'identity',"
         f" 'view', 'allowed', 'forged', '', '{last.hash}', '{forged}')")
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_newest_fifty_rows_deleted_is_found(db):
    _events(60)
    call_command("audit", "verify")
    _sql("DELETE FROM audit_auditevent WHERE seq > 10")
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_altered_row_with_every_later_hash_recomputed_is_found(db):
    _events(6)
    call_command("audit", "verify")
    rows = list(AuditEvent.objects.order_by("seq"))
    prev = rows[1].hash
    statements = [f"UPDATE audit_auditevent SET detail = 'forged' WHERE seq = {rows[2].seq}"]
    for row in rows[2:]:
        fields = {"seq": row.seq, "occurred_at": row.occurred_at.isoformat(), "actor": "",
                  "username": row.actor_username, "role": "", "site": "", "client": "",
                  "category": row.category, "action": row.action, "outcome": row.outcome,
                  "detail": "forged" if row.seq == rows[2].seq else row.detail, "subjects": ""}
        new = _unkeyed(prev, fields)
        statements.append(f"UPDATE audit_auditevent SET prev_hash = '{prev}', hash = '{new}'"
                          f" WHERE seq = {row.seq}")
        prev = new
    _sql(*statements)
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_deleted_subject_rows_are_found(world, login):
    http = login("supporter")
    assert http.get("/clients/mine/").status_code == 200
    assert AuditSubject.objects.filter(client_public_id=world.client_a.public_id).exists()
    call_command("audit", "verify")
    _sql("DELETE FROM audit_auditsubject")
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_database_refuses_deleting_subject_rows(world, login):
    login("supporter").get("/clients/mine/")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditsubject")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_audited_reads_do_not_wait_for_each_other():
    """One transaction holds an audited read open; another transaction's read is not held up."""
    assert connection.vendor == "postgresql"
    started = threading.Event()
    release = threading.Event()
    finished: list[float] = []

    def slow_reader() -> None:
        try:
            with transaction.atomic():
                record(who=SYSTEM, category="identity", action="view", detail="slow")
                started.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    def quick_reader() -> None:
        try:
            begun = time.perf_counter()
            with transaction.atomic():
                record(who=SYSTEM, category="identity", action="view", detail="quick")
            finished.append(time.perf_counter() - begun)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_reader)
    slow.start()
    assert started.wait(timeout=10)
    quick = threading.Thread(target=quick_reader)
    quick.start()
    quick.join(timeout=5)
    waited = quick.is_alive()
    release.set()
    slow.join(timeout=20)
    quick.join(timeout=20)
    assert not waited, "the second audited read waited for the first transaction to end"
    assert finished and finished[0] < 5
    assert AuditEvent.objects.count() == 2
