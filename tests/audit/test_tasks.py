"""The Celery tasks and beat entries run the same functions as `bridgeway audit seal|head`."""

from __future__ import annotations

import pytest

from bridgeway.audit import tasks
from bridgeway.audit.heads import Head
from bridgeway.audit.writer import SYSTEM, record

from . import forge


def test_beat_runs_the_seal_every_minute_and_exports_the_head_hourly() -> None:
    from bridgeway.celery import _beat_schedule

    schedule = _beat_schedule()
    assert schedule["audit-seal"]["task"] == "bridgeway.audit.tasks.seal_ready"
    assert schedule["audit-head"]["task"] == "bridgeway.audit.tasks.export_head"
    assert "safety-scan" in schedule


def test_tasks_seal_and_keep_the_head(db, head_file) -> None:
    for i in range(3):
        record(who=SYSTEM, category="identity", action="view", detail=f"e{i}")
    assert tasks.seal_ready.apply().get() == 3
    line = tasks.export_head.apply().get()
    assert Head.parse(line.split()[-1]).position == 3
    assert head_file.read_text().strip() == line


def test_the_head_task_fails_loudly_on_a_broken_chain(db, head_file) -> None:
    event = record(who=SYSTEM, category="identity", action="view")
    tasks.export_head.apply().get()
    forge.sql("UPDATE audit_auditevent SET detail = 'x' WHERE seq = %s", [event.seq])
    later = record(who=SYSTEM, category="identity", action="view")
    forge.sql("UPDATE audit_auditevent SET detail = 'x' WHERE seq = %s", [later.seq])
    with pytest.raises(tasks.AuditChainBroken, match=f"row {later.seq} altered"):
        tasks.export_head.apply().get()
