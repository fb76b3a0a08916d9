"""The soft criteria: each one in one place — what it is called, its default weight, how many
points (0..1, before the weight) a pair earns, and how it reads in a proposal's reason.

To add a criterion: add a `SoftCriterion` to SOFT_CRITERIA here, its test in
tests/matching/test_engine.py, and its weight field on MatchingCriteria (a test checks that
the model, the criteria form and this list agree). The engine, the stored points, the
explanations and the pages read the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .bits import F64, has_bit, names_of, shared_count
from .types import Pairs, Pool
from .types import Spans as Criteria  # rules.Criteria, as far as a criterion reads it
from .words import Tr, gettext_noop, join_words

Points = Callable[[Pool, Pairs, Criteria], F64]
Phrases = Callable[[Pool, Pairs, Criteria, Tr], list[list[str]]]


@dataclass(frozen=True)
class SoftCriterion:
    key: str
    label: str  # marked for translation
    default_weight: int  # points for a perfect fit (documented in docs/matching.md)
    points: Points  # 0..1 per pair
    phrases: Phrases | None = None  # per pair, what the two have in common (None: says nothing)


# --------------------------------------------------------------------------- gender

BOTH_GENDER: dict[str, str] = {
    "man": gettext_noop("both men"),
    "woman": gettext_noop("both women"),
    "non_binary": gettext_noop("both non-binary"),
    "two_spirit": gettext_noop("both Two-Spirit"),
}


def _gender_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """The client's preference met scores full; without one, the same (disclosed) gender
    counts half. Per client the gender that earns points and how much, then one gather and
    compare per pair."""
    c = pool.clients
    target = np.where(c.wants_gender, c.wanted_gender, np.where(c.gender_disclosed, c.gender, -9))
    full = np.where(c.wants_gender, 1.0, 0.5)
    out: F64 = full[pairs.client] * (pool.supporters.gender[pairs.supporter]
                                     == target[pairs.client])
    return out


def _gender_phrases(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr) -> list[list[str]]:
    c, pc = pool.clients, pairs.client
    same = ((c.gender[pc] == pool.supporters.gender[pairs.supporter])
            & c.gender_disclosed[pc]).tolist()
    words = [tr(BOTH_GENDER[name]) if name in BOTH_GENDER else "" for name in pool.gender_names]
    return [[words[g]] if is_same and words[g] else []
            for is_same, g in zip(same, c.gender[pc].tolist(), strict=True)]


# --------------------------------------------------------------------------- age

def _age_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """Inside the client's age range scores full; without a range, closeness in years."""
    c, pc = pool.clients, pairs.client
    s_age = pool.supporters.age[pairs.supporter]
    lo = np.where(np.isnan(c.age_min), -np.inf, c.age_min)[pc]
    hi = np.where(np.isnan(c.age_max), np.inf, c.age_max)[pc]
    with np.errstate(invalid="ignore"):
        in_range = (s_age >= lo) & (s_age <= hi)
        closeness = np.clip(1.0 - np.abs(c.age[pc] - s_age) / criteria.age_span_years, 0.0, 1.0)
    age = np.where(c.wants_age_range[pc], in_range, closeness)
    out: F64 = np.nan_to_num(np.where(np.isnan(s_age), 0.0, age), nan=0.0)
    return out


