"""Candidate pairs and the hard constraints that rule pairs out.

A `Pairs` holds (client, supporter) index pairs into a Pool, with the great-circle distance
between their home areas. Pairs are always in canonical order (by client, then supporter).
"""

from __future__ import annotations

import numpy as np

from .bits import F64, I64, B, has_bit, shared_count
from .rules import HARD, OK, Criteria
from .types import Pairs, Pool


def pairs_of(pool: Pool, client: I64, supporter: I64) -> Pairs:
    return Pairs(client, supporter, distances_km(pool, client, supporter))


def candidate_pairs(pool: Pool) -> Pairs:
    """Every (client, supporter) pair where the supporter serves the client's site, in
    canonical order: clients are in key order and each site's supporters are listed in key
    order, so no sort is needed."""
    n_sites = len(pool.site_codes)
    c_site = pool.clients.site
    start = np.searchsorted(pool.member_site, np.arange(n_sites + 1))
    count = np.diff(start)[c_site] if c_site.size else np.zeros(0, np.int64)
    total = int(count.sum())
    if total == 0:
        return pairs_of(pool, np.zeros(0, np.int64), np.zeros(0, np.int64))
    client = np.repeat(np.arange(pool.n_clients, dtype=np.int64), count)
    first = np.cumsum(count) - count  # position of each client's first pair
    offset = np.arange(total, dtype=np.int64) - np.repeat(first, count)
    supporter = pool.member_supporter[np.repeat(start[:-1][c_site], count) + offset]
    return pairs_of(pool, client, supporter.astype(np.int64))


def serves(pool: Pool, client: I64, supporter: I64) -> B:
    """Whether each pair's supporter serves the client's site."""
    n_s = max(pool.n_supporters, 1)
    member = np.sort(pool.member_site * n_s + pool.member_supporter)
    out: B = np.isin(pool.clients.site[client] * n_s + supporter, member)
    return out


def distances_km(pool: Pool, client: I64, supporter: I64) -> F64:
    """Great-circle distance between home-area centroids (NaN when either is unknown)."""
    c_lat, c_lon = np.radians(pool.clients.lat), np.radians(pool.clients.lon)
    s_lat, s_lon = np.radians(pool.supporters.lat), np.radians(pool.supporters.lon)
    lat1, lat2 = c_lat[client], s_lat[supporter]
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(c_lat)[client] * np.cos(s_lat)[supporter]
         * np.sin((s_lon[supporter] - c_lon[client]) / 2) ** 2)
    out: F64 = 6371.0 * 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def capacities(pool: Pool, criteria: Criteria) -> I64:
    """Free places per supporter, limited by weekly hours when the site requires them."""
    s = pool.supporters
    cap = s.free_places.copy()
    if criteria.require_hours:
        limited = s.free_by_hours >= 0
        cap[limited] = np.minimum(cap[limited], s.free_by_hours[limited])
    out: I64 = np.maximum(cap, 0)
    return out


def first_failure(pool: Pool, pairs: Pairs, criteria: Criteria,
                  check_site: bool = True) -> I64:
    """Index into HARD of the first hard constraint each pair fails (OK when none does).

    `check_site=False` for candidate_pairs (they serve the site by construction).
    """
    c, s = pool.clients, pool.supporters
    pc, ps = pairs.client, pairs.supporter
    # Supporter-level constraints (status, training, capacity) come first in HARD: one code
    # per supporter, gathered per pair.
    s_code = np.full(pool.n_supporters, OK, dtype=np.int64)
    s_code[capacities(pool, criteria) <= 0] = HARD.index("capacity")
    if criteria.require_training:
        s_code[~s.trained] = HARD.index("training")
    s_code[~s.active] = HARD.index("status")
    code = s_code[ps]
    # Pair-level constraints, checked last to first so the first failing one is kept.
    pair_code = np.full(pc.size, OK, dtype=np.int64)
    if pool.forbidden.size:
        pair_code[np.isin(pc * pool.n_supporters + ps, pool.forbidden)] = HARD.index(
            "do_not_rematch")
    age_req = c.requires_age_range[pc]
    if age_req.any():
        s_age = s.age[ps]
        lo, hi = c.age_min[pc], c.age_max[pc]
        with np.errstate(invalid="ignore"):
            age_out = (np.isnan(s_age) | (~np.isnan(lo) & (s_age < lo))
                       | (~np.isnan(hi) & (s_age > hi)))
        pair_code[age_req & age_out] = HARD.index("age_required")
    gender_req = c.requires_gender[pc]
    if gender_req.any():
        pair_code[gender_req & (s.gender[ps] != c.wanted_gender[pc])] = HARD.index(
            "gender_required")
    if criteria.require_shared_language:
        pair_code[c.speaks_any_language[pc]
                  & (shared_count(c.languages, s.languages, pc, ps) == 0)] = (
            HARD.index("shared_language"))
    lang_req = c.requires_language[pc]
    if lang_req.any():
        pair_code[lang_req & ~has_bit(s.languages, ps, c.wanted_language[pc])] = HARD.index(
            "language_required")
    if criteria.max_distance_km is not None:
        with np.errstate(invalid="ignore"):
            pair_code[pairs.km > criteria.max_distance_km] = HARD.index("distance")  # NaN: never
    code = np.where(code == OK, pair_code, code)
    if check_site:
        code[~serves(pool, pc, ps)] = HARD.index("site")
    out: I64 = code
    return out
