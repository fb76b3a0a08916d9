"""Plain-language reasons, unmatched reasons and "why not supporter X?"."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from bridgeway.matching.engine import ClientIn, Criteria, SupporterIn, run
from bridgeway.matching.explain import reason, unmatched_reason, why_not

# At module level: importing a module of @given tests inside a running @given test trips
# Hypothesis's nested-given check (the decorators run at import), when this test runs first.
from tests.matching.test_engine import random_instance

CR = Criteria()
DANIEL = ClientIn(key="daniel", site="riv", site_name="Riverside TDM", age=46, gender="man",
                  languages=frozenset({"English"}),
                  interests=frozenset({"Fishing", "Old movies"}), lat=42.984, lon=-81.246,
                  pref_gender="man", pref_gender_strength="preferred")
JORDAN = SupporterIn(key="jordan", sites=frozenset({"riv"}), age=44, gender="man",
                     languages=frozenset({"English"}), interests=frozenset({"Fishing", "Chess"}),
                     lat=43.010, lon=-81.280, free_places=2)
MAYA = ClientIn(key="maya", site="riv", age=23, gender="woman",
                languages=frozenset({"English", "French"}), interests=frozenset({"Art"}))
ALEX = SupporterIn(key="alex", sites=frozenset({"riv"}), age=26, gender="non_binary",
                   languages=frozenset({"French", "English"}), interests=frozenset({"Art"}))


def test_reason_names_what_they_share() -> None:
    assert reason(DANIEL, JORDAN, CR) == "both men; both in their 40s; both like fishing; 4 km apart"
    assert reason(MAYA, ALEX, CR) == "both in their 20s; both into art; both speak French"


def test_reason_without_commonalities() -> None:
    other = replace(JORDAN, gender="woman", age=70, interests=frozenset(), lat=None)
    assert reason(DANIEL, other, CR) == "no strong commonalities; the best fit available"


def test_reason_is_translated_through_tr() -> None:
    text = reason(DANIEL, JORDAN, CR, tr=lambda s: "«" + s + "»")
    assert text.startswith("«both men»; «both in their 40s»")


def test_unmatched_reason_in_words() -> None:
    punjabi = replace(DANIEL, pref_language="Punjabi", pref_language_strength="required")
    result = run([punjabi], [JORDAN], CR)
    item = result.unmatched[0]
    assert unmatched_reason(item.code, item.detail) == (
        "no supporter with a free place at Riverside TDM speaks Punjabi")
    full = run([DANIEL], [replace(JORDAN, free_places=0)], CR).unmatched[0]
    assert unmatched_reason(full.code, full.detail) == (
        "no trained supporter at Riverside TDM has a free place")
    paused = run([DANIEL], [replace(JORDAN, active=False)], CR).unmatched[0]
    assert "paused" in unmatched_reason(paused.code, paused.detail)


def test_why_not_blocking_constraint() -> None:
    code, text, _ = why_not(DANIEL, replace(JORDAN, active=False), CR, proposed_score=50.0)
    assert code == "status"
    assert text == "is paused or has left the program"
    required = replace(DANIEL, pref_gender="woman", pref_gender_strength="required")
    code, text, _ = why_not(required, JORDAN, CR, proposed_score=None)
    assert code == "gender_required"
    assert text == "is not a woman, which the client requires"


def test_why_not_score_difference() -> None:
    best = run([DANIEL], [JORDAN], CR).proposals[0]
    weaker = replace(JORDAN, key="x", interests=frozenset())
    code, text, points = why_not(DANIEL, weaker, CR, proposed_score=best.score,
                                 proposed_points=best.contributions)
    assert code is None
    assert text.startswith("Allowed, but scores 10 points lower")
    assert "shared interests −10" in text
    assert points["interests"] == 0.0


def test_explanations_never_mention_diagnosis() -> None:
    texts = [reason(DANIEL, JORDAN, CR), reason(MAYA, ALEX, CR)]
    assert not any("diagnos" in t.lower() for t in texts)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_bulk_reasons_equal_single_pair_reasons(seed: int) -> None:
    import random

    from bridgeway.matching import engine
    from bridgeway.matching.explain import reasons_for_pairs

    rng = random.Random(seed)
    clients, supporters = random_instance(rng, rng.randint(1, 8), rng.randint(1, 4))
    clients = [replace(c, pref_language=rng.choice(["", "French"]),
                       pref_language_strength=rng.choice(["none", "preferred"]),
                       age=rng.choice([None, 15, 19, 33, 47])) for c in clients]
    sc = engine.score_pairs(clients, supporters, CR)
    pairs = list(range(len(sc.pairs)))
    bulk = reasons_for_pairs(sc, pairs, CR)
    for p, text in zip(pairs, bulk, strict=True):
        c = sc.pool.client_objects[int(sc.pairs.client[p])]
        s = sc.pool.supporter_objects[int(sc.pairs.supporter[p])]
        assert text == reason(c, s, CR)


def test_why_not_writes_scores_the_callers_way() -> None:
    """The doors pass the locale's number writer: no "54.93" in a French sentence."""
    best = run([DANIEL], [JORDAN], CR).proposals[0]
    weaker = replace(JORDAN, key="x", interests=frozenset())
    _code, text, _points = why_not(DANIEL, weaker, CR, proposed_score=best.score + 0.25,
                                   proposed_points=best.contributions,
                                   num=lambda v: f"{v:g}".replace(".", ","))
    assert "," in text and not re.search(r"\d\.\d", text), text

