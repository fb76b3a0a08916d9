"""Plain-language explanations of proposals, unmatched clients and "why not supporter X?".

Pure: every function takes `tr` (gettext in the web and CLI doors, identity in tests) and
returns text. Strings are marked with gettext_noop so makemessages collects them. Only the
engine's inputs are used, and none of them carries a diagnosis, so no explanation can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .criteria import SOFT, SOFT_LABELS, Criteria, gettext_noop
from .engine import (
    ClientIn,
    Encoded,
    Scored,
    SupporterIn,
    _has_bit,
    bit_names,
    distances_km,
    evaluate_pair,
)

Tr = Callable[[str], str]


def _identity(message: str) -> str:
    return message


BOTH_GENDER: dict[str, str] = {
    "man": gettext_noop("both men"),
    "woman": gettext_noop("both women"),
    "non_binary": gettext_noop("both non-binary"),
    "two_spirit": gettext_noop("both Two-Spirit"),
}
GENDER_NOUN: dict[str, str] = {
    "man": gettext_noop("a man"),
    "woman": gettext_noop("a woman"),
    "non_binary": gettext_noop("non-binary"),
    "two_spirit": gettext_noop("Two-Spirit"),
    "other": gettext_noop("of the gender the client asked for"),
    "undisclosed": gettext_noop("of the gender the client asked for"),
}

UNMATCHED: dict[str, str] = {
    "site": gettext_noop("no peer supporter serves %(site)s"),
    "status": gettext_noop("every peer supporter at %(site)s is paused or has left"),
    "training": gettext_noop("no active supporter at %(site)s has the site's required training"),
    "capacity": gettext_noop("no trained supporter at %(site)s has a free place"),
    "distance": gettext_noop("no supporter with a free place at %(site)s lives within %(km)s km"),
    "language_required": gettext_noop(
        "no supporter with a free place at %(site)s speaks %(language)s"),
    "shared_language": gettext_noop(
        "no supporter with a free place at %(site)s speaks %(languages)s"),
    "gender_required": gettext_noop("no supporter with a free place at %(site)s is %(gender)s"),
    "age_required": gettext_noop(
        "no supporter with a free place at %(site)s is aged %(age_min)s–%(age_max)s"),
    "do_not_rematch": gettext_noop(
        "the only suitable supporters at %(site)s are marked “do not re-match” with this client"),
    "outcompeted": gettext_noop(
        "the free places of the %(candidates)s suitable supporters at %(site)s went to other "
        "clients this run"),
}

WHY_NOT: dict[str, str] = {
    "site": gettext_noop("does not serve this client's site"),
    "status": gettext_noop("is paused or has left the program"),
    "training": gettext_noop("has not completed the site's required training"),
    "capacity": gettext_noop("has no free place (or not enough weekly hours)"),
    "distance": gettext_noop("lives more than %(km)s km away"),
    "language_required": gettext_noop("does not speak %(language)s, which the client requires"),
    "shared_language": gettext_noop("shares no language with the client"),
    "gender_required": gettext_noop("is not %(gender)s, which the client requires"),
    "age_required": gettext_noop("is outside the age range the client requires"),
    "do_not_rematch": gettext_noop("this pair was marked “do not re-match”"),
}


def _decade(age: int) -> int:
    return (age // 10) * 10


def _join(items: list[str], tr: Tr) -> str:
    if len(items) <= 1:
        return "".join(items)
    return tr(gettext_noop("%(first)s and %(last)s")) % {"first": ", ".join(items[:-1]), "last": items[-1]}


def distance_km(client: ClientIn, supporter: SupporterIn) -> float | None:
    import math

    if None in (client.lat, client.lon, supporter.lat, supporter.lon):
        return None
    lat1, lon1 = math.radians(client.lat or 0.0), math.radians(client.lon or 0.0)
    lat2, lon2 = math.radians(supporter.lat or 0.0), math.radians(supporter.lon or 0.0)
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def reason_parts(client: ClientIn, supporter: SupporterIn, criteria: Criteria,
                 tr: Tr = _identity) -> list[str]:
    """What the two have in common, in the order people named it: gender, age, interests,
    language, distance (plus intensive support from a paid supporter)."""
    parts: list[str] = []
    if client.gender == supporter.gender and client.gender in BOTH_GENDER:
        parts.append(tr(BOTH_GENDER[client.gender]))
    if client.age is not None and supporter.age is not None:
        age = _age_phrase(client.age, supporter.age, tr)
        if age:
            parts.append(age)
    parts += _interest_phrases(client.interests & supporter.interests, tr)
    if client.pref_language and client.pref_language_strength != "none":
        spoken = [client.pref_language] if client.pref_language in supporter.languages else []
    else:
        spoken = sorted((client.languages & supporter.languages) - {criteria.site_language})
    parts += _language_phrases(spoken, tr)
    km = distance_km(client, supporter)
    if km is not None:
        parts.append(_km_phrase(km, tr))
    if client.intensive and supporter.paid:
        parts.append(tr(gettext_noop("a paid supporter for more intensive support")))
    return parts


def _interest_phrases(shared_names: Iterable[str], tr: Tr) -> list[str]:
    shared = sorted(shared_names, key=str.lower)
    activities = [i.lower() for i in shared if i.lower().endswith("ing")]
    topics = [i.lower() for i in shared if not i.lower().endswith("ing")]
    out = []
    if activities:
        out.append(tr(gettext_noop("both like %(interests)s")) % {"interests": _join(activities, tr)})
    if topics:
        out.append(tr(gettext_noop("both into %(interests)s")) % {"interests": _join(topics, tr)})
    return out


def _language_phrases(spoken: list[str], tr: Tr) -> list[str]:
    if not spoken:
        return []
    return [tr(gettext_noop("both speak %(languages)s")) % {"languages": _join(spoken, tr)}]


def _km_phrase(km: float, tr: Tr) -> str:
    if km < 1:
        return tr(gettext_noop("less than 1 km apart"))
    return tr(gettext_noop("%(km)s km apart")) % {"km": round(km)}


def _age_phrase(c_age: int, s_age: int, tr: Tr) -> str | None:
    if _decade(c_age) == _decade(s_age):
        if c_age < 20:
            return tr(gettext_noop("both in their teens"))
        return tr(gettext_noop("both in their %(decade)ss")) % {"decade": _decade(c_age)}
    if abs(c_age - s_age) <= 5:
        return tr(gettext_noop("%(years)s years apart in age")) % {"years": abs(c_age - s_age)}
    return None


def reasons_for_pairs(scored: Scored, pairs: list[int], criteria: Criteria,
                      tr: Tr = _identity) -> list[str]:
    """reason() for many allowed pairs of one engine run at once."""
    idx = np.asarray(pairs, dtype=np.int64)
    return reasons_for(scored.enc, scored.pc[idx], scored.ps[idx], criteria, tr,
                       dist=scored.dist[idx])


def reasons_for(enc: Encoded, pc: NDArray[np.int64], ps: NDArray[np.int64], criteria: Criteria,
                tr: Tr = _identity, dist: NDArray[np.float64] | None = None) -> list[str]:
    """reason() for many (client, supporter) index pairs of encoded inputs at once: the
    per-pair facts are computed with numpy and the phrases cached."""
    if dist is None:
        dist = distances_km(enc, pc, ps)
    same = ((enc.c_gender[pc] == enc.s_gender[ps]) & enc.c_gender_known[pc]).tolist()
    gender = enc.c_gender[pc].tolist()
    c_age, s_age = enc.c_age[pc].tolist(), enc.s_age[ps].tolist()
    shared_int = [tuple(r) for r in (enc.c_int[pc] & enc.s_int[ps]).tolist()]
    pref = enc.c_pref_lang[pc]
    has_pref = (pref >= 0).tolist()
    pref_spoken = _has_bit(enc.s_lang, ps, pref).tolist()
    pref_list = pref.tolist()
    shared_lang = [tuple(r) for r in (enc.c_other_lang[pc] & enc.s_lang[ps]).tolist()]
    km_list = dist.tolist()
    paid_intensive = (enc.c_intensive[pc] & enc.s_paid[ps]).tolist()
    lang_names = enc.lang_names
    interest_cache: dict[tuple[int, ...], list[str]] = {}
    lang_cache: dict[tuple[int, ...], list[str]] = {}
    age_cache: dict[tuple[int, int], str | None] = {}
    gender_cache: dict[int, str] = {}
    out = []
    for k in range(pc.size):
        parts: list[str] = []
        if same[k]:
            g = gender[k]
            if g not in gender_cache:
                name = enc.gender_names[g]
                gender_cache[g] = tr(BOTH_GENDER[name]) if name in BOTH_GENDER else ""
            if gender_cache[g]:
                parts.append(gender_cache[g])
        a, b = c_age[k], s_age[k]
        if a == a and b == b:  # not NaN
            key = (int(a), int(b))
            if key not in age_cache:
                age_cache[key] = _age_phrase(key[0], key[1], tr)
            if age_cache[key]:
                parts.append(age_cache[key] or "")
        si = shared_int[k]
        if si not in interest_cache:
            interest_cache[si] = _interest_phrases(bit_names(si, enc.interest_names), tr)
        parts += interest_cache[si]
        if has_pref[k]:
            if pref_spoken[k]:
                parts += _language_phrases([lang_names[pref_list[k]]], tr)
        else:
            sl = shared_lang[k]
            if sl not in lang_cache:
                lang_cache[sl] = _language_phrases(sorted(bit_names(sl, lang_names)), tr)
            parts += lang_cache[sl]
        km = km_list[k]
        if km == km:
            parts.append(_km_phrase(km, tr))
        if paid_intensive[k]:
            parts.append(tr(gettext_noop("a paid supporter for more intensive support")))
        out.append("; ".join(parts) if parts else
                   tr(gettext_noop("no strong commonalities; the best fit available")))
    return out


def reason(client: ClientIn, supporter: SupporterIn, criteria: Criteria,
           tr: Tr = _identity) -> str:
    parts = reason_parts(client, supporter, criteria, tr)
    return "; ".join(parts) if parts else tr(gettext_noop("no strong commonalities; the best fit available"))


def unmatched_reason(code: str, detail: Mapping[str, Any], tr: Tr = _identity,
                     gender_label: Callable[[str], str] | None = None) -> str:
    params = dict(detail)
    params["site"] = detail.get("site_name") or detail.get("site", "")
    params.setdefault("km", "")
    params.setdefault("language", "")
    params["languages"] = _join([str(x) for x in detail.get("languages", [])], tr)
    params["gender"] = tr(GENDER_NOUN.get(str(detail.get("gender", "")),
                                          GENDER_NOUN["undisclosed"]))
    params["age_min"] = detail.get("age_min") if detail.get("age_min") is not None else "16"
    params["age_max"] = detail.get("age_max") if detail.get("age_max") is not None else "100"
    template = UNMATCHED.get(code, UNMATCHED["outcompeted"])
    return tr(template) % params


def why_not(client: ClientIn, supporter: SupporterIn, criteria: Criteria, *,
            proposed_score: float | None, proposed_points: Mapping[str, float] | None = None,
            tr: Tr = _identity) -> tuple[str | None, str, dict[str, float]]:
    """Why was `supporter` not proposed for `client`?

    Returns (blocking constraint or None, sentence, points of this pair per criterion).
    """
    code, points = evaluate_pair(client, supporter, criteria)
    if code is not None:
        params: dict[str, Any] = {
            "km": criteria.max_distance_km or "",
            "language": client.pref_language,
            "gender": tr(GENDER_NOUN.get(client.pref_gender, GENDER_NOUN["undisclosed"])),
        }
        return code, tr(WHY_NOT[code]) % params, points
    total = round(sum(points.values()), 2)
    if proposed_score is None:
        return None, tr(gettext_noop("Allowed; scores %(score)s points.")) % {"score": total}, points
    diff = round(proposed_score - total, 2)
    if diff > 0:
        gaps = []
        for key in SOFT:
            delta = round((proposed_points or {}).get(key, 0.0) - points.get(key, 0.0), 1)
            if delta > 0:
                gaps.append(f"{tr(SOFT_LABELS[key]).lower()} −{delta:g}")
        text = tr(gettext_noop("Allowed, but scores %(diff)s points lower (%(score)s vs %(best)s)")) % {
            "diff": f"{diff:g}", "score": f"{total:g}", "best": f"{proposed_score:g}"}
        if gaps:
            text += ": " + ", ".join(gaps)
        return None, text, points
    return None, tr(gettext_noop(
        "Allowed and scores %(score)s points (proposed: %(best)s); the best overall assignment "
        "gives this supporter's free places to other clients.")) % {
        "score": f"{total:g}", "best": f"{proposed_score:g}"}, points
