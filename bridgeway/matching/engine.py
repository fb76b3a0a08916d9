"""The matching engine: exact, deterministic, explainable. Pure (numpy + OR-Tools, no Django).

    clients, supporters, criteria  ->  Result(proposals, unmatched)

1. Canonical order: clients and supporters are sorted by key, so the input order never matters.
2. Candidate pairs: every client × every supporter serving the client's site (vectorised).
3. Hard constraints remove pairs (HARD order; the first failing one is the pair's reason).
4. Soft criteria give each allowed pair points (contributions per criterion, numpy columns).
5. Minimum-cost flow (OR-Tools SimpleMinCostFlow): client -> supporter (capacity 1),
   supporter -> sink (free places), client -> sink "unassigned" bypass (cost 0). Every pair
   costs -(bonus + score), scaled to integers (1e4 per point); the bonus (max score + 1)
   makes matching one more client always worth more than any gain in score, so the optimum
   matches as many clients as possible and, among those, maximises the total score.
6. Tie-breaker: each pair cost also carries its supporter's rank in the client's candidate
   list (canonical key order), multiplied below the score resolution, so among assignments of
   equal score the solver must pick the one preferring lower-ranked (earlier) supporters.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from .criteria import HARD, SOFT, Criteria

SCALE = 10_000  # integer cost units per point of score
KNOWN_GENDERS = ("man", "woman", "non_binary", "two_spirit")
OK = len(HARD)  # "no hard constraint fails"
OUTCOMPETED = "outcompeted"
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]


@dataclass(frozen=True)
class ClientIn:
    key: str
    site: str
    site_name: str = ""
    age: int | None = None
    gender: str = "undisclosed"
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    pref_gender: str = ""
    pref_gender_strength: str = "none"
    pref_age_min: int | None = None
    pref_age_max: int | None = None
    pref_age_strength: str = "none"
    pref_language: str = ""
    pref_language_strength: str = "none"
    intensive: bool = False
    waiting_days: float = 0.0
    priority: bool = False
    do_not_rematch: frozenset[str] = frozenset()  # supporter keys this client must not get


@dataclass(frozen=True)
class SupporterIn:
    key: str
    sites: frozenset[str]
    active: bool = True
    trained: bool = True
    free_places: int = 1
    free_by_hours: int | None = None  # how many more clients the weekly hours cover
    age: int | None = None
    gender: str = "undisclosed"
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    paid: bool = False


@dataclass(frozen=True)
class Proposed:
    client_key: str
    supporter_key: str
    score: float
    contributions: dict[str, float]
    alternatives: list[tuple[str, float]]
    pair: int = -1  # index into Result.scored's pairs (for explanations)
    alternative_pairs: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Unmatched:
    client_key: str
    code: str  # a HARD name, or OUTCOMPETED
    detail: dict[str, Any]


@dataclass
class Result:
    proposals: list[Proposed] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    total_score: float = 0.0
    objective: int = 0  # sum of integer (bonus + score) units of the chosen pairs
    allowed_pairs: int = 0
    scored: Scored | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


# --------------------------------------------------------------------------- encoding


def _vocab(*groups: Sequence[frozenset[str]]) -> dict[str, int]:
    return {name: i for i, name in enumerate(sorted({x for g in groups for s in g for x in s}))}


def _bits(sets: Sequence[frozenset[str]], vocab: dict[str, int]) -> NDArray[np.uint64]:
    words = max(1, (len(vocab) + 63) // 64)
    out = np.zeros((len(sets), words), dtype=np.uint64)
    rows = [row for row, items in enumerate(sets) for item in items if item in vocab]
    bits = [vocab[item] for items in sets for item in items if item in vocab]
    if bits:
        r = np.array(rows, dtype=np.int64)
        b = np.array(bits, dtype=np.uint64)
        np.bitwise_or.at(out, (r, (b // np.uint64(64)).astype(np.int64)),
                         np.left_shift(np.uint64(1), b % np.uint64(64)))
    return out


def _has_bit(bits: NDArray[np.uint64], rows: I64, index: I64) -> B:
    """bits[rows] has bit `index` set (index < 0: never)."""
    safe = np.maximum(index, 0)
    words = bits[rows, safe // 64]
    hit = ((words >> (safe % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
    return hit & (index >= 0)


def _shared(a: NDArray[np.uint64], b: NDArray[np.uint64]) -> I64:
    if a.shape[1] == 1:  # the usual case: a vocabulary of at most 64 names
        return np.bitwise_count(a[:, 0] & b[:, 0]).astype(np.int64)
    return np.bitwise_count(a & b).sum(axis=1).astype(np.int64)


def _opt(values: Sequence[float | int | None]) -> F64:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass
class Encoded:
    clients: list[ClientIn]
    supporters: list[SupporterIn]
    c_site: I64
    s_sites: NDArray[np.uint64]
    c_age: F64
    s_age: F64
    c_gender: I64
    s_gender: I64
    c_gender_known: B
    c_lang: NDArray[np.uint64]
    s_lang: NDArray[np.uint64]
    c_int: NDArray[np.uint64]
    s_int: NDArray[np.uint64]
    c_av: NDArray[np.uint64]
    s_av: NDArray[np.uint64]
    c_lat: F64
    c_lon: F64
    s_lat: F64
    s_lon: F64
    c_pref_gender: I64
    c_pref_gender_req: B
    c_pref_gender_on: B
    c_age_min: F64
    c_age_max: F64
    c_age_req: B
    c_age_on: B
    c_pref_lang: I64
    c_pref_lang_req: B
    c_has_lang: B
    c_other_lang: NDArray[np.uint64]  # client languages except the site language
    c_intensive: B
    c_wait: F64
    c_priority: B
    s_active: B
    s_trained: B
    s_paid: B
    s_free: I64
    s_free_hours: I64  # -1: unknown (not limited by hours)
    forbidden: I64  # sorted pair codes client * n_supporters + supporter
    site_index: dict[str, int]
    lang_vocab: dict[str, int]
    interest_names: list[str] = field(default_factory=list)
    gender_names: list[str] = field(default_factory=list)


def encode(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn],
           criteria: Criteria) -> Encoded:
    cs = sorted(clients, key=lambda c: c.key)
    ss = sorted(supporters, key=lambda s: s.key)
    sites = _vocab([frozenset({c.site}) for c in cs], [s.sites for s in ss])
    langs = _vocab([c.languages for c in cs], [s.languages for s in ss],
                   [frozenset({c.pref_language} - {""}) for c in cs])
    interests = _vocab([c.interests for c in cs], [s.interests for s in ss])
    slots = _vocab([c.availability for c in cs], [s.availability for s in ss])
    genders = {g: i for i, g in enumerate(sorted({c.gender for c in cs} | {s.gender for s in ss}
                                                 | {c.pref_gender for c in cs}))}
    s_index = {s.key: j for j, s in enumerate(ss)}
    n_s = len(ss)
    forbidden = sorted(i * n_s + s_index[k] for i, c in enumerate(cs) for k in c.do_not_rematch
                       if k in s_index)
    known = {genders[g] for g in KNOWN_GENDERS if g in genders}
    c_gender = np.array([genders[c.gender] for c in cs], dtype=np.int64)
    s_gender = np.array([genders[s.gender] for s in ss], dtype=np.int64)
    return Encoded(
        clients=cs, supporters=ss,
        c_site=np.array([sites[c.site] for c in cs], dtype=np.int64),
        s_sites=_bits([s.sites for s in ss], sites),
        c_age=_opt([c.age for c in cs]), s_age=_opt([s.age for s in ss]),
        c_gender=c_gender, s_gender=s_gender,
        c_gender_known=np.isin(c_gender, list(known)),
        c_lang=_bits([c.languages for c in cs], langs), s_lang=_bits([s.languages for s in ss], langs),
        c_int=_bits([c.interests for c in cs], interests),
        s_int=_bits([s.interests for s in ss], interests),
        c_av=_bits([c.availability for c in cs], slots), s_av=_bits([s.availability for s in ss], slots),
        c_lat=_opt([c.lat for c in cs]), c_lon=_opt([c.lon for c in cs]),
        s_lat=_opt([s.lat for s in ss]), s_lon=_opt([s.lon for s in ss]),
        c_pref_gender=np.array([genders.get(c.pref_gender, -3) if c.pref_gender else -3 for c in cs],
                               dtype=np.int64),
        c_pref_gender_req=np.array([bool(c.pref_gender) and c.pref_gender_strength == "required"
                                    for c in cs], dtype=bool),
        c_pref_gender_on=np.array([bool(c.pref_gender) and c.pref_gender_strength != "none"
                                   for c in cs], dtype=bool),
        c_age_min=_opt([c.pref_age_min for c in cs]), c_age_max=_opt([c.pref_age_max for c in cs]),
        c_age_req=np.array([c.pref_age_strength == "required"
                            and (c.pref_age_min is not None or c.pref_age_max is not None)
                            for c in cs], dtype=bool),
        c_age_on=np.array([c.pref_age_strength != "none"
                           and (c.pref_age_min is not None or c.pref_age_max is not None)
                           for c in cs], dtype=bool),
        c_pref_lang=np.array([langs[c.pref_language] if c.pref_language
                              and c.pref_language_strength != "none" else -1 for c in cs],
                             dtype=np.int64),
        c_pref_lang_req=np.array([bool(c.pref_language) and c.pref_language_strength == "required"
                                  for c in cs], dtype=bool),
        c_has_lang=np.array([bool(c.languages) for c in cs], dtype=bool),
        c_other_lang=_bits([c.languages - {criteria.site_language} for c in cs], langs),
        c_intensive=np.array([c.intensive for c in cs], dtype=bool),
        c_wait=np.array([c.waiting_days for c in cs], dtype=np.float64),
        c_priority=np.array([c.priority for c in cs], dtype=bool),
        s_active=np.array([s.active for s in ss], dtype=bool),
        s_trained=np.array([s.trained for s in ss], dtype=bool),
        s_paid=np.array([s.paid for s in ss], dtype=bool),
        s_free=np.array([s.free_places for s in ss], dtype=np.int64),
        s_free_hours=np.array([-1 if s.free_by_hours is None else s.free_by_hours for s in ss],
                              dtype=np.int64),
        forbidden=np.array(forbidden, dtype=np.int64),
        site_index=sites, lang_vocab=langs, interest_names=list(interests),
        gender_names=list(genders),
    )


def capacities(enc: Encoded, criteria: Criteria) -> I64:
    """Free places per supporter, limited by weekly hours when the site requires them."""
    cap = enc.s_free.copy()
    if criteria.require_hours:
        limited = enc.s_free_hours >= 0
        cap[limited] = np.minimum(cap[limited], enc.s_free_hours[limited])
    return np.maximum(cap, 0)


# --------------------------------------------------------------------------- pairs


def candidate_pairs(enc: Encoded) -> tuple[I64, I64]:
    """All (client, supporter) index pairs where the supporter serves the client's site."""
    n_c = len(enc.clients)
    pcs: list[I64] = []
    pss: list[I64] = []
    for site in range(len(enc.site_index)):
        cl = np.flatnonzero(enc.c_site == site)
        if cl.size == 0:
            continue
        sup = np.flatnonzero(_has_bit(enc.s_sites, np.arange(len(enc.supporters)),
                                      np.full(len(enc.supporters), site)))
        if sup.size == 0:
            continue
        pcs.append(np.repeat(cl, sup.size))
        pss.append(np.tile(sup, cl.size))
    if not pcs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pc = np.concatenate(pcs)
    ps = np.concatenate(pss)
    order = np.lexsort((ps, pc))  # canonical: by client, then supporter
    del n_c
    return pc[order].astype(np.int64), ps[order].astype(np.int64)


