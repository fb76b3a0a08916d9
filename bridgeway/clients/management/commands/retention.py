"""`bridgeway retention [--dry-run]`: delete clients with no activity for BRIDGEWAY_RETENTION_YEARS.

Each deletion goes through `clients.retention.client_purge`, which writes an audit event
(public id only) in the same transaction. Prints counts and public ids, never names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from bridgeway.clients.retention import client_purge, clients_expired
from bridgeway.core.actors import Actor


class Command(BaseCommand):
    help = "Delete client records past the retention period (BRIDGEWAY_RETENTION_YEARS), audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")
        parser.add_argument("--years", type=int, default=None,
                            help="override BRIDGEWAY_RETENTION_YEARS for this run")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] if options["years"] is not None else \
            settings.BRIDGEWAY_RETENTION_YEARS
        if years <= 0:
            self.stdout.write("Retention is off (BRIDGEWAY_RETENTION_YEARS = 0): nothing deleted.")
            return
        expired = list(clients_expired(now=timezone.now(), years=years))
        if options["dry_run"]:
            for client in expired:
                self.stdout.write(f"would delete {client.public_id} (last activity "
                                  f"{client.last_activity:%Y-%m-%d})")  # type: ignore[attr-defined]
            self.stdout.write(f"{len(expired)} client record(s) past {years} years.")
            return
        actor = Actor.system("retention")
        deleted = kept = 0
        for client in expired:
            try:
                client_purge(actor=actor, client=client,
                             reason=f"retention:{years}y:last_activity:"
                                    f"{client.last_activity:%Y-%m}")  # type: ignore[attr-defined]
            except (ProtectedError, RestrictedError):
                # Something outside the client's own record still needs it: kept, reported.
                kept += 1
                self.stderr.write(f"kept {client.public_id}: still referenced elsewhere")
                continue
            deleted += 1
        self.stdout.write(self.style.SUCCESS(
            f"Deleted {deleted} client record(s) with no activity for {years} years"
            f"{f'; {kept} kept (still referenced)' if kept else ''}."))
