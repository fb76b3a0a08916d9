"""`bridgeway match --site SITE [--dry-run] [--user USERNAME]`: run matching from the shell."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bridgeway.access.policy import Action, authorize
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, User
from bridgeway.matching.services import matching_run


class Command(BaseCommand):
    help = "Run matching for a site's waitlist and print a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="program site code")
        parser.add_argument("--dry-run", action="store_true",
                            help="compute proposals without storing them")
        parser.add_argument("--user", default="",
                            help="act as this coordinator (default: the system, audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        site = ProgramSite.objects.filter(code=options["site"]).first()
        if site is None:
            codes = ", ".join(ProgramSite.objects.values_list("code", flat=True)[:20])
            raise CommandError(_("Unknown site “%(code)s”. Sites: %(codes)s")
                               % {"code": options["site"], "codes": codes})
        actor = Actor.system("cli:match")
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Unknown user."))
            try:
                actor = authorize(user, Action.MATCH, site=site)
            except PermissionDenied as exc:
                raise CommandError(_("This user may not run matching at this site.")) from exc
        console = Console(file=cast(IO[str], self.stdout), force_terminal=False, width=100)
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            task = bar.add_task(_("Matching"), total=4)

            def progress(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            try:
                outcome = matching_run(actor=actor, site=site, dry_run=options["dry_run"],
                                       progress=progress)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        summary = outcome.summary
        table = Table(title=_("Matching at %(site)s%(dry)s") % {
            "site": site.name, "dry": _(" (dry run, nothing stored)") if options["dry_run"] else ""})
        table.add_column(_("What"))
        table.add_column(_("Count"), justify="right")
        table.add_row(_("Waiting clients"), str(summary["clients"]))
        table.add_row(_("Matched (proposed)"), str(summary["matched"]))
        table.add_row(_("Mean score"), f"{summary['mean_score']:.1f}")
        table.add_row(_("Unmatched"), str(summary["unmatched"]))
        for reason, n in sorted(summary["unmatched_by_reason"].items(), key=lambda kv: -kv[1]):
            table.add_row("  " + reason, str(n))
        console.print(table)
        t = outcome.timings
        console.print(_("load %(load).2fs · score+solve %(solve).2fs · write %(write).2fs")
                      % {"load": t.get("load", 0),
                         "solve": t.get("score", 0) + t.get("solve", 0) + t.get("report", 0),
                         "write": t.get("write", 0) + t.get("unmatched", 0)})
