"""The pure engine: hard constraints, soft criteria, optimality, determinism (no database)."""

from __future__ import annotations

import dataclasses
import itertools
import random
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bridgeway.matching import engine
from bridgeway.matching.engine import (
    HARD,
    SOFT,
    ClientIn,
    Criteria,
    SupporterIn,
    evaluate_pair,
    run,
)

CR = Criteria()
BASE_C = ClientIn(key="c1", site="riv", site_name="Riverside", age=46, gender="man",
                  languages=frozenset({"English"}), interests=frozenset({"Fishing"}),
                  lat=43.0, lon=-81.2)
BASE_S = SupporterIn(key="s1", sites=frozenset({"riv"}), age=44, gender="man",
                     languages=frozenset({"English"}), interests=frozenset({"Fishing"}),
                     lat=43.03, lon=-81.22, free_places=2)


def blocked(c: ClientIn = BASE_C, s: SupporterIn = BASE_S, cr: Criteria = CR) -> str | None:
    return evaluate_pair(c, s, cr)[0]


def points(c: ClientIn = BASE_C, s: SupporterIn = BASE_S, cr: Criteria = CR) -> dict[str, float]:
    return evaluate_pair(c, s, cr)[1]


# --- hard constraints, one by one -------------------------------------------------------

def test_base_pair_is_allowed() -> None:
    assert blocked() is None


def test_site() -> None:
    assert blocked(s=replace(BASE_S, sites=frozenset({"lake"}))) == "site"


def test_paused_or_left_supporter() -> None:
    assert blocked(s=replace(BASE_S, active=False)) == "status"


def test_training_required_and_switchable() -> None:
    untrained = replace(BASE_S, trained=False)
    assert blocked(s=untrained) == "training"
    assert blocked(s=untrained, cr=replace(CR, require_training=False)) is None


def test_capacity_and_weekly_hours() -> None:
    assert blocked(s=replace(BASE_S, free_places=0)) == "capacity"
    assert blocked(s=replace(BASE_S, free_by_hours=0)) == "capacity"
    assert blocked(s=replace(BASE_S, free_by_hours=0), cr=replace(CR, require_hours=False)) is None


def test_distance_limit_and_unknown_areas() -> None:
    far = replace(BASE_S, lat=45.4, lon=-75.7)  # Ottawa
    assert blocked(s=far) == "distance"
    assert blocked(s=far, cr=replace(CR, max_distance_km=None)) is None
    assert blocked(s=replace(far, lat=None, lon=None)) is None


def test_required_language() -> None:
    c = replace(BASE_C, pref_language="Punjabi", pref_language_strength="required")
    assert blocked(c) == "language_required"
    assert blocked(c, replace(BASE_S, languages=frozenset({"English", "Punjabi"}))) is None
    assert blocked(replace(c, pref_language_strength="preferred")) is None


def test_shared_language() -> None:
    c = replace(BASE_C, languages=frozenset({"French"}))
    assert blocked(c) == "shared_language"
    assert blocked(c, cr=replace(CR, require_shared_language=False)) is None
    assert blocked(replace(BASE_C, languages=frozenset())) is None


def test_required_gender() -> None:
    c = replace(BASE_C, pref_gender="woman", pref_gender_strength="required")
    assert blocked(c) == "gender_required"
    assert blocked(replace(c, pref_gender_strength="preferred")) is None


def test_required_age_range() -> None:
    c = replace(BASE_C, pref_age_min=20, pref_age_max=30, pref_age_strength="required")
    assert blocked(c) == "age_required"
    assert blocked(c, replace(BASE_S, age=None)) == "age_required"
    assert blocked(c, replace(BASE_S, age=25)) is None


def test_do_not_rematch() -> None:
    assert blocked(replace(BASE_C, do_not_rematch=frozenset({"s1"}))) == "do_not_rematch"


