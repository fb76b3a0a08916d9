"""A site's matching rules (`Criteria`) and the hard constraints, in the order they are checked.

Pure (no Django): the site's MatchingCriteria row becomes a `Criteria` in
selectors.engine_inputs.criteria_for_site. The soft criteria (points) live in soft.py, one
object each; their weights are looked up here by key.

Diagnosis is deliberately absent: no input of the engine carries it, so no criterion,
score or explanation can use it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .soft import DEFAULT_WEIGHTS, SOFT
from .words import gettext_noop

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
OK = len(HARD)  # "no hard constraint fails"


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
