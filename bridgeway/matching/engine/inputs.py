"""What the engine reads: clients and supporters, as objects (the pure API) or as columns.

`ClientIn`/`SupporterIn` are one record per person, for tests, explanations and "why not?".
A run works on a `Pool`: the same facts as numpy columns, one entry per client or supporter
in canonical (key) order, built either by `encode` from the objects or straight from the
database by selectors.bulk (no Python object per client). Both give identical pools.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .bits import B, bits_of, optional, vocabulary, without_bits
from .rules import Criteria
from .types import ClientColumns, ClientIn, Pool, SupporterColumns, SupporterIn

# Genders for which "both men" / "both women"… is said and same-gender points are given.
KNOWN_GENDERS = ("man", "woman", "non_binary", "two_spirit")
NO_GENDER = -3  # wanted_gender when the client names none


def _flags(values: Sequence[bool]) -> B:
    return np.array(values, dtype=bool)


def encode(clients: Sequence[ClientIn], supporters: Sequence[SupporterIn],
           criteria: Criteria) -> Pool:
    """The pool of these clients and supporters (canonical order: by key)."""
    site_language = criteria.site_language
    cs = sorted(clients, key=lambda c: c.key)
    ss = sorted(supporters, key=lambda s: s.key)
    sites = vocabulary([frozenset({c.site}) for c in cs], [s.sites for s in ss])
    site_name = {c.site: c.site_name or c.site for c in cs}
    langs = vocabulary([c.languages for c in cs], [s.languages for s in ss],
                       [frozenset({c.pref_language} - {""}) for c in cs])
    interests = vocabulary([c.interests for c in cs], [s.interests for s in ss])
    slots = vocabulary([c.availability for c in cs], [s.availability for s in ss])
    genders = {g: i for i, g in enumerate(sorted({c.gender for c in cs} | {s.gender for s in ss}
                                                 | {c.pref_gender for c in cs}))}
    s_index = {s.key: j for j, s in enumerate(ss)}
    n_s = len(ss)
    forbidden = sorted(i * n_s + s_index[k] for i, c in enumerate(cs) for k in c.do_not_rematch
                       if k in s_index)
    members = sorted((sites[code], j) for j, s in enumerate(ss) for code in s.sites)
    known = {genders[g] for g in KNOWN_GENDERS if g in genders}
    c_gender = np.array([genders[c.gender] for c in cs], dtype=np.int64)
    c_langs = bits_of([c.languages for c in cs], langs)
    has_range = [c.pref_age_min is not None or c.pref_age_max is not None for c in cs]
    client_cols = ClientColumns(
        key=[c.key for c in cs],
        site=np.array([sites[c.site] for c in cs], dtype=np.int64),
        age=optional([c.age for c in cs]),
        gender=c_gender,
        gender_disclosed=np.isin(c_gender, list(known)),
        languages=c_langs,
        languages_besides_site=without_bits(c_langs, [langs[site_language]]
                                            if site_language in langs else []),
        speaks_any_language=_flags([bool(c.languages) for c in cs]),
        interests=bits_of([c.interests for c in cs], interests),
        availability=bits_of([c.availability for c in cs], slots),
        lat=optional([c.lat for c in cs]), lon=optional([c.lon for c in cs]),
        wanted_gender=np.array([genders[c.pref_gender] if c.pref_gender else NO_GENDER
                                for c in cs], dtype=np.int64),
        wants_gender=_flags([bool(c.pref_gender) and c.pref_gender_strength != "none"
                             for c in cs]),
        requires_gender=_flags([bool(c.pref_gender) and c.pref_gender_strength == "required"
                                for c in cs]),
        age_min=optional([c.pref_age_min for c in cs]),
        age_max=optional([c.pref_age_max for c in cs]),
        wants_age_range=_flags([c.pref_age_strength != "none" and r
                                for c, r in zip(cs, has_range, strict=True)]),
        requires_age_range=_flags([c.pref_age_strength == "required" and r
                                   for c, r in zip(cs, has_range, strict=True)]),
        wanted_language=np.array([langs[c.pref_language] if c.pref_language
                                  and c.pref_language_strength != "none" else -1 for c in cs],
                                 dtype=np.int64),
        requires_language=_flags([bool(c.pref_language) and c.pref_language_strength == "required"
                                  for c in cs]),
        intensive=_flags([c.intensive for c in cs]),
        waiting_days=np.array([c.waiting_days for c in cs], dtype=np.float64),
        priority=_flags([c.priority for c in cs]),
        wanted_language_name=[c.pref_language for c in cs],
        wanted_gender_name=[c.pref_gender for c in cs],
    )
    supporter_cols = SupporterColumns(
        key=[s.key for s in ss],
        age=optional([s.age for s in ss]),
        gender=np.array([genders[s.gender] for s in ss], dtype=np.int64),
        languages=bits_of([s.languages for s in ss], langs),
        interests=bits_of([s.interests for s in ss], interests),
        availability=bits_of([s.availability for s in ss], slots),
        lat=optional([s.lat for s in ss]), lon=optional([s.lon for s in ss]),
        active=_flags([s.active for s in ss]),
        trained=_flags([s.trained for s in ss]),
        paid=_flags([s.paid for s in ss]),
        free_places=np.array([s.free_places for s in ss], dtype=np.int64),
        free_by_hours=np.array([-1 if s.free_by_hours is None else s.free_by_hours for s in ss],
                               dtype=np.int64),
    )
    return Pool(
        clients=client_cols, supporters=supporter_cols,
        member_site=np.array([m[0] for m in members], dtype=np.int64),
        member_supporter=np.array([m[1] for m in members], dtype=np.int64),
        site_codes=list(sites), site_names=[site_name.get(code, code) for code in sites],
        language_names=list(langs), interest_names=list(interests), gender_names=list(genders),
        forbidden=np.array(forbidden, dtype=np.int64),
        client_objects=cs, supporter_objects=ss,
    )
