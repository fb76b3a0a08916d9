"""Running the demo program: its steps in order, one transaction, one summary audit event."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from bridgeway.audit.writer import SYSTEM, record
from bridgeway.core.models import Organisation

from . import contacts, foundation, matching, outcomes, safety
from .context import DemoContext, Progress

Step = Callable[[DemoContext], None]

# In layer order: each step reads what the earlier ones left in ctx.data.
STEPS: tuple[tuple[str, Step], ...] = (
    ("foundation", foundation.generate),
    ("matching", matching.generate),
    ("contacts", contacts.generate),
    ("safety", safety.generate),
    ("outcomes", outcomes.generate),
)


@dataclass
class DemoRun:
    context: DemoContext
    seconds: dict[str, float]  # per step, in the order they ran


def run_demo(seed: int, *, until: str | None = None,
             progress_for: Callable[[str], Progress] | None = None) -> DemoRun:
    """Run the steps in order, up to and including `until` (default: all), in one transaction,
    so a failure leaves the database as it was; write one audit event, as the system, for the
    run. Each step reads what the earlier ones left in ctx.data, so none runs alone."""
    names = [name for name, _ in STEPS]
    if until is not None and until not in names:
        raise ValueError(f"unknown demo step: {until} (the steps: {', '.join(names)})")
    chosen = list(STEPS[: names.index(until) + 1] if until is not None else STEPS)
    ctx = DemoContext(seed=seed, today=timezone.localdate(), rng=random.Random(seed))  # nosec B311 — synthetic demo data drawn from a seeded generator; not used for security
    seconds: dict[str, float] = {}
    with transaction.atomic():
        for name, step in chosen:
            # Each step draws from its own generator, seeded by the seed and the step's name:
            # changing what one step draws leaves every other step's data as it was.
            ctx.rng = random.Random(f"{seed}:{name}")  # nosec B311 — synthetic demo data drawn from a seeded generator; not used for security
            if progress_for is not None:
                ctx.progress = progress_for(name)
            started = time.perf_counter()
            step(ctx)
            seconds[name] = time.perf_counter() - started
            ctx.progress(f"{name}: done", 1, 1)  # a step that reports nothing still finishes
        record(who=SYSTEM, category="demo_data", action="generate",
               detail=f"synthetic demo program generated; seed:{seed}; "
                      f"steps:{','.join(seconds)}")
    return DemoRun(context=ctx, seconds=seconds)


def program_exists() -> bool:
    """Whether the database already holds a program (demo or real): any organisation."""
    return Organisation.objects.exists()


def table_counts() -> list[tuple[str, int]]:
    """(app.Model, rows) for every model of the Bridgeway apps, the user table included."""
    rows = []
    for config in apps.get_app_configs():
        if not config.name.startswith("bridgeway."):
            continue
        for model in config.get_models():
            rows.append((f"{config.label}.{model.__name__}", model._default_manager.count()))
    return rows
