"""The matching criteria as plain data: hard constraints, soft criteria and their defaults.

Pure (no Django): the engine, the explanations and the benchmark use it directly; the site's
MatchingCriteria model is turned into a `Criteria` by selectors.criteria_for_site.

Diagnosis is deliberately absent: no input of the engine carries it, so no criterion,
score or explanation can use it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a string for translation (makemessages knows this name); translated on display."""
    return message


# Soft criteria, in the order explanations list them. Each scores 0..1, times its weight.
SOFT = ["gender", "age", "interests", "language", "distance", "availability", "intensity",
        "waiting"]
SOFT_LABELS: dict[str, str] = {
    "gender": gettext_noop("Gender"),
    "age": gettext_noop("Age"),
    "interests": gettext_noop("Shared interests"),
    "language": gettext_noop("Language"),
    "distance": gettext_noop("Distance"),
    "availability": gettext_noop("Availability"),
    "intensity": gettext_noop("Support intensity"),
    "waiting": gettext_noop("Waiting time"),
}

# Hard constraints, in the order they are checked (the first failing one is "the" reason).
HARD = ["site", "status", "training", "capacity", "distance", "language_required",
        "shared_language", "gender_required", "age_required", "do_not_rematch"]
HARD_LABELS: dict[str, str] = {
    "site": gettext_noop("serves the client's site"),
    "status": gettext_noop("active (not paused, not left)"),
    "training": gettext_noop("trained to the site's required level"),
    "capacity": gettext_noop("has a free place (and weekly hours)"),
    "distance": gettext_noop("lives within the maximum distance"),
    "language_required": gettext_noop("speaks the language the client requires"),
    "shared_language": gettext_noop("shares a language with the client"),
    "gender_required": gettext_noop("meets the client's required gender"),
    "age_required": gettext_noop("meets the client's required age range"),
    "do_not_rematch": gettext_noop("pair not marked “do not re-match”"),
}

# Points per criterion for a perfect fit (documented in docs/matching.md).
DEFAULT_WEIGHTS: dict[str, int] = {
    "gender": 20, "age": 20, "interests": 30, "language": 15, "distance": 15,
    "availability": 10, "intensity": 10, "waiting": 10,
}


@dataclass(frozen=True)
class Criteria:
    """One site's matching rules. Weights are points; spans say where a criterion reaches 0."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    require_training: bool = True
    require_hours: bool = True
    require_shared_language: bool = True
    max_distance_km: float | None = 60.0
    age_span_years: float = 20.0
    distance_span_km: float = 30.0
    waiting_span_days: float = 60.0
    # The language (nearly) everyone at the site speaks: sharing it earns no points and is not
    # worth saying in a reason; sharing another one ("both speak French") is.
    site_language: str = "English"
    interests_for_full_points: int = 3
    availability_slots_for_full_points: int = 3

    def weight(self, key: str) -> float:
        return float(self.weights.get(key, 0.0))

    @property
    def max_score(self) -> float:
        return float(sum(self.weight(k) for k in SOFT))

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready copy stored with each run, so a proposal can be explained later."""
        return asdict(self)
