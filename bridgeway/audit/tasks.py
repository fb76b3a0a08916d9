"""Celery tasks and beat entries for the audit chain, used only when CELERY_BROKER_URL is set.

Without a broker, cron runs `bridgeway audit seal` and `bridgeway audit head` (docs/operations.md);
both call the same functions. `bridgeway audit verify` (the full walk) stays in cron either way.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from . import heads
from .sealing import seal
from .verify import verify_chain

# Merged into the Celery app's beat schedule by bridgeway/celery.py.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Web processes seal after their commits; this catches up after quiet spells.
    "audit-seal": {"task": "bridgeway.audit.tasks.seal_ready", "schedule": crontab(minute="*")},
    "audit-head": {"task": "bridgeway.audit.tasks.export_head", "schedule": crontab(minute="7")},
}


class AuditChainBroken(RuntimeError):
    """Raised by the head task so the failure shows in Celery's logs and monitoring."""


@shared_task(name="bridgeway.audit.tasks.seal_ready")
def seal_ready() -> int:
    return seal(wait=True)


@shared_task(name="bridgeway.audit.tasks.export_head")
def export_head() -> str:
    """Check the chain since the last kept head and keep the new one (`bridgeway audit head`)."""
    result = verify_chain(head=heads.last_exported(), since_head=True)
    if not result.ok or result.head is None:
        raise AuditChainBroken(f"{len(result.problems)} problem(s); first: {result.reason}")
    return heads.export(result.head)