def distances_km(enc: Encoded, pc: I64, ps: I64) -> F64:
    lat1, lon1 = np.radians(enc.c_lat[pc]), np.radians(enc.c_lon[pc])
    lat2, lon2 = np.radians(enc.s_lat[ps]), np.radians(enc.s_lon[ps])
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    out: F64 = 6371.0 * 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def first_failure(enc: Encoded, pc: I64, ps: I64, criteria: Criteria,
                  dist: F64 | None = None) -> I64:
    """Index into HARD of the first hard constraint each pair fails (OK when none does)."""
    if dist is None:
        dist = distances_km(enc, pc, ps)
    cap = capacities(enc, criteria)
    s_age = enc.s_age[ps]
    lo, hi = enc.c_age_min[pc], enc.c_age_max[pc]
    with np.errstate(invalid="ignore"):
        age_out = np.isnan(s_age) | (~np.isnan(lo) & (s_age < lo)) | (~np.isnan(hi) & (s_age > hi))
        too_far = (criteria.max_distance_km is not None) & ~np.isnan(dist) & (
            dist > (criteria.max_distance_km or 0.0))
    n_s = len(enc.supporters)
    fails: list[B] = [
        ~_has_bit(enc.s_sites, ps, enc.c_site[pc]),                                  # site
        ~enc.s_active[ps],                                                           # status
        np.full(pc.size, criteria.require_training) & ~enc.s_trained[ps],             # training
        cap[ps] <= 0,                                                                # capacity
        too_far,                                                                     # distance
        enc.c_pref_lang_req[pc] & ~_has_bit(enc.s_lang, ps, enc.c_pref_lang[pc]),     # language
        np.full(pc.size, criteria.require_shared_language) & enc.c_has_lang[pc]
        & (_shared(enc.c_lang[pc], enc.s_lang[ps]) == 0),                            # shared
        enc.c_pref_gender_req[pc] & (enc.s_gender[ps] != enc.c_pref_gender[pc]),      # gender
        enc.c_age_req[pc] & age_out,                                                 # age
        np.isin(pc * n_s + ps, enc.forbidden),                                       # do not re-match
    ]
    code = np.full(pc.size, OK, dtype=np.int64)
    for k in range(len(fails) - 1, -1, -1):  # last assignment wins: the first failing constraint
        code[fails[k]] = k
    return code


