"""What every step of the demo program shares: the seed, the day, the random generator, and
what the earlier steps made (`data`).

Everything a step stores is drawn from `ctx.rng` and dated relative to `ctx.today`, so one seed
on one day always gives the same program (docs/dev/demo-data.md).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "bridgeway-demo"  # noqa: S105  # nosec B105 — printed by `make demo`; demo accounts only

# progress(label, done, total): how a step reports how far it is (the command draws a bar).
Progress = Callable[[str, int, int], None]


def no_progress(label: str, done: int, total: int) -> None:
    """The default when nobody draws a progress bar (tests, other callers)."""


@dataclass
class DemoContext:
    seed: int
    today: date
    rng: random.Random
    data: dict[str, Any] = field(default_factory=dict)
    progress: Progress = no_progress


def new_uuid(ctx: DemoContext) -> uuid.UUID:
    """A public id drawn from the seeded generator, so bulk-written rows keep their ids."""
    return uuid.UUID(int=ctx.rng.getrandbits(128), version=4)