def test_first_failing_constraint_is_reported() -> None:
    s = replace(BASE_S, active=False, free_places=0)
    assert blocked(s=s) == "status"
    assert HARD.index("status") < HARD.index("capacity")


# --- soft criteria, one by one ----------------------------------------------------------

def test_gender_preferred_and_same_gender() -> None:
    assert points()["gender"] == 10.0  # same gender, no preference: half
    pref = replace(BASE_C, pref_gender="man", pref_gender_strength="preferred")
    assert points(pref)["gender"] == 20.0
    assert points(pref, replace(BASE_S, gender="woman"))["gender"] == 0.0
    undisclosed = replace(BASE_C, gender="undisclosed")
    assert points(undisclosed, replace(BASE_S, gender="undisclosed"))["gender"] == 0.0


def test_age_closeness_and_range() -> None:
    assert points()["age"] == pytest.approx(20 * (1 - 2 / 20))
    assert points(s=replace(BASE_S, age=70))["age"] == 0.0
    ranged = replace(BASE_C, pref_age_min=40, pref_age_max=59, pref_age_strength="preferred")
    assert points(ranged, replace(BASE_S, age=58))["age"] == 20.0
    assert points(ranged, replace(BASE_S, age=30))["age"] == 0.0
    assert points(s=replace(BASE_S, age=None))["age"] == 0.0


def test_shared_interests() -> None:
    assert points()["interests"] == 10.0
    many = frozenset({"Fishing", "Art", "Cooking", "Chess"})
    assert points(replace(BASE_C, interests=many), replace(BASE_S, interests=many))["interests"] == 30.0
    assert points(s=replace(BASE_S, interests=frozenset()))["interests"] == 0.0


def test_language_preferred_or_beyond_site_language() -> None:
    assert points()["language"] == 0.0  # English only: the site language earns nothing
    fr_c = replace(BASE_C, languages=frozenset({"English", "French"}))
    fr_s = replace(BASE_S, languages=frozenset({"English", "French"}))
    assert points(fr_c, fr_s)["language"] == 15.0
    pref = replace(BASE_C, pref_language="English", pref_language_strength="preferred")
    assert points(pref)["language"] == 15.0


def test_distance_points() -> None:
    p = points()["distance"]
    assert 10 < p < 15
    assert points(s=replace(BASE_S, lat=None))["distance"] == 0.0
    assert points(s=replace(BASE_S, lat=43.3))["distance"] == 0.0  # ~33 km: beyond the span


def test_availability_overlap() -> None:
    c = replace(BASE_C, availability=frozenset({"tue-pm", "wed-pm"}))
    s = replace(BASE_S, availability=frozenset({"tue-pm", "thu-am"}))
    assert points(c, s)["availability"] == pytest.approx(10 / 3, abs=0.01)
    assert points()["availability"] == 0.0


def test_intensity_vs_paid() -> None:
    intensive = replace(BASE_C, intensive=True)
    assert points(intensive, replace(BASE_S, paid=True))["intensity"] == 10.0
    assert points(intensive)["intensity"] == 0.0
    assert points(s=replace(BASE_S, paid=True))["intensity"] == 5.0
    assert points()["intensity"] == 10.0


def test_waiting_time_and_priority() -> None:
    assert points(replace(BASE_C, waiting_days=30))["waiting"] == 5.0
    assert points(replace(BASE_C, waiting_days=300))["waiting"] == 10.0
    assert points(replace(BASE_C, priority=True))["waiting"] == 10.0


def test_weights_scale_points() -> None:
    cr = replace(CR, weights={**CR.weights, "interests": 0})
    assert points(cr=cr)["interests"] == 0.0


def test_no_input_carries_a_diagnosis() -> None:
    for cls in (ClientIn, SupporterIn):
        names = {f.name for f in dataclasses.fields(cls)}
        assert not {n for n in names if "diagnos" in n or "condition" in n}
    assert not [k for k in SOFT + HARD if "diagnos" in k]


# --- the assignment ---------------------------------------------------------------------