def contributions(enc: Encoded, pc: I64, ps: I64, criteria: Criteria,
                  dist: F64 | None = None) -> F64:
    """Points per soft criterion (columns in SOFT order) for each pair."""
    if dist is None:
        dist = distances_km(enc, pc, ps)
    n = pc.size
    out = np.zeros((n, len(SOFT)), dtype=np.float64)
    # gender: the client's preference met; without one, the same (disclosed) gender counts half.
    same = (enc.c_gender[pc] == enc.s_gender[ps]) & enc.c_gender_known[pc]
    pref_on = enc.c_pref_gender_on[pc]
    out[:, 0] = np.where(pref_on, enc.s_gender[ps] == enc.c_pref_gender[pc], 0.5 * same)
    # age: inside the client's range scores full; without a range, closeness in years.
    c_age, s_age = enc.c_age[pc], enc.s_age[ps]
    lo = np.where(np.isnan(enc.c_age_min[pc]), -np.inf, enc.c_age_min[pc])
    hi = np.where(np.isnan(enc.c_age_max[pc]), np.inf, enc.c_age_max[pc])
    with np.errstate(invalid="ignore"):
        in_range = (s_age >= lo) & (s_age <= hi)
        closeness = np.clip(1.0 - np.abs(c_age - s_age) / criteria.age_span_years, 0.0, 1.0)
    age = np.where(enc.c_age_on[pc], in_range.astype(np.float64), closeness)
    out[:, 1] = np.nan_to_num(np.where(np.isnan(s_age), 0.0, age), nan=0.0)
    # interests
    k_int = max(1, criteria.interests_for_full_points)
    out[:, 2] = np.minimum(_shared(enc.c_int[pc], enc.s_int[ps]), k_int) / k_int
    # language: the client's preferred language; otherwise a shared language besides the site's.
    has_pref = enc.c_pref_lang[pc] >= 0
    out[:, 3] = np.where(has_pref, _has_bit(enc.s_lang, ps, enc.c_pref_lang[pc]),
                         _shared(enc.c_other_lang[pc], enc.s_lang[ps]) > 0)
    # distance between home-area centroids (unknown: no points)
    out[:, 4] = np.nan_to_num(np.clip(1.0 - dist / criteria.distance_span_km, 0.0, 1.0), nan=0.0)
    # availability: overlapping day-part slots
    k_av = max(1, criteria.availability_slots_for_full_points)
    out[:, 5] = np.minimum(_shared(enc.c_av[pc], enc.s_av[ps]), k_av) / k_av
    # intensity: intensive support goes to paid supporters; volunteers suit standard support
    # (a paid supporter for standard support still half, so paid places stay free for others).
    paid = enc.s_paid[ps]
    out[:, 6] = np.where(enc.c_intensive[pc], paid.astype(np.float64), np.where(paid, 0.5, 1.0))
    # waiting: long waits first; a client back after an ended match counts as waited in full.
    out[:, 7] = np.where(enc.c_priority[pc], 1.0,
                         np.clip(enc.c_wait[pc] / criteria.waiting_span_days, 0.0, 1.0))
    weights = np.array([criteria.weight(k) for k in SOFT], dtype=np.float64)
    result: F64 = out * weights
    return result


