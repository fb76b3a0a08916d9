"""`bridgeway scan` (cron) and the Celery task/beat entry run the same service."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bridgeway.audit.models import AuditEvent
from bridgeway.safety.models import ScanRun

pytestmark = pytest.mark.django_db


def test_scan_command_reports_and_audits(world):
    out = io.StringIO()
    call_command("scan", stdout=out)
    call_command("scan", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("scan: hits=") and "created=0" in lines[1]
    assert ScanRun.objects.count() == 2
    assert AuditEvent.objects.filter(category="safety", action="scan", actor_username="system").count() == 2


def test_celery_task_and_beat_entry(world):
    from bridgeway.safety.tasks import BEAT_SCHEDULE, scan

    assert BEAT_SCHEDULE["safety-scan"]["task"] == "bridgeway.safety.tasks.scan"
    result = scan()
    assert set(result) == {"hits", "created", "resolved", "updated"}
    assert ScanRun.objects.count() == 1
