"""One soft criterion, one place: the list in engine/soft.py is what the model, the form,
the engine and the explanations read, and each criterion keeps to its contract."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from bridgeway.matching.engine import SOFT, SOFT_CRITERIA, Criteria, candidate_pairs, encode
from bridgeway.matching.models import MatchingCriteria
from bridgeway.web.matching.forms import CRITERIA_FIELDS
from tests.matching.test_engine import random_instance


def test_model_has_one_weight_per_soft_criterion_with_its_default() -> None:
    weights = {f.name: f.default for f in MatchingCriteria._meta.get_fields()
               if f.name.startswith("weight_")}
    assert weights == {f"weight_{c.key}": c.default_weight for c in SOFT_CRITERIA}


def test_criteria_form_offers_every_weight() -> None:
    assert [f for f in CRITERIA_FIELDS if f.startswith("weight_")] == [f"weight_{k}" for k in SOFT]


def test_every_criterion_has_a_label_and_its_own_test() -> None:
    tests = (Path(__file__).parent / "test_engine.py").read_text(encoding="utf-8")
    for criterion in SOFT_CRITERIA:
        assert criterion.label
        assert f'["{criterion.key}"]' in tests, f"no test reads the {criterion.key} points"


def test_every_criterion_scores_between_0_and_1_per_pair() -> None:
    criteria = Criteria()
    for seed in range(20):
        clients, supporters = random_instance(random.Random(seed), 8, 5)
        pool = encode(clients, supporters, criteria)
        pairs = candidate_pairs(pool)
        for criterion in SOFT_CRITERIA:
            points = criterion.points(pool, pairs, criteria)
            assert points.shape == (len(pairs),)
            assert np.all((points >= 0) & (points <= 1)), criterion.key
            if criterion.phrases is not None:
                assert len(criterion.phrases(pool, pairs, criteria, str)) == len(pairs)
