"""`bridgeway scan`: evaluate every safety-net rule once (idempotent; safe to run often)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bridgeway.safety.services.scan import scan_run


class Command(BaseCommand):
    help = "Evaluate the safety-net rules and bring alerts up to date (run it from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="Evaluate as of this date (YYYY-MM-DD); default: today.")
        parser.add_argument("--quiet-notifications", action="store_true",
                            help="Do not send inbox entries or emails for new alerts.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = scan_run(today=options["today"],
                          notify_people=not options["quiet_notifications"])
        self.stdout.write(f"scan: hits={result.hits} created={result.created} "
                          f"updated={result.updated} resolved={result.resolved} "
                          f"reopened={result.reopened}")
