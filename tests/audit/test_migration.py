"""Upgrading from the old in-row hash chain: verified first, then carried into the keyed chain."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bridgeway.audit.models import AuditEvent, AuditSubject
from bridgeway.audit.verify import verify_chain
from bridgeway.audit.writer import SYSTEM, record

from . import forge

OLD = [("audit", "0002_append_only_triggers")]
LEGACY = importlib.import_module("bridgeway.audit.migrations.0003_keyed_chain_sealed_apart")


def _migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.fixture
def old_schema(transactional_db) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The audit tables as 0002 left them; the latest schema is restored afterwards."""
    executor = _migrate(OLD)
    yield executor.loader.project_state(OLD).apps
    with forge.triggers_lifted() as cursor:
        for table in ("audit_auditsubject", "audit_auditseal", "audit_auditevent"):
            if table in connection.introspection.table_names(cursor):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # constant names
    _migrate()


def _legacy_rows(apps: Any, n: int, clients: list[uuid.UUID]) -> None:
    event_model = apps.get_model("audit", "AuditEvent")
    subject_model = apps.get_model("audit", "AuditSubject")
    prev = LEGACY.LEGACY_GENESIS
    for seq in range(1, n + 1):
        row = event_model(seq=seq, occurred_at=timezone.now(), actor_username="alice",
                          category="identity", action="list" if seq == 2 else "view",
                          outcome="allowed", detail=f"old {seq}",
                          subjects=",".join(sorted(map(str, clients))) if seq == 2 else "")
        row.prev_hash = prev
        row.hash = prev = LEGACY._legacy_hash(row, prev)
        row.save()
        if seq == 2:
            for client in clients:
                subject_model.objects.create(event=row, client_public_id=client)


def test_a_verified_old_chain_is_carried_into_the_keyed_chain(old_schema) -> None:
    clients = [uuid.uuid4(), uuid.uuid4()]
    _legacy_rows(old_schema, 4, clients)
    _migrate()
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]
    # The subject index now points at seq, and "who accessed" still finds the list page.
    assert set(AuditSubject.objects.filter(client_public_id=clients[0])
               .values_list("event_id", flat=True)) == {2}
    new = record(who=SYSTEM, category="identity", action="view")
    assert new.seq == 5
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checked == 5
    call_command("audit", "verify")


def test_a_broken_old_chain_stops_the_upgrade(old_schema) -> None:
    _legacy_rows(old_schema, 4, [])
    forge.sql("UPDATE audit_auditevent SET detail = 'forged' WHERE seq = 3")
    with pytest.raises(RuntimeError, match="broken at row 3"):
        _migrate()
    assert "audit_auditseal" not in connection.introspection.table_names()