# --------------------------------------------------------------------------- solve


@dataclass
class Solution:
    chosen: I64  # per pair: 1 if used
    objective: int  # sum of integer (bonus + score) units over chosen pairs
    status_ok: bool


def integer_scores(score: F64, criteria: Criteria) -> I64:
    bonus = criteria.max_score + 1.0
    out: I64 = np.rint((bonus + score) * SCALE).astype(np.int64)
    return out


def solve(n_clients: int, n_supporters: int, pc: I64, ps: I64, units: I64, cap: I64,
          tie_break: bool = True) -> Solution:
    """Maximise the sum of `units` over chosen pairs, each client at most once, each supporter
    at most `cap` times. Pairs must be in canonical order (client, then supporter)."""
    n_pairs = pc.size
    if n_pairs == 0:
        return Solution(np.zeros(0, np.int64), 0, True)
    if tie_break:
        # rank of each pair within its client's candidate list (pairs sorted by client)
        starts = np.r_[0, np.flatnonzero(np.diff(pc)) + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, n_pairs]))
        rank = np.arange(n_pairs, dtype=np.int64) - group_start
        k = int(rank.max()) * n_clients + 1
        if int(units.max()) * k * (n_clients + n_supporters + 2) > 2**61:
            k, rank = 1, np.zeros(n_pairs, np.int64)
        costs = -units * k + rank
    else:
        costs = -units
    sink = n_clients + n_supporters
    used_sup = np.unique(ps)
    starts_arr = np.concatenate([pc, n_clients + used_sup, np.arange(n_clients)])
    ends_arr = np.concatenate([n_clients + ps, np.full(used_sup.size, sink),
                               np.full(n_clients, sink)])
    caps = np.concatenate([np.ones(n_pairs, np.int64), cap[used_sup],
                           np.ones(n_clients, np.int64)])
    arc_costs = np.concatenate([costs, np.zeros(used_sup.size + n_clients, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(starts_arr, ends_arr, caps, arc_costs)
    supplies = np.concatenate([np.ones(n_clients, np.int64), [-n_clients]])
    smcf.set_nodes_supplies(np.concatenate([np.arange(n_clients), [sink]]), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        return Solution(np.zeros(n_pairs, np.int64), 0, False)
    flows = np.asarray(smcf.flows(arcs[:n_pairs]), dtype=np.int64)
    return Solution(flows, int(units[flows > 0].sum()), True)


# --------------------------------------------------------------------------- the whole run


@dataclass
class Scored:
    """Allowed pairs with their points, ready for the solver and for explanations."""

    enc: Encoded
    pc: I64
    ps: I64
    contrib: F64
    score: F64
    blocked_code: dict[int, int]  # client index -> blocking HARD index (clients with no pair)
    dist: F64 | None = None
    timings: dict[str, float] = field(default_factory=dict)


def score_pairs(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn],
                criteria: Criteria) -> Scored:
    t0 = time.perf_counter()
    enc = encode(clients, supporters, criteria)
    t1 = time.perf_counter()
    pc, ps = candidate_pairs(enc)
    dist = distances_km(enc, pc, ps)
    code = first_failure(enc, pc, ps, criteria, dist)
    allowed = code == OK
    # Progressive filtering: a client's blocking constraint is the last one any candidate
    # reaches, i.e. the largest first-failure index among its candidates.
    blocked: dict[int, int] = {}
    has_allowed = np.zeros(len(enc.clients), dtype=bool)
    has_allowed[pc[allowed]] = True
    worst = np.full(len(enc.clients), -1, dtype=np.int64)
    np.maximum.at(worst, pc, code)
    for i in np.flatnonzero(~has_allowed):
        blocked[int(i)] = int(worst[i]) if worst[i] >= 0 else 0  # no candidate: site
    pc, ps, dist = pc[allowed], ps[allowed], dist[allowed]
    contrib = contributions(enc, pc, ps, criteria, dist)
    t2 = time.perf_counter()
    return Scored(enc, pc, ps, contrib, contrib.sum(axis=1), blocked, dist,
                  timings={"encode": t1 - t0, "score": t2 - t1})


def _detail(c: ClientIn, code: str, criteria: Criteria, candidates: int) -> dict[str, Any]:
    detail: dict[str, Any] = {"site": c.site, "site_name": c.site_name or c.site,
                              "candidates": candidates}
    if code == "language_required":
        detail["language"] = c.pref_language
    elif code == "shared_language":
        detail["languages"] = sorted(c.languages)
    elif code == "gender_required":
        detail["gender"] = c.pref_gender
    elif code == "age_required":
        detail["age_min"], detail["age_max"] = c.pref_age_min, c.pref_age_max
    elif code == "distance":
        detail["km"] = criteria.max_distance_km
    return detail


def _best_first(pc: I64, ps: I64, units: I64) -> I64:
    """Pair order: by client, then score descending, then supporter (one integer sort key
    when it fits in 63 bits, which is much faster than a three-key lexsort)."""
    if pc.size == 0:
        return np.zeros(0, np.int64)
    top = int(units.max())
    b_s, b_u = int(ps.max()).bit_length(), top.bit_length()
    if int(pc.max()).bit_length() + b_u + b_s <= 63:
        key = (pc << (b_u + b_s)) | ((top - units) << b_s) | ps
        out: I64 = np.argsort(key, kind="stable")
        return out
    fallback: I64 = np.lexsort((ps, -units, pc))
    return fallback


def run(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn], criteria: Criteria,
        alternatives: int = 3) -> Result:
    """Propose the best assignment of `clients` to `supporters` under `criteria`."""
    sc = score_pairs(clients, supporters, criteria)
    enc = sc.enc
    n_c, n_s = len(enc.clients), len(enc.supporters)
    units = integer_scores(sc.score, criteria)
    t0 = time.perf_counter()
    sol = solve(n_c, n_s, sc.pc, sc.ps, units, capacities(enc, criteria))
    t1 = time.perf_counter()
    if not sol.status_ok:  # pragma: no cover - the graph is always feasible (bypass arcs)
        raise RuntimeError("min-cost flow did not find the optimum")
    result = Result(objective=sol.objective, allowed_pairs=int(sc.pc.size))
    chosen_of = np.full(n_c, -1, dtype=np.int64)
    used = np.flatnonzero(sol.chosen > 0)
    chosen_of[sc.pc[used]] = used
    # per-client candidate slices, best first (score desc, then canonical supporter order)
    order = _best_first(sc.pc, sc.ps, units)
    bounds = np.searchsorted(sc.pc[order], np.arange(n_c + 1))
    width = alternatives + 1
    pos = bounds[:-1, None] + np.arange(width)[None, :]
    if order.size == 0:
        top = np.full((n_c, width), -1, dtype=np.int64)
    else:
        top = np.where(pos < bounds[1:, None], order[np.minimum(pos, order.size - 1)], -1)
    # Python values only for the pairs we report (numpy row access one by one is slow).
    needed = np.unique(np.concatenate([used, top[top >= 0]]))
    points = dict(zip(used.tolist(), np.round(sc.contrib[used], 2).tolist(), strict=True))
    scores = dict(zip(needed.tolist(), np.round(sc.score[needed], 2).tolist(), strict=True))
    sup_of = dict(zip(needed.tolist(), sc.ps[needed].tolist(), strict=True))
    top_lists = top.tolist()
    chosen_list = chosen_of.tolist()
    sizes = np.diff(bounds).tolist()
    for i in range(n_c):
        client = enc.clients[i]
        if i in sc.blocked_code:
            code = HARD[sc.blocked_code[i]]
            result.unmatched.append(Unmatched(client.key, code, _detail(client, code, criteria, 0)))
            continue
        pair = chosen_list[i]
        if pair < 0:
            result.unmatched.append(Unmatched(client.key, OUTCOMPETED, _detail(
                client, OUTCOMPETED, criteria, sizes[i])))
            continue
        alt_pairs = [p for p in top_lists[i] if p >= 0 and p != pair][:alternatives]
        result.proposals.append(Proposed(
            client_key=client.key,
            supporter_key=enc.supporters[sup_of[pair]].key,
            score=scores[pair],
            contributions=dict(zip(SOFT, points[pair], strict=True)),
            alternatives=[(enc.supporters[sup_of[p]].key, scores[p]) for p in alt_pairs],
            pair=pair, alternative_pairs=alt_pairs,
        ))
        result.total_score += scores[pair]
    result.scored = sc
    result.timings = {**sc.timings, "solve": t1 - t0, "report": time.perf_counter() - t1}
    return result


def evaluate_pair(client: ClientIn, supporter: SupporterIn,
                  criteria: Criteria) -> tuple[str | None, dict[str, float]]:
    """One pair: (first failing hard constraint or None, points per criterion)."""
    enc = encode([client], [supporter], criteria)
    pc = np.zeros(1, np.int64)
    ps = np.zeros(1, np.int64)
    code = int(first_failure(enc, pc, ps, criteria)[0])
    contrib = contributions(enc, pc, ps, criteria)[0]
    points = {k: round(float(v), 2) for k, v in zip(SOFT, contrib, strict=True)}
    return (HARD[code] if code != OK else None), points
