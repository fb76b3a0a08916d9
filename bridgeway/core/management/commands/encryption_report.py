"""`bridgeway encryption_report`: show, column by column, that free text and identifiers are
encrypted at rest (decision 0020, docs/privacy.md "Free text at rest").

Counts only: how many values of each encrypted column are empty, under the newest key, under
an older key (`rotate_field_keys` moves them), unreadable with the configured keys, or plain
text. Nothing of any value is shown. Fails (exit 1) when any value is plain text. Audited.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from bridgeway.audit.writer import SYSTEM, record
from bridgeway.clients.models import ClientIdentifier
from bridgeway.core import crypto
from bridgeway.core.encrypted_rows import Census, Columns, census, encrypted_tables


class Command(BaseCommand):
    help = "Count, per encrypted column, the values under each key and any plain text left."

    def handle(self, *args: Any, **options: Any) -> None:
        counts: list[Census] = []
        # Identifiers keep their token in a plain column of their own (decision 0013).
        identifiers = Columns("clients.ClientIdentifier", ClientIdentifier._meta.db_table, "id",
                              ("value_encrypted",))
        for cols in [*encrypted_tables(), identifiers]:
            counts += census(cols)
        table = Table(title=_("Encrypted columns (newest key: epoch %(epoch)s)")
                      % {"epoch": crypto.current_epoch()})
        for heading in (_("Column"), _("Empty"), _("Newest key"), _("Older key"),
                        _("Unreadable"), _("Plain text")):
            table.add_column(heading)
        for c in counts:
            table.add_row(c.label, *(str(n) for n in (c.empty, c.current, c.older,
                                                       c.unreadable, c.plain)))
        Console(file=cast(IO[str], self.stdout), force_terminal=False, width=120).print(table)
        plain = sum(c.plain for c in counts)
        older = sum(c.older for c in counts)
        unreadable = sum(c.unreadable for c in counts)
        with transaction.atomic():
            record(who=SYSTEM, category="records", action="encryption_report",
                   detail=f"columns:{len(counts)} plain:{plain} older:{older} "
                          f"unreadable:{unreadable}")
        if plain:
            raise CommandError(_("%(count)s value(s) are stored as plain text.") % {"count": plain})
        self.stdout.write(_("No plain text in %(count)s encrypted column(s).") % {"count": len(counts)})
