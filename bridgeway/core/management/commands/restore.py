"""`bridgeway restore FILE --yes`: replace the database with a backup, then verify the audit chain.

Checks the file's checksum and the dump's SHA-256 and decrypts it (BRIDGEWAY_BACKUP_KEYS)
before touching the database; after the restore, verifies the audit chain against the head the
backup recorded. Everything written after the backup is lost: that is what a restore is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bridgeway.core.backup import BackupError, backup_restore, read_backup


class Command(BaseCommand):
    help = "Restore an encrypted backup into the database and verify the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument("--check", action="store_true",
                            help="only check the file (checksums, key); change nothing")
        parser.add_argument("--yes", action="store_true",
                            help="confirm: the database's current content is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if options["check"]:
                header, plain = read_backup(path)
                self.stdout.write(self.style.SUCCESS(
                    f"Backup readable: {header.method}, made {header.created}, "
                    f"{len(plain)} bytes, checksums match."))
                return
            if not options["yes"]:
                raise CommandError("A restore replaces the whole database: add --yes to go on "
                                   "(or --check to only check the file).")
            header, result = backup_restore(path=path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the backup made {header.created} ({header.method}).")
        if not result.ok:
            raise CommandError(f"The restored audit chain does not verify: {result.reason}")
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {result.checked} rows verified against the head recorded at "
            f"backup ({header.audit_head or 'empty chain'})."))
