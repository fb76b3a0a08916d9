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

import functools
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
    if bits.shape[1] == 1:  # one word: a 1-D gather is much cheaper than a 2-D one
        words = bits[:, 0][rows]
    else:
        words = bits[rows, safe // 64]
    hit = ((words >> (safe % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
    return hit & (index >= 0)


def _shared(a: NDArray[np.uint64], b: NDArray[np.uint64]) -> I64:
    if a.shape[1] == 1:  # the usual case: a vocabulary of at most 64 names
        return np.bitwise_count(a[:, 0] & b[:, 0]).astype(np.int64)
    return np.bitwise_count(a & b).sum(axis=1).astype(np.int64)


def _shared_pairs(a: NDArray[np.uint64], b: NDArray[np.uint64], pc: I64, ps: I64) -> I64:
    """How many bits client rows a[pc] and supporter rows b[ps] share."""
    if a.shape[1] == 1:
        out: I64 = np.bitwise_count(a[:, 0][pc] & b[:, 0][ps]).astype(np.int64)
        return out
    return _shared(a[pc], b[ps])


def _opt(values: Sequence[float | int | None]) -> F64:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass
class Encoded:
    """Clients and supporters as columns (numpy arrays), in canonical (key) order.

    Built either from ClientIn/SupporterIn objects (`encode`, the pure API) or straight from
    the database (selectors.load_columns, no Python object per client).
    """

    c_key: list[str]
    s_key: list[str]
    c_site: I64  # index into site_codes
    m_site: I64  # site membership pairs (site, supporter), sorted by site then supporter
    m_sup: I64
    site_codes: list[str]
    site_names: list[str]
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
    c_pref_lang: I64  # -1: none (or strength "none")
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
    lang_names: list[str]
    interest_names: list[str]
    gender_names: list[str]
    c_pref_lang_name: list[str] = field(default_factory=list)  # for unmatched details
    c_pref_gender_name: list[str] = field(default_factory=list)
    # The objects it was encoded from (pure API only; empty when loaded as columns).
    clients: list[ClientIn] = field(default_factory=list)
    supporters: list[SupporterIn] = field(default_factory=list)

    @property
    def n_clients(self) -> int:
        return len(self.c_key)

    @property
    def n_supporters(self) -> int:
        return len(self.s_key)


def bits_from_pairs(rows: I64, bit: I64, n_rows: int, n_bits: int) -> NDArray[np.uint64]:
    """Bitsets (n_rows x words) from (row, bit index) pairs; negative bit indexes are skipped."""
    words = max(1, (n_bits + 63) // 64)
    out = np.zeros((n_rows, words), dtype=np.uint64)
    keep = bit >= 0
    if keep.any():
        b = bit[keep].astype(np.uint64)
        np.bitwise_or.at(out, (rows[keep], (b // np.uint64(64)).astype(np.int64)),
                         np.left_shift(np.uint64(1), b % np.uint64(64)))
    return out


def encode(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn],
           criteria: Criteria) -> Encoded:
    cs = sorted(clients, key=lambda c: c.key)
    ss = sorted(supporters, key=lambda s: s.key)
    sites = _vocab([frozenset({c.site}) for c in cs], [s.sites for s in ss])
    site_name = {c.site: c.site_name or c.site for c in cs}
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
    members = sorted((sites[code], j) for j, s in enumerate(ss) for code in s.sites)
    known = {genders[g] for g in KNOWN_GENDERS if g in genders}
    c_gender = np.array([genders[c.gender] for c in cs], dtype=np.int64)
    s_gender = np.array([genders[s.gender] for s in ss], dtype=np.int64)
    return Encoded(
        c_key=[c.key for c in cs], s_key=[s.key for s in ss],
        c_site=np.array([sites[c.site] for c in cs], dtype=np.int64),
        m_site=np.array([m[0] for m in members], dtype=np.int64),
        m_sup=np.array([m[1] for m in members], dtype=np.int64),
        site_codes=list(sites), site_names=[site_name.get(code, code) for code in sites],
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
        lang_names=list(langs), interest_names=list(interests), gender_names=list(genders),
        c_pref_lang_name=[c.pref_language for c in cs],
        c_pref_gender_name=[c.pref_gender for c in cs],
        clients=cs, supporters=ss,
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
    """All (client, supporter) index pairs where the supporter serves the client's site, in
    canonical order (by client, then supporter): clients are in key order and each site's
    supporters are listed in key order, so no sort is needed."""
    n_sites = len(enc.site_codes)
    start = np.searchsorted(enc.m_site, np.arange(n_sites + 1))
    count = np.diff(start)[enc.c_site] if enc.c_site.size else np.zeros(0, np.int64)
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pc = np.repeat(np.arange(enc.n_clients, dtype=np.int64), count)
    first = np.cumsum(count) - count  # position of each client's first pair
    offset = np.arange(total, dtype=np.int64) - np.repeat(first, count)
    ps = enc.m_sup[np.repeat(start[:-1][enc.c_site], count) + offset]
    return pc, ps.astype(np.int64)


def serves(enc: Encoded, pc: I64, ps: I64) -> B:
    """Whether each pair's supporter serves the client's site."""
    n_s = max(enc.n_supporters, 1)
    member = np.sort(enc.m_site * n_s + enc.m_sup)
    out: B = np.isin(enc.c_site[pc] * n_s + ps, member)
    return out


def distances_km(enc: Encoded, pc: I64, ps: I64) -> F64:
    """Great-circle distance between home-area centroids (NaN when either is unknown)."""
    c_lat, c_lon = np.radians(enc.c_lat), np.radians(enc.c_lon)
    s_lat, s_lon = np.radians(enc.s_lat), np.radians(enc.s_lon)
    lat1, lat2 = c_lat[pc], s_lat[ps]
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(c_lat)[pc] * np.cos(s_lat)[ps] * np.sin((s_lon[ps] - c_lon[pc]) / 2) ** 2)
    out: F64 = 6371.0 * 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def first_failure(enc: Encoded, pc: I64, ps: I64, criteria: Criteria,
                  dist: F64 | None = None, check_site: bool = True) -> I64:
    """Index into HARD of the first hard constraint each pair fails (OK when none does).

    `check_site=False` for pairs from candidate_pairs (they serve the site by construction).
    """
    if dist is None:
        dist = distances_km(enc, pc, ps)
    # Supporter-level constraints (status, training, capacity) come first in HARD: one code
    # per supporter, gathered per pair.
    cap = capacities(enc, criteria)
    s_code = np.full(enc.n_supporters, OK, dtype=np.int64)
    s_code[cap <= 0] = HARD.index("capacity")
    if criteria.require_training:
        s_code[~enc.s_trained] = HARD.index("training")
    s_code[~enc.s_active] = HARD.index("status")
    code = s_code[ps]
    # Pair-level constraints, last assignment wins so the first failing one is kept.
    pair_code = np.full(pc.size, OK, dtype=np.int64)
    if enc.forbidden.size:
        n_s = enc.n_supporters
        pair_code[np.isin(pc * n_s + ps, enc.forbidden)] = HARD.index("do_not_rematch")
    age_req = enc.c_age_req[pc]
    if age_req.any():
        s_age = enc.s_age[ps]
        lo, hi = enc.c_age_min[pc], enc.c_age_max[pc]
        with np.errstate(invalid="ignore"):
            age_out = (np.isnan(s_age) | (~np.isnan(lo) & (s_age < lo))
                       | (~np.isnan(hi) & (s_age > hi)))
        pair_code[age_req & age_out] = HARD.index("age_required")
    gender_req = enc.c_pref_gender_req[pc]
    if gender_req.any():
        pair_code[gender_req & (enc.s_gender[ps] != enc.c_pref_gender[pc])] = HARD.index(
            "gender_required")
    if criteria.require_shared_language:
        pair_code[enc.c_has_lang[pc] & (_shared_pairs(enc.c_lang, enc.s_lang, pc, ps) == 0)] = (
            HARD.index("shared_language"))
    lang_req = enc.c_pref_lang_req[pc]
    if lang_req.any():
        pair_code[lang_req & ~_has_bit(enc.s_lang, ps, enc.c_pref_lang[pc])] = HARD.index(
            "language_required")
    if criteria.max_distance_km is not None:
        with np.errstate(invalid="ignore"):
            pair_code[dist > criteria.max_distance_km] = HARD.index("distance")  # NaN: never
    code = np.where(code == OK, pair_code, code)
    if check_site:
        code[~serves(enc, pc, ps)] = HARD.index("site")
    return code


def _columns(enc: Encoded, pc: I64, ps: I64, criteria: Criteria, dist: F64) -> list[F64]:
    """Points (0..1, before weights) per soft criterion, in SOFT order."""
    # gender: the client's preference met; without one, the same (disclosed) gender counts half.
    # Per client: the gender that earns points and how much (one gather and compare per pair).
    target = np.where(enc.c_pref_gender_on, enc.c_pref_gender,
                      np.where(enc.c_gender_known, enc.c_gender, -9))
    full = np.where(enc.c_pref_gender_on, 1.0, 0.5)
    gender = full[pc] * (enc.s_gender[ps] == target[pc])
    # age: inside the client's range scores full; without a range, closeness in years.
    s_age = enc.s_age[ps]
    lo = np.where(np.isnan(enc.c_age_min), -np.inf, enc.c_age_min)[pc]
    hi = np.where(np.isnan(enc.c_age_max), np.inf, enc.c_age_max)[pc]
    with np.errstate(invalid="ignore"):
        in_range = (s_age >= lo) & (s_age <= hi)
        closeness = np.clip(1.0 - np.abs(enc.c_age[pc] - s_age) / criteria.age_span_years,
                            0.0, 1.0)
    age = np.where(enc.c_age_on[pc], in_range, closeness)
    age = np.nan_to_num(np.where(np.isnan(s_age), 0.0, age), nan=0.0)
    # interests
    k_int = max(1, criteria.interests_for_full_points)
    interests = np.minimum(_shared_pairs(enc.c_int, enc.s_int, pc, ps), k_int) / k_int
    # language: the client's preferred language; otherwise a shared language besides the site's.
    pref = enc.c_pref_lang[pc]
    language = np.where(pref >= 0, _has_bit(enc.s_lang, ps, pref),
                        _shared_pairs(enc.c_other_lang, enc.s_lang, pc, ps) > 0).astype(np.float64)
    # distance between home-area centroids (unknown: no points)
    distance = np.nan_to_num(np.clip(1.0 - dist / criteria.distance_span_km, 0.0, 1.0), nan=0.0)
    # availability: overlapping day-part slots
    k_av = max(1, criteria.availability_slots_for_full_points)
    availability = np.minimum(_shared_pairs(enc.c_av, enc.s_av, pc, ps), k_av) / k_av
    # intensity: intensive support goes to paid supporters; volunteers suit standard support
    # (a paid supporter for standard support still half, so paid places stay free for others).
    # (standard, volunteer) 1, (standard, paid) 0.5, (intensive, volunteer) 0, (intensive, paid) 1
    table = np.array([1.0, 0.5, 0.0, 1.0])
    intensity = table[enc.c_intensive[pc].astype(np.int64) * 2 + enc.s_paid[ps]]
    # waiting: long waits first; a client back after an ended match counts as waited in full.
    c_waiting = np.where(enc.c_priority, 1.0,
                         np.clip(enc.c_wait / criteria.waiting_span_days, 0.0, 1.0))
    waiting = c_waiting[pc]
    return [np.asarray(x, dtype=np.float64) for x in
            (gender, age, interests, language, distance, availability, intensity, waiting)]


def contributions(enc: Encoded, pc: I64, ps: I64, criteria: Criteria,
                  dist: F64 | None = None) -> F64:
    """Points per soft criterion (columns in SOFT order) for each pair."""
    if dist is None:
        dist = distances_km(enc, pc, ps)
    cols = _columns(enc, pc, ps, criteria, dist)
    weights = np.array([criteria.weight(k) for k in SOFT], dtype=np.float64)
    result: F64 = np.stack(cols, axis=1) * weights
    return result


def total_points(enc: Encoded, pc: I64, ps: I64, criteria: Criteria, dist: F64) -> F64:
    """The sum of contributions() per pair, without building the per-criterion matrix
    (the same products, summed in the same order, so the totals are identical)."""
    cols = _columns(enc, pc, ps, criteria, dist)
    total = np.zeros(pc.size, dtype=np.float64)
    for key, col in zip(SOFT, cols, strict=True):
        total += col * criteria.weight(key)
    return total


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
    criteria: Criteria
    pc: I64
    ps: I64
    score: F64
    dist: F64
    blocked_code: dict[int, int]  # client index -> blocking HARD index (clients with no pair)
    candidates: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # allowed per client
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def contrib(self) -> F64:
        """Points per criterion of every allowed pair (n_pairs x len(SOFT))."""
        return self.contributions_of(np.arange(self.pc.size))

    def contributions_of(self, pairs: I64) -> F64:
        return contributions(self.enc, self.pc[pairs], self.ps[pairs], self.criteria,
                             self.dist[pairs])


def score_encoded(enc: Encoded, criteria: Criteria) -> Scored:
    t1 = time.perf_counter()
    pc, ps = candidate_pairs(enc)
    dist = distances_km(enc, pc, ps)
    code = first_failure(enc, pc, ps, criteria, dist, check_site=False)
    allowed = code == OK
    n_c = enc.n_clients
    # Progressive filtering: a client's blocking constraint is the last one any candidate
    # reaches, i.e. the largest first-failure index among its candidates.
    candidates = np.bincount(pc[allowed], minlength=n_c).astype(np.int64)
    worst = np.full(n_c, -1, dtype=np.int64)
    np.maximum.at(worst, pc, code)
    blocked = {int(i): (int(worst[i]) if worst[i] >= 0 else 0)  # no candidate at all: site
               for i in np.flatnonzero(candidates == 0)}
    pc, ps, dist = pc[allowed], ps[allowed], dist[allowed]
    score = total_points(enc, pc, ps, criteria, dist)
    return Scored(enc, criteria, pc, ps, score, dist, blocked, candidates,
                  timings={"score": time.perf_counter() - t1})


def score_pairs(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn],
                criteria: Criteria) -> Scored:
    t0 = time.perf_counter()
    enc = encode(clients, supporters, criteria)
    t1 = time.perf_counter()
    sc = score_encoded(enc, criteria)
    sc.timings = {"encode": t1 - t0, **sc.timings}
    return sc


def unmatched_detail(enc: Encoded, i: int, code: str, criteria: Criteria,
                     candidates: int) -> dict[str, Any]:
    """What an unmatched reason names (site, the required language, gender, ages...)."""
    site = int(enc.c_site[i])
    detail: dict[str, Any] = {"site": enc.site_codes[site],
                              "site_name": enc.site_names[site] or enc.site_codes[site],
                              "candidates": candidates}
    if code == "language_required":
        detail["language"] = enc.c_pref_lang_name[i] if enc.c_pref_lang_name else ""
    elif code == "shared_language":
        words = tuple(int(w) for w in enc.c_lang[i])
        detail["languages"] = sorted(bit_names(words, enc.lang_names))
    elif code == "gender_required":
        detail["gender"] = enc.c_pref_gender_name[i] if enc.c_pref_gender_name else ""
    elif code == "age_required":
        lo, hi = float(enc.c_age_min[i]), float(enc.c_age_max[i])
        detail["age_min"] = None if np.isnan(lo) else int(lo)
        detail["age_max"] = None if np.isnan(hi) else int(hi)
    elif code == "distance":
        detail["km"] = criteria.max_distance_km
    return detail


def bit_names(words: tuple[int, ...], names: list[str]) -> list[str]:
    out = []
    for w, word in enumerate(words):
        while word:
            low = word & -word
            out.append(names[w * 64 + low.bit_length() - 1])
            word ^= low
    return out


def next_best(sc: Scored, client: int, exclude: int, k: int = 3) -> list[int]:
    """Up to k allowed pairs of one client, best score first (ties: canonical supporter
    order), leaving out supporter `exclude`."""
    lo, hi = np.searchsorted(sc.pc, [client, client + 1])
    pairs = np.arange(lo, hi)
    pairs = pairs[sc.ps[pairs] != exclude]
    units = integer_scores(sc.score[pairs], sc.criteria)
    order = np.lexsort((sc.ps[pairs], -units))
    return [int(p) for p in pairs[order[:k]]]


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
        out: F64 = np.round(self.scored.contributions_of(self.chosen), 2)
        return out

    @functools.cached_property
    def proposals(self) -> list[Proposed]:
        sc = self.scored
        if sc is None or not self.chosen.size:
            return []
        enc = sc.enc
        scores = self.proposal_scores().tolist()
        points = self.proposal_points().tolist()
        out = []
        for pair, score, row in zip(self.chosen.tolist(), scores, points, strict=True):
            client, supporter = int(sc.pc[pair]), int(sc.ps[pair])
            alt_pairs = (next_best(sc, client, supporter, self.alternatives)
                         if self.alternatives else [])
            out.append(Proposed(
                client_key=enc.c_key[client], supporter_key=enc.s_key[supporter],
                score=score, contributions=dict(zip(SOFT, row, strict=True)),
                alternatives=[(enc.s_key[int(sc.ps[p])], round(float(sc.score[p]), 2))
                              for p in alt_pairs],
                pair=pair, alternative_pairs=alt_pairs))
        return out


def run_encoded(enc: Encoded, criteria: Criteria, alternatives: int = 0,
                scored: Scored | None = None) -> Result:
    """Propose the best assignment for encoded clients and supporters (see module doc)."""
    sc = scored or score_encoded(enc, criteria)
    n_c, n_s = enc.n_clients, enc.n_supporters
    units = integer_scores(sc.score, criteria)
    t0 = time.perf_counter()
    sol = solve(n_c, n_s, sc.pc, sc.ps, units, capacities(enc, criteria))
    t1 = time.perf_counter()
    if not sol.status_ok:  # pragma: no cover - the graph is always feasible (bypass arcs)
        raise RuntimeError("min-cost flow did not find the optimum")
    chosen = np.flatnonzero(sol.chosen > 0)  # by client (pairs are in canonical order)
    result = Result(scored=sc, chosen=chosen, objective=sol.objective,
                    allowed_pairs=int(sc.pc.size), alternatives=alternatives)
    result.total_score = float(np.round(sc.score[chosen], 2).sum())
    matched = np.zeros(n_c, dtype=bool)
    matched[sc.pc[chosen]] = True
    for i in np.flatnonzero(~matched).tolist():
        if i in sc.blocked_code:
            code = HARD[sc.blocked_code[i]]
            candidates = 0
        else:
            code, candidates = OUTCOMPETED, int(sc.candidates[i])
        result.unmatched.append(Unmatched(enc.c_key[i], code, unmatched_detail(
            enc, i, code, criteria, candidates)))
    result.timings = {**sc.timings, "solve": t1 - t0, "report": time.perf_counter() - t1}
    return result


def run(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn], criteria: Criteria,
        alternatives: int = 3) -> Result:
    """Propose the best assignment of `clients` to `supporters` under `criteria`."""
    t0 = time.perf_counter()
    enc = encode(clients, supporters, criteria)
    t1 = time.perf_counter()
    result = run_encoded(enc, criteria, alternatives)
    result.timings = {"encode": t1 - t0, **result.timings}
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
