"""The matching engine: exact, deterministic, explainable. Pure (numpy + OR-Tools, no Django).

    clients, supporters, criteria  ->  Result(proposals, unmatched)

1. inputs:  clients and supporters as a `Pool` of columns in canonical (key) order, so the
            input order never matters (`encode` from objects; selectors.bulk from the database).
2. pairs:   candidate pairs, every client x every supporter serving the client's site
            (vectorised); the hard constraints (rules.HARD, in order) rule pairs out, and the
            first failing one is the pair's reason.
3. scoring: each allowed pair's points, the soft criteria of soft.py (one object per
            criterion: its points, its words in a reason) times the site's weights.
4. solve:   the optimum (minimum-cost flow): as many clients as possible, then the highest
            total score, ties towards earlier supporters.
5. result:  proposals, unmatched clients with their blocking constraint, alternatives.
"""

from __future__ import annotations

from .bits import bits_from_pairs
from .inputs import KNOWN_GENDERS, encode
from .pairs import candidate_pairs, capacities, distances_km, first_failure, pairs_of
from .result import (
    OUTCOMPETED,
    Proposed,
    Result,
    Unmatched,
    evaluate_pair,
    next_best,
    run,
    run_pool,
    score_pairs,
)
from .rules import HARD, HARD_LABELS, OK, Criteria
from .scoring import Scored, points_by_criterion, score_pool, total_points
from .soft import DEFAULT_WEIGHTS, SOFT, SOFT_CRITERIA, SOFT_LABELS, SoftCriterion
from .solve import SCALE, Solution, integer_scores, solve
from .types import ClientColumns, ClientIn, Pairs, Pool, SupporterColumns, SupporterIn

__all__ = [
    "DEFAULT_WEIGHTS", "HARD", "HARD_LABELS", "KNOWN_GENDERS", "OK", "OUTCOMPETED", "SCALE",
    "SOFT", "SOFT_CRITERIA", "SOFT_LABELS", "ClientColumns", "ClientIn", "Criteria", "Pairs",
    "Pool", "Proposed", "Result", "Scored", "SoftCriterion", "Solution", "SupporterColumns",
    "SupporterIn", "Unmatched", "bits_from_pairs", "candidate_pairs", "capacities",
    "distances_km", "encode", "evaluate_pair", "first_failure", "integer_scores", "next_best",
    "pairs_of", "points_by_criterion", "run", "run_pool", "score_pairs", "score_pool", "solve",
    "total_points",
]
