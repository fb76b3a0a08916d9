"""`bridgeway demo-data --seed N [--if-empty] [--until STEP]`: load the synthetic demo program.

A door: parses the options, calls `bridgeway.demo.run.run_demo` with a progress bar, and
reports the rows in every Bridgeway table and the seconds per step.
"""

from __future__ import annotations

import time
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from bridgeway.demo.context import Progress as StepProgress
from bridgeway.demo.run import STEPS, program_exists, run_demo, table_counts


class Command(BaseCommand):
    help = "Load the synthetic demo program (deterministic for a seed on a given day)."
    # `make demo` runs `migrate` (which runs the checks) just before; skipping them here
    # avoids importing every view (and the heavy libraries they use) a second time.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if any organisation already exists.")
        parser.add_argument("--until", choices=[name for name, _ in STEPS],
                            help="Stop after this step (the earlier ones always run, since each "
                                 "step builds on them). Default: every step.")

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper is file-like (write/flush); rich only needs that.
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        if options["if_empty"] and program_exists():
            console.print("Demo data already loaded; nothing to do (--if-empty).")
            return
        started = time.perf_counter()
        with Progress(TextColumn("{task.description:<32}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=console, transient=False) as bar:

            def progress_for(step: str) -> StepProgress:
                task: TaskID = bar.add_task(step, total=1)

                def update(label: str, done: int, total: int) -> None:
                    bar.update(task, description=label, completed=done, total=max(total, 1))

                return update

            run = run_demo(options["seed"], until=options["until"], progress_for=progress_for)
        elapsed = time.perf_counter() - started
        counts = Table(title="Demo program (synthetic data)")
        counts.add_column("table")
        counts.add_column("rows", justify="right")
        for name, count in table_counts():
            if count:
                counts.add_row(name, str(count))
        console.print(counts)
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in run.seconds.items())
        console.print(f"Generated in {elapsed:.1f}s ({steps}); seed {options['seed']}.")