def test_long_wait_wins_scarce_place() -> None:
    s = replace(BASE_S, free_places=1)
    a = replace(BASE_C, key="a", waiting_days=1)
    b = replace(BASE_C, key="b", waiting_days=50)
    result = run([a, b], [s], CR)
    assert [p.client_key for p in result.proposals] == ["b"]
    assert result.unmatched[0].client_key == "a"
    assert result.unmatched[0].code == "outcompeted"


def test_exact_beats_greedy() -> None:
    # Greedy would give s1 to c1 (best single pair) and leave c2 without anyone.
    s1 = replace(BASE_S, key="s1", free_places=1)
    s2 = replace(BASE_S, key="s2", free_places=1, interests=frozenset(), gender="woman")
    c1 = replace(BASE_C, key="c1")
    c2 = replace(BASE_C, key="c2", do_not_rematch=frozenset({"s2"}))
    result = run([c1, c2], [s1, s2], CR)
    assert {(p.client_key, p.supporter_key) for p in result.proposals} == {("c1", "s2"), ("c2", "s1")}


def test_unmatched_reports_blocking_constraint() -> None:
    punjabi = replace(BASE_C, key="p", pref_language="Punjabi", pref_language_strength="required")
    result = run([punjabi], [BASE_S], CR)
    assert result.proposals == []
    assert result.unmatched[0].code == "language_required"
    assert result.unmatched[0].detail["language"] == "Punjabi"
    nobody = run([replace(BASE_C, site="elsewhere")], [BASE_S], CR)
    assert nobody.unmatched[0].code == "site"


def test_alternatives_are_next_best() -> None:
    best = replace(BASE_S, key="s1", free_places=1)
    second = replace(BASE_S, key="s2", interests=frozenset())
    third = replace(BASE_S, key="s3", interests=frozenset(), gender="woman")
    result = run([BASE_C], [third, second, best], CR)
    proposal = result.proposals[0]
    assert proposal.supporter_key == "s1"
    assert [k for k, _ in proposal.alternatives] == ["s2", "s3"]
    assert proposal.alternatives[0][1] > proposal.alternatives[1][1]
    assert proposal.score == pytest.approx(sum(proposal.contributions.values()), abs=0.05)


def test_same_input_same_assignment_in_any_order() -> None:
    rng = random.Random(7)
    clients, supporters = random_instance(rng, 12, 5)
    first = run(clients, supporters, CR)
    for _ in range(3):
        rng.shuffle(clients)
        rng.shuffle(supporters)
        again = run(clients, supporters, CR)
        assert [(p.client_key, p.supporter_key) for p in again.proposals] == [
            (p.client_key, p.supporter_key) for p in first.proposals]


def test_ties_break_towards_earlier_supporter() -> None:
    twins = [replace(BASE_S, key=k, free_places=1) for k in ("s2", "s1", "s3")]
    result = run([BASE_C], twins, CR)
    assert result.proposals[0].supporter_key == "s1"


# --- property tests against independent exact solvers ----------------------------------

INTERESTS = ["Art", "Fishing", "Music", "Cooking"]
LANGS = ["English", "French", "Punjabi"]


