"""Scoring: which candidate pairs the hard constraints allow, and their points.

Points per pair are the soft criteria (soft.py) times the site's weights. The run needs only
each pair's total; the points per criterion are computed for the pairs someone looks at
(the chosen ones, alternatives, "why not?").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .bits import F64, I64
from .pairs import candidate_pairs, first_failure
from .rules import OK, Criteria
from .soft import SOFT_CRITERIA
from .types import Pairs, Pool


def points_by_criterion(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """Points per soft criterion (columns in SOFT order) for each pair."""
    out = np.zeros((len(pairs), len(SOFT_CRITERIA)), dtype=np.float64)
    for k, criterion in enumerate(SOFT_CRITERIA):
        out[:, k] = criterion.points(pool, pairs, criteria) * criteria.weight(criterion.key)
    return out


def total_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """The row sums of points_by_criterion() without building the matrix (the same products,
    summed in the same order, so the totals are identical)."""
    total = np.zeros(len(pairs), dtype=np.float64)
    for criterion in SOFT_CRITERIA:
        weight = criteria.weight(criterion.key)
        total += criterion.points(pool, pairs, criteria) * weight
    return total


@dataclass
class Scored:
    """The allowed pairs of a pool with their points, ready for the solver and explanations."""

    pool: Pool
    criteria: Criteria
    pairs: Pairs  # allowed pairs only, canonical order
    score: F64  # total points per allowed pair
    blocking: dict[int, int]  # client index -> blocking HARD index (clients with no allowed pair)
    allowed_per_client: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    timings: dict[str, float] = field(default_factory=dict)

    def points_of(self, which: I64) -> F64:
        """Points per criterion of the allowed pairs at index `which`."""
        return points_by_criterion(self.pool, self.pairs.take(which), self.criteria)


def score_pool(pool: Pool, criteria: Criteria) -> Scored:
    t0 = time.perf_counter()
    candidates = candidate_pairs(pool)
    code = first_failure(pool, candidates, criteria, check_site=False)
    allowed = code == OK
    n_c = pool.n_clients
    # Progressive filtering: a client's blocking constraint is the last one any candidate
    # reaches, i.e. the largest first-failure index among its candidates.
    per_client = np.bincount(candidates.client[allowed], minlength=n_c).astype(np.int64)
    worst = np.full(n_c, -1, dtype=np.int64)
    np.maximum.at(worst, candidates.client, code)
    blocking = {int(i): (int(worst[i]) if worst[i] >= 0 else 0)  # no candidate at all: site
                for i in np.flatnonzero(per_client == 0)}
    pairs = candidates.take(allowed)
    score = total_points(pool, pairs, criteria)
    return Scored(pool, criteria, pairs, score, blocking, per_client,
                  timings={"score": time.perf_counter() - t0})
