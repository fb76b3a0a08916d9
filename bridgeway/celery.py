"""The Celery app, used only when CELERY_BROKER_URL is set (otherwise cron runs commands).

Start a worker with beat:  celery -A bridgeway.celery worker --beat -l info
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgeway.settings.production")

app = Celery("bridgeway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_schedule() -> dict[str, object]:
    from bridgeway.audit.tasks import BEAT_SCHEDULE as AUDIT
    from bridgeway.safety.tasks import BEAT_SCHEDULE

    return {**BEAT_SCHEDULE, **AUDIT}


@app.on_after_finalize.connect
def _setup_periodic_tasks(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = {**(sender.conf.beat_schedule or {}), **_beat_schedule()}