def random_instance(rng: random.Random, n_c: int, n_s: int) -> tuple[list[ClientIn], list[SupporterIn]]:
    def pick(pool: list[str]) -> frozenset[str]:
        return frozenset(x for x in pool if rng.random() < 0.4)

    clients = [ClientIn(
        key=f"c{i:02d}", site=rng.choice(["a", "b"]), age=rng.randint(18, 70),
        gender=rng.choice(["man", "woman", "non_binary"]), languages=pick(LANGS),
        interests=pick(INTERESTS), lat=43 + rng.random() * 0.5, lon=-81 + rng.random() * 0.5,
        pref_gender=rng.choice(["", "man", "woman"]),
        pref_gender_strength=rng.choice(["none", "preferred", "required"]),
        waiting_days=rng.randint(0, 90), priority=rng.random() < 0.1,
        intensive=rng.random() < 0.3,
        do_not_rematch=frozenset({f"s{rng.randrange(max(n_s, 1)):02d}"}) if rng.random() < 0.3
        else frozenset(),
    ) for i in range(n_c)]
    supporters = [SupporterIn(
        key=f"s{j:02d}", sites=frozenset(rng.sample(["a", "b"], rng.randint(1, 2))),
        active=rng.random() < 0.9, trained=rng.random() < 0.9, free_places=rng.randint(0, 3),
        age=rng.randint(20, 70), gender=rng.choice(["man", "woman", "non_binary"]),
        languages=pick(LANGS) | {"English"}, interests=pick(INTERESTS),
        lat=43 + rng.random() * 0.5, lon=-81 + rng.random() * 0.5, paid=rng.random() < 0.5,
    ) for j in range(n_s)]
    return clients, supporters


def reference_objective(clients: list[ClientIn], supporters: list[SupporterIn]) -> tuple[int, int]:
    """Exact optimum with scipy's Hungarian method on replicated supporter slots."""
    sc = engine.score_pairs(clients, supporters, CR)
    units = engine.integer_scores(sc.score, CR)
    cap = engine.capacities(sc.pool, CR)
    slots = [j for j in range(sc.pool.n_supporters) for _ in range(int(cap[j]))]
    n_c = sc.pool.n_clients
    big = 10**12
    cost = np.full((n_c, len(slots) + n_c), big, dtype=np.float64)
    cost[np.arange(n_c), len(slots) + np.arange(n_c)] = 0  # "unassigned" per client
    for p in range(len(sc.pairs)):
        for col, j in enumerate(slots):
            if j == sc.pairs.supporter[p]:
                cost[sc.pairs.client[p], col] = -units[p]
    rows, cols = linear_sum_assignment(cost)
    total = int(-cost[rows, cols].sum())
    assigned = int((cols < len(slots)).sum())
    return total, assigned


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), n_c=st.integers(0, 9), n_s=st.integers(0, 5))
def test_engine_is_exact_and_respects_every_constraint(seed: int, n_c: int, n_s: int) -> None:
    clients, supporters = random_instance(random.Random(seed), n_c, n_s)
    result = run(clients, supporters, CR)
    by_key = {s.key: s for s in supporters}
    c_by_key = {c.key: c for c in clients}
    load: dict[str, int] = {}
    for p in result.proposals:
        load[p.supporter_key] = load.get(p.supporter_key, 0) + 1
        # never a forbidden pair
        assert evaluate_pair(c_by_key[p.client_key], by_key[p.supporter_key], CR)[0] is None
    for key, n in load.items():  # never over capacity
        assert n <= by_key[key].free_places
    assert len({p.client_key for p in result.proposals}) == len(result.proposals)
    assert len(result.proposals) + len(result.unmatched) == len(clients)
    total, assigned = reference_objective(clients, supporters)
    assert result.objective == total
    assert len(result.proposals) == assigned


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_engine_equals_brute_force_on_tiny_instances(seed: int) -> None:
    rng = random.Random(seed)
    clients, supporters = random_instance(rng, rng.randint(1, 4), rng.randint(1, 3))
    sc = engine.score_pairs(clients, supporters, CR)
    units = engine.integer_scores(sc.score, CR)
    cap = engine.capacities(sc.pool, CR)
    options: list[list[int]] = [[-1] for _ in range(sc.pool.n_clients)]
    for p in range(len(sc.pairs)):
        options[int(sc.pairs.client[p])].append(p)
    best = 0
    for combo in itertools.product(*options):
        chosen = [p for p in combo if p >= 0]
        counts = np.bincount(sc.pairs.supporter[chosen], minlength=sc.pool.n_supporters) if chosen else None
        if counts is not None and (counts > cap).any():
            continue
        best = max(best, int(units[chosen].sum()) if chosen else 0)
    assert run(clients, supporters, CR).objective == best
