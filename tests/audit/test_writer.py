"""The writer: one INSERT per audited read, inside the caller's transaction, signed."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bridgeway.audit.keys import event_mac_ok
from bridgeway.audit.models import AuditEvent, AuditSubject
from bridgeway.audit.writer import SYSTEM, Who, record

ROOT = Path(__file__).resolve().parents[2]
BENCH_ONLY = "BRIDGEWAY_BENCH_DISABLE_AUDIT_WRITES"


def test_an_audited_read_costs_one_insert_and_no_lock(db) -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        record(who=SYSTEM, category="identity", action="view", client_public_id=uuid.uuid4())
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].upper().startswith("INSERT INTO \"AUDIT_AUDITEVENT\"")


def test_a_list_page_writes_its_subject_rows_with_the_event(db) -> None:
    """PostgreSQL: event and subject rows in one statement; SQLite: one more INSERT."""
    clients = [uuid.uuid4() for _ in range(25)]
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        event = record(who=SYSTEM, category="identity", action="list", subjects=clients)
    assert len(ctx.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.xact == event.xact and event_mac_ok(stored)
    assert sorted(AuditSubject.objects.filter(event=event).values_list(
        "client_public_id", flat=True)) == sorted(clients)
    assert event.subjects == ",".join(sorted(str(c) for c in clients))


def test_events_are_signed_and_carry_a_nonce(db) -> None:
    who = Who(public_id=uuid.uuid4(), username="alice", role="coordinator", site_code="riverside")
    a = record(who=who, category="identity", action="view")
    b = record(who=who, category="identity", action="view")
    stored = AuditEvent.objects.get(seq=a.seq)
    assert event_mac_ok(stored) and stored.mac_epoch == 1
    assert a.nonce != b.nonce and a.mac != b.mac
    assert b.seq > a.seq


def test_an_event_in_a_rolled_back_transaction_disappears_with_it(db) -> None:
    try:
        with transaction.atomic():
            record(who=SYSTEM, category="identity", action="view",
                   subjects=[uuid.uuid4()])
            raise ValueError
    except ValueError:
        pass
    assert not AuditEvent.objects.exists()
    assert not AuditSubject.objects.exists()


def test_the_bench_only_switch_skips_the_write(db, settings) -> None:
    settings.BRIDGEWAY_BENCH_DISABLE_AUDIT_WRITES = True
    record(who=SYSTEM, category="identity", action="view")
    assert not AuditEvent.objects.exists()


def test_only_the_writer_and_the_benchmark_read_the_bench_only_switch() -> None:
    readers = sorted(
        str(path.relative_to(ROOT)) for folder in ("bridgeway", "bench")
        for path in (ROOT / folder).rglob("*.py") if BENCH_ONLY in path.read_text())
    assert readers == ["bench/audit.py", "bridgeway/audit/writer.py"]
