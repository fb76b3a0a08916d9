"""The whole run and what it gives back: proposals, unmatched clients with the constraint
that blocks them, and the next best alternatives of a proposal."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .bits import F64, I64, names_of
from .inputs import encode
from .pairs import capacities, first_failure, pairs_of
from .rules import HARD, OK, Criteria
from .scoring import Scored, points_by_criterion, score_pool
from .soft import SOFT
from .solve import integer_scores, solve
from .types import ClientIn, Pool, SupporterIn

OUTCOMPETED = "outcompeted"


@dataclass(frozen=True)
class Proposed:
    client_key: str
    supporter_key: str
    score: float
    contributions: dict[str, float]
    alternatives: list[tuple[str, float]]  # (supporter key, score), best first
    pair: int = -1  # index into Result.scored.pairs (for explanations)
    alternative_pairs: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Unmatched:
    client_key: str
    code: str  # a HARD name, or OUTCOMPETED
    detail: dict[str, Any]


@dataclass
class Result:
    """The assignment. Proposals are columns (one entry per matched client, in canonical
    client order); `proposals` gives them as objects for the pure API and the tests."""

    scored: Scored | None = None
    chosen: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # pair index per proposal
    unmatched: list[Unmatched] = field(default_factory=list)
    total_score: float = 0.0
    objective: int = 0  # sum of integer (bonus + score) units of the chosen pairs
    allowed_pairs: int = 0
    alternatives: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def n_proposals(self) -> int:
        return int(self.chosen.size)

    def proposal_scores(self) -> F64:
        """Rounded scores (2 decimals) of the proposals."""
        if self.scored is None:
            return np.zeros(0)
        out: F64 = np.round(self.scored.score[self.chosen], 2)
        return out

    def proposal_points(self) -> F64:
        """Rounded points per criterion (n_proposals x len(SOFT))."""
        if self.scored is None:
            return np.zeros((0, len(SOFT)))
        out: F64 = np.round(self.scored.points_of(self.chosen), 2)
        return out

    @functools.cached_property
    def proposals(self) -> list[Proposed]:
        sc = self.scored
        if sc is None or not self.chosen.size:
            return []
        keys_c, keys_s = sc.pool.clients.key, sc.pool.supporters.key
        out = []
        for pair, score, row in zip(self.chosen.tolist(), self.proposal_scores().tolist(),
                                    self.proposal_points().tolist(), strict=True):
            client, supporter = int(sc.pairs.client[pair]), int(sc.pairs.supporter[pair])
            alt_pairs = (next_best(sc, client, supporter, self.alternatives)
                         if self.alternatives else [])
            out.append(Proposed(
                client_key=keys_c[client], supporter_key=keys_s[supporter],
                score=score, contributions=dict(zip(SOFT, row, strict=True)),
                alternatives=[(keys_s[int(sc.pairs.supporter[p])], round(float(sc.score[p]), 2))
                              for p in alt_pairs],
                pair=pair, alternative_pairs=alt_pairs))
        return out


def next_best(sc: Scored, client: int, exclude: int, k: int = 3) -> list[int]:
    """Up to k allowed pairs of one client, best score first (ties: canonical supporter
    order), leaving out supporter `exclude`."""
    lo, hi = np.searchsorted(sc.pairs.client, [client, client + 1])
    pairs = np.arange(lo, hi)
    pairs = pairs[sc.pairs.supporter[pairs] != exclude]
    units = integer_scores(sc.score[pairs], sc.criteria)
    order = np.lexsort((sc.pairs.supporter[pairs], -units))
    return [int(p) for p in pairs[order[:k]]]


def unmatched_detail(pool: Pool, i: int, code: str, criteria: Criteria,
                     candidates: int) -> dict[str, Any]:
    """What an unmatched reason names (site, the required language, gender, ages...)."""
    c = pool.clients
    site = int(c.site[i])
    detail: dict[str, Any] = {"site": pool.site_codes[site],
                              "site_name": pool.site_names[site] or pool.site_codes[site],
                              "candidates": candidates}
    if code == "language_required":
        detail["language"] = c.wanted_language_name[i] if c.wanted_language_name else ""
    elif code == "shared_language":
        words = tuple(int(w) for w in c.languages[i])
        detail["languages"] = sorted(names_of(words, pool.language_names))
    elif code == "gender_required":
        detail["gender"] = c.wanted_gender_name[i] if c.wanted_gender_name else ""
    elif code == "age_required":
        lo, hi = float(c.age_min[i]), float(c.age_max[i])
        detail["age_min"] = None if np.isnan(lo) else int(lo)
        detail["age_max"] = None if np.isnan(hi) else int(hi)
    elif code == "distance":
        detail["km"] = criteria.max_distance_km
    return detail


def run_pool(pool: Pool, criteria: Criteria, alternatives: int = 0,
             scored: Scored | None = None) -> Result:
    """Propose the best assignment for a pool (see engine/solve.py for the optimum)."""
    sc = scored or score_pool(pool, criteria)
    units = integer_scores(sc.score, criteria)
    t0 = time.perf_counter()
    sol = solve(pool.n_clients, pool.n_supporters, sc.pairs.client, sc.pairs.supporter, units,
                capacities(pool, criteria))
    t1 = time.perf_counter()
    if not sol.status_ok:  # pragma: no cover - the graph is always feasible (bypass arcs)
        raise RuntimeError("min-cost flow did not find the optimum")
    chosen = np.flatnonzero(sol.chosen > 0)  # by client (pairs are in canonical order)
    result = Result(scored=sc, chosen=chosen, objective=sol.objective,
                    allowed_pairs=len(sc.pairs), alternatives=alternatives)
    result.total_score = float(np.round(sc.score[chosen], 2).sum())
    matched = np.zeros(pool.n_clients, dtype=bool)
    matched[sc.pairs.client[chosen]] = True
    for i in np.flatnonzero(~matched).tolist():
        if i in sc.blocking:
            code, candidates = HARD[sc.blocking[i]], 0
        else:
            code, candidates = OUTCOMPETED, int(sc.allowed_per_client[i])
        result.unmatched.append(Unmatched(pool.clients.key[i], code, unmatched_detail(
            pool, i, code, criteria, candidates)))
    result.timings = {**sc.timings, "solve": t1 - t0, "report": time.perf_counter() - t1}
    return result


def score_pairs(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn],
                criteria: Criteria) -> Scored:
    t0 = time.perf_counter()
    pool = encode(clients, supporters, criteria)
    t1 = time.perf_counter()
    sc = score_pool(pool, criteria)
    sc.timings = {"encode": t1 - t0, **sc.timings}
    return sc


def run(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn], criteria: Criteria,
        alternatives: int = 3) -> Result:
    """Propose the best assignment of `clients` to `supporters` under `criteria`."""
    t0 = time.perf_counter()
    pool = encode(clients, supporters, criteria)
    t1 = time.perf_counter()
    result = run_pool(pool, criteria, alternatives)
    result.timings = {"encode": t1 - t0, **result.timings}
    return result


def evaluate_pair(client: ClientIn, supporter: SupporterIn,
                  criteria: Criteria) -> tuple[str | None, dict[str, float]]:
    """One pair: (first failing hard constraint or None, points per criterion)."""
    pool = encode([client], [supporter], criteria)
    pairs = pairs_of(pool, np.zeros(1, np.int64), np.zeros(1, np.int64))
    code = int(first_failure(pool, pairs, criteria)[0])
    row = points_by_criterion(pool, pairs, criteria)[0]
    points = {k: round(float(v), 2) for k, v in zip(SOFT, row, strict=True)}
    return (HARD[code] if code != OK else None), points
