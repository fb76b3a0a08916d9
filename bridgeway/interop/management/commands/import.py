"""`bridgeway import <kind> FILE [--dry-run] [--source S] [--complete-up-to DATE]`.

A door: opens the file, runs `interop.imports.engine.run_import` with a progress bar, and
prints the counts, every bad row (line, column, value, reason) and every likely duplicate.
Exit status 1 when the file was refused, so a script can stop there.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bridgeway.core.actors import Actor
from bridgeway.interop.imports.engine import ImportResult, run_import
from bridgeway.interop.imports.kinds import KINDS

PERSONAL = frozenset({"given_name", "family_name", "phone", "health_card_number", "mrn"})


class Command(BaseCommand):
    help = "Import a CSV or Excel file of one kind (docs/import.md); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true",
                            help="Check everything and report what would change; write nothing.")
        parser.add_argument("--source", default="default",
                            help="The source system the rows' keys belong to (default: default).")
        parser.add_argument("--complete-up-to", type=date.fromisoformat, default=None,
                            help="Stays/visits: the last day every record has arrived "
                                 "(default: the last date in the file).")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        size = path.stat().st_size
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(f"{options['kind']} {path.name}", total=size or 1)
            with path.open("rb") as stream:
                result = run_import(
                    actor=Actor.system("import"), kind=options["kind"], stream=stream,
                    file_name=path.name, source=options["source"], dry_run=options["dry_run"],
                    complete_up_to=options["complete_up_to"], size=size,
                    progress=lambda done, total: bar.update(task, completed=done))
        report(console, result)
        if not result.ok:
            sys.exit(1)


def report(console: Console, result: ImportResult) -> None:
    c = result.counts
    if result.problem:
        console.print(f"[bold red]Refused:[/] {escape(result.problem)}")
    if result.error_count:
        console.print(f"[bold red]Refused:[/] {result.error_count} problem(s) in "
                      f"{result.rows} row(s); nothing was written.")
        table = Table("line", "column", "value", "reason")
        for e in result.errors:
            # Names and numbers stay off the terminal (its output ends up in logs); the page
            # shows them to the administrator.
            value = "…" if e.column in PERSONAL and e.value else e.value
            table.add_row(str(e.line), escape(e.column), escape(value), escape(e.reason))
        console.print(table)
        if result.error_count > len(result.errors):
            console.print(f"… and {result.error_count - len(result.errors)} more.")
    if result.duplicates:
        # No names here: a terminal's output ends up in logs; the page shows them to an admin.
        table = Table("line", "key", "may be the client", "reason", title="Likely duplicates")
        for d in result.duplicates:
            table.add_row(str(d.line), escape(d.key), d.existing_public_id, d.reason)
        console.print(table)
    if result.ok:
        verb = "Would write" if result.dry_run else "Imported"
        console.print(f"{verb} {result.rows} row(s): {c.created} new, {c.updated} updated, "
                      f"{c.unchanged} unchanged ({result.encoding}"
                      f"{', ' + repr(result.separator) if result.separator else ''}; "
                      f"{result.seconds:.1f} s).")
        for cov in result.coverage:
            console.print(f"Coverage: {cov.hospital} {cov.source} {cov.period_start} to "
                          f"{cov.period_end}, complete up to {cov.complete_up_to}.")
