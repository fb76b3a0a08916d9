"""Celery task and beat entry for the scan, used only when CELERY_BROKER_URL is set.

Without a broker, cron runs `bridgeway scan` (docs/safety.md); both call the same service.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from .services.scan import scan_run

# Merged into the Celery app's beat schedule by bridgeway/celery.py.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "safety-scan": {
        "task": "bridgeway.safety.tasks.scan",
        # Every hour at :15, like the documented cron line.
        "schedule": crontab(minute="15"),
    },
}


@shared_task(name="bridgeway.safety.tasks.scan")
def scan() -> dict[str, int]:
    result = scan_run()
    return {"hits": result.hits, "created": result.created, "resolved": result.resolved,
            "updated": result.updated}
