"""`bridgeway audit verify|seal|head`: check the audit trail, extend its chain, export its head.

verify [--head H]  seal what is ready, check every row, seal and subject row, and compare the
                   chain's end with H (default: the last head in BRIDGEWAY_AUDIT_HEAD_FILE);
                   if all holds, print the new head and append it to the head file.
seal               seal what is ready (cron or Celery beat, every minute or so).
head               check the chain since the last exported head and export the new one
                   (cron or Celery beat, hourly): cheap, so it can run often.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bridgeway.audit import heads
from bridgeway.audit.sealing import seal
from bridgeway.audit.verify import VerifyResult, verify_chain

SHOWN = 50  # problems listed in full; the rest are counted


def _broken(result: VerifyResult) -> CommandError:
    lines = [f"  - {p.message}" for p in result.problems[:SHOWN]]
    if len(result.problems) > SHOWN:
        lines.append(f"  … and {len(result.problems) - SHOWN} more")
    return CommandError(f"Audit chain broken: {len(result.problems)} problem(s) found "
                        f"({result.checked} sealed rows checked).\n" + "\n".join(lines))


class Command(BaseCommand):
    help = "Audit trail: `verify` checks it, `seal` extends the chain, `head` exports its end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify", "seal", "head"])
        parser.add_argument("--head", help="a head kept earlier: <position>:<epoch>:<hmac>")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "seal":
            count = seal(wait=True)
            self.stdout.write(f"Sealed {count} audit event(s).")
            return
        try:
            kept = heads.Head.parse(options["head"]) if options["head"] else heads.last_exported()
        except heads.HeadError as exc:
            raise CommandError(str(exc)) from exc
        result = verify_chain(head=kept, since_head=options["operation"] == "head")
        if not result.ok or result.head is None:
            raise _broken(result)
        line = heads.export(result.head)
        where = heads.head_file()
        if options["operation"] == "verify":
            self.stdout.write(self.style.SUCCESS(
                f"Audit chain intact: {result.checked} rows verified"
                f"{f', {result.pending} newer rows pending their seal' if result.pending else ''}"
                f"{f', matching the head kept at seal {kept.position}' if kept else ''}."))
        self.stdout.write(f"Chain head: {result.head}")
        self.stdout.write(f"Kept in {where}: {line}" if where else
                          "No head file is configured (BRIDGEWAY_AUDIT_HEAD_FILE): keep this line.")
