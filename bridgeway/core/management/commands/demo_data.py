"""`bridgeway demo-data --seed N [--if-empty]`: load the synthetic demo program.

Runs `generate(ctx)` from `bridgeway.<app>.demo` for each app in `DEMO_APPS` that has one, in
that order, inside one transaction: a failure leaves the database as it was. The run writes one
audit event (as the system) saying that synthetic data was generated, then prints the count
of rows in every Bridgeway table and how long each step took.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from typing import IO, Any, cast

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from bridgeway.audit.writer import SYSTEM, record
from bridgeway.core.demo import DEMO_APPS, DemoContext
from bridgeway.core.models import Organisation


def demo_steps(names: list[str] | None = None) -> list[tuple[str, Any]]:
    """(app, module) for each app in DEMO_APPS with a demo.py; apps without one are skipped."""
    steps = []
    for app in names if names is not None else DEMO_APPS:
        module_name = f"bridgeway.{app}.demo"
        if importlib.util.find_spec(f"bridgeway.{app}") is None:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        steps.append((app, importlib.import_module(module_name)))
    return steps


def run_demo(seed: int, *, apps_to_run: list[str] | None = None,
             progress: Any = None) -> tuple[DemoContext, dict[str, float]]:
    """Run the demo steps in one transaction; return the context and seconds per step."""
    ctx = DemoContext(seed=seed, today=timezone.localdate(), rng=random.Random(seed))
    timings: dict[str, float] = {}
    with transaction.atomic():
        for app, module in demo_steps(apps_to_run):
            if progress is not None:
                ctx.progress = progress(app)
            started = time.perf_counter()
            module.generate(ctx)
            timings[app] = time.perf_counter() - started
            ctx.progress(f"{app}: done", 1, 1)  # steps that report no progress still finish
        record(who=SYSTEM, category="demo_data", action="generate",
               detail=f"synthetic demo program generated; seed:{seed}; "
                      f"steps:{','.join(timings)}")
    return ctx, timings


def table_counts() -> list[tuple[str, int]]:
    """(app.Model, rows) for every model of the Bridgeway apps and the user table."""
    rows = []
    for config in apps.get_app_configs():
        if not config.name.startswith("bridgeway."):
            continue
        for model in config.get_models():
            rows.append((f"{config.label}.{model.__name__}", model._default_manager.count()))
    return rows


class Command(BaseCommand):
    help = "Load the synthetic demo program (deterministic for a seed on a given day)."
    # `make demo` runs `migrate` (which runs the checks) just before; skipping them here
    # avoids importing every view (and the heavy libraries they use) a second time.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if any organisation already exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper is file-like (write/flush); rich only needs that.
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        if options["if_empty"] and Organisation.objects.exists():
            console.print("Demo data already loaded; nothing to do (--if-empty).")
            return
        started = time.perf_counter()
        with Progress(TextColumn("{task.description:<32}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=console, transient=False) as bar:

            def progress_for(app: str) -> Any:
                task: TaskID = bar.add_task(app, total=1)

                def update(label: str, done: int, total: int) -> None:
                    bar.update(task, description=label, completed=done, total=max(total, 1))

                return update

            _, timings = run_demo(options["seed"], progress=progress_for)
        elapsed = time.perf_counter() - started
        counts = Table(title="Demo program (synthetic data)")
        counts.add_column("table")
        counts.add_column("rows", justify="right")
        for name, count in table_counts():
            if count:
                counts.add_row(name, str(count))
        console.print(counts)
        steps = ", ".join(f"{app} {seconds:.1f}s" for app, seconds in timings.items())
        console.print(f"Generated in {elapsed:.1f}s ({steps}); seed {options['seed']}.")
