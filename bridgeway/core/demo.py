"""The demo generator's shared context and its steps.

`bridgeway demo-data` runs one step per app, in layer order. Each app's step lives in
`bridgeway/<app>/demo.py` as `generate(ctx: DemoContext) -> None`, adds its synthetic data
with bulk writes, and leaves in `ctx.data` what later steps need (e.g. the clients, matches).
Everything is drawn from `ctx.rng`, so one seed always gives the same program.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "bridgeway-demo"  # noqa: S105  # printed by `make demo`; demo data only
# Apps whose demo step runs, in this order (an app without a demo.py is skipped).
DEMO_APPS = ["clients", "matching", "contacts", "safety", "outcomes"]


@dataclass
class DemoContext:
    seed: int
    today: date
    rng: random.Random
    data: dict[str, Any] = field(default_factory=dict)
    # progress(label, done, total) draws the command's progress bar.
    progress: Callable[[str, int, int], None] = lambda label, done, total: None
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, note)
