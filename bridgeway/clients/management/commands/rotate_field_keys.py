"""`bridgeway rotate_field_keys`: re-encrypt every encrypted field under the newest field key.

Identifiers (re-indexed too, decision 0013) and every encrypted text column (decision 0020).
Add the new key to BRIDGEWAY_FIELD_KEYS with a higher epoch ("1:old,2:new"), restart, run
this, then remove the old key (docs/operations.md "Field encryption keys"). One audit event.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bridgeway.clients.identity import field_keys_rotate, rotation_size
from bridgeway.core import crypto
from bridgeway.core.actors import Actor


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field made under an older BRIDGEWAY_FIELD_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), force_terminal=False, width=100)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=False) as bar:
            task = bar.add_task(_("Re-encrypting"), total=rotation_size())
            done = field_keys_rotate(actor=Actor.system("rotate_field_keys"),
                                     progress=lambda rows: bar.advance(task, rows))
        self.stdout.write(_("Re-encrypted %(identifiers)s identifier(s) and %(rows)s row(s) of "
                            "text under key epoch %(epoch)s.") % {
            "identifiers": done.identifiers, "rows": done.text_rows,
            "epoch": crypto.current_epoch()})
        if done.unreadable:
            self.stderr.write(_("%(count)s encrypted value(s) could not be read with any "
                                "configured key and were left as they are: do not remove an "
                                "old key until this is 0.") % {"count": done.unreadable})