def age_phrase(c_age: int, s_age: int, tr: Tr) -> str | None:
    decade_c, decade_s = (c_age // 10) * 10, (s_age // 10) * 10
    if decade_c == decade_s:
        if c_age < 20:
            return tr(gettext_noop("both in their teens"))
        return tr(gettext_noop("both in their %(decade)ss")) % {"decade": decade_c}
    if abs(c_age - s_age) <= 5:
        return tr(gettext_noop("%(years)s years apart in age")) % {"years": abs(c_age - s_age)}
    return None


def _age_phrases(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr) -> list[list[str]]:
    cache: dict[tuple[int, int], list[str]] = {}
    out: list[list[str]] = []
    for a, b in zip(pool.clients.age[pairs.client].tolist(),
                    pool.supporters.age[pairs.supporter].tolist(), strict=True):
        if a != a or b != b:  # NaN: an age is unknown
            out.append([])
            continue
        key = (int(a), int(b))
        if key not in cache:
            phrase = age_phrase(key[0], key[1], tr)
            cache[key] = [phrase] if phrase else []
        out.append(cache[key])
    return out


# --------------------------------------------------------------------------- interests

def _interest_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    k = max(1, criteria.interests_for_full_points)
    shared = shared_count(pool.clients.interests, pool.supporters.interests,
                          pairs.client, pairs.supporter)
    out: F64 = np.minimum(shared, k) / k
    return out


def interest_phrases(shared_names: list[str], tr: Tr) -> list[str]:
    shared = sorted(shared_names, key=str.lower)
    activities = [i.lower() for i in shared if i.lower().endswith("ing")]
    topics = [i.lower() for i in shared if not i.lower().endswith("ing")]
    out = []
    if activities:
        out.append(tr(gettext_noop("both like %(interests)s"))
                   % {"interests": join_words(activities, tr)})
    if topics:
        out.append(tr(gettext_noop("both into %(interests)s"))
                   % {"interests": join_words(topics, tr)})
    return out


def _interests_phrases(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr) -> list[list[str]]:
    rows = (pool.clients.interests[pairs.client]
            & pool.supporters.interests[pairs.supporter]).tolist()
    cache: dict[tuple[int, ...], list[str]] = {}
    out = []
    for row in rows:
        key = tuple(row)
        if key not in cache:
            cache[key] = interest_phrases(names_of(key, pool.interest_names), tr)
        out.append(cache[key])
    return out


# --------------------------------------------------------------------------- language

def _language_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """The client's preferred language spoken; without one, a shared language besides the
    site's."""
    c, s, pc, ps = pool.clients, pool.supporters, pairs.client, pairs.supporter
    wanted = c.wanted_language[pc]
    out: F64 = np.where(wanted >= 0, has_bit(s.languages, ps, wanted),
                        shared_count(c.languages_besides_site, s.languages, pc, ps) > 0
                        ).astype(np.float64)
    return out


def language_phrases(spoken: list[str], tr: Tr) -> list[str]:
    if not spoken:
        return []
    return [tr(gettext_noop("both speak %(languages)s")) % {"languages": join_words(spoken, tr)}]


def _language_phrases(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr) -> list[list[str]]:
    c, s, pc, ps = pool.clients, pool.supporters, pairs.client, pairs.supporter
    wanted = c.wanted_language[pc]
    wanted_spoken = has_bit(s.languages, ps, wanted).tolist()
    shared = (c.languages_besides_site[pc] & s.languages[ps]).tolist()
    names = pool.language_names
    cache: dict[tuple[int, ...], list[str]] = {}
    out = []
    for want, spoken, row in zip(wanted.tolist(), wanted_spoken, shared, strict=True):
        if want >= 0:
            out.append(language_phrases([names[want]], tr) if spoken else [])
            continue
        key = tuple(row)
        if key not in cache:
            cache[key] = language_phrases(sorted(names_of(key, names)), tr)
        out.append(cache[key])
    return out


# --------------------------------------------------------------------------- distance

def _distance_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """Closer home areas score more; unknown areas score nothing."""
    out: F64 = np.nan_to_num(np.clip(1.0 - pairs.km / criteria.distance_span_km, 0.0, 1.0),
                             nan=0.0)
    return out


def km_phrase(km: float, tr: Tr) -> str:
    if km < 1:
        return tr(gettext_noop("less than 1 km apart"))
    return tr(gettext_noop("%(km)s km apart")) % {"km": round(km)}


def _distance_phrases(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr) -> list[list[str]]:
    return [[km_phrase(km, tr)] if km == km else [] for km in pairs.km.tolist()]


# --------------------------------------------------------------------------- availability

def _availability_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """Overlapping day-part slots."""
    k = max(1, criteria.availability_slots_for_full_points)
    shared = shared_count(pool.clients.availability, pool.supporters.availability,
                          pairs.client, pairs.supporter)
    out: F64 = np.minimum(shared, k) / k
    return out


# --------------------------------------------------------------------------- intensity

# (standard, volunteer) 1, (standard, paid) 0.5, (intensive, volunteer) 0, (intensive, paid) 1
_INTENSITY = np.array([1.0, 0.5, 0.0, 1.0])


def _intensity_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """Intensive support goes to paid supporters; volunteers suit standard support (a paid
    supporter for standard support still half, so paid places stay free for others)."""
    out: F64 = _INTENSITY[pool.clients.intensive[pairs.client].astype(np.int64) * 2
                          + pool.supporters.paid[pairs.supporter]]
    return out


def _intensity_phrases(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr) -> list[list[str]]:
    phrase = [tr(gettext_noop("a paid supporter for more intensive support"))]
    both = (pool.clients.intensive[pairs.client] & pool.supporters.paid[pairs.supporter])
    return [phrase if x else [] for x in both.tolist()]


# --------------------------------------------------------------------------- waiting

def _waiting_points(pool: Pool, pairs: Pairs, criteria: Criteria) -> F64:
    """Long waits first; a client back after an ended match counts as waited in full."""
    c = pool.clients
    per_client = np.where(c.priority, 1.0,
                          np.clip(c.waiting_days / criteria.waiting_span_days, 0.0, 1.0))
    out: F64 = per_client[pairs.client]
    return out


# In the order explanations list them.
SOFT_CRITERIA: list[SoftCriterion] = [
    SoftCriterion("gender", gettext_noop("Gender"), 20, _gender_points, _gender_phrases),
    SoftCriterion("age", gettext_noop("Age"), 20, _age_points, _age_phrases),
    SoftCriterion("interests", gettext_noop("Shared interests"), 30, _interest_points,
                  _interests_phrases),
    SoftCriterion("language", gettext_noop("Language"), 15, _language_points,
                  _language_phrases),
    SoftCriterion("distance", gettext_noop("Distance"), 15, _distance_points, _distance_phrases),
    SoftCriterion("availability", gettext_noop("Availability"), 10, _availability_points),
    SoftCriterion("intensity", gettext_noop("Support intensity"), 10, _intensity_points,
                  _intensity_phrases),
    SoftCriterion("waiting", gettext_noop("Waiting time"), 10, _waiting_points),
]
SOFT = [c.key for c in SOFT_CRITERIA]
SOFT_LABELS = {c.key: c.label for c in SOFT_CRITERIA}
DEFAULT_WEIGHTS = {c.key: c.default_weight for c in SOFT_CRITERIA}
