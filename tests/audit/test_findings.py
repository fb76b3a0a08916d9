"""What issues 9 and 14 found on the audit trail, as tests (red on the old design).

The forgeries the old chain missed (an appended row with a recomputed hash, the newest 50 rows
deleted, a row altered and every later hash recomputed, deleted subject rows) are in
test_tamper.py, written against the keyed chain.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction

from bridgeway.audit.models import AuditEvent, AuditSeal, AuditSubject
from bridgeway.audit.sealing import seal
from bridgeway.audit.writer import SYSTEM, record


def _subject_rows(login) -> None:  # type: ignore[no-untyped-def]
    assert login("supporter").get("/clients/mine/").status_code == 200
    assert AuditSubject.objects.exists()


@pytest.mark.parametrize("statement", [
    "DELETE FROM audit_auditsubject",
    "UPDATE audit_auditsubject SET client_public_id = client_public_id",
    "DELETE FROM audit_auditseal",
    "UPDATE audit_auditseal SET epoch = epoch",
])
def test_database_refuses_changing_subject_rows_and_seals(world, login, statement):
    _subject_rows(login)
    seal()
    assert AuditSeal.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


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
