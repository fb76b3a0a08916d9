"""`bridgeway backup [FILE]`: an encrypted, checksummed copy of the whole database.

Verifies the audit chain first (a broken trail is not backed up), records the chain head in
the backup, writes FILE and FILE.sha256. Default FILE: var/backups/bridgeway-<UTC time>.bwbak.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bridgeway.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (BRIDGEWAY_BACKUP_KEYS) with its checksum."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="where to write the backup")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"] or Path(settings.PROJECT_DIR) / "var" / "backups" /
                    f"bridgeway-{timezone.now():%Y%m%dT%H%M%SZ}.bwbak")
        try:
            header = backup_create(path=path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backup written: {path} ({header.method}, {path.stat().st_size} bytes)."))
        self.stdout.write(f"SHA-256 of the file: {path}.sha256")
        self.stdout.write(f"Audit chain head at backup: {header.audit_head or '(empty chain)'}")
