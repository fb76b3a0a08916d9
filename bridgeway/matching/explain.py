"""Plain-language explanations of proposals, unmatched clients and "why not supporter X?".

Pure: every function takes `tr` (gettext in the web and CLI doors, identity in tests) and
returns text. Strings are marked with gettext_noop so makemessages collects them. Only the
engine's inputs are used, and none of them carries a diagnosis, so no explanation can.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .criteria import SOFT, SOFT_LABELS, Criteria, gettext_noop
from .engine import ClientIn, SupporterIn, evaluate_pair

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
        if _decade(client.age) == _decade(supporter.age):
            if client.age < 20:
                parts.append(tr(gettext_noop("both in their teens")))
            else:
                parts.append(tr(gettext_noop("both in their %(decade)ss")) % {"decade": _decade(client.age)})
        elif abs(client.age - supporter.age) <= 5:
            parts.append(tr(gettext_noop("%(years)s years apart in age"))
                         % {"years": abs(client.age - supporter.age)})
    shared = sorted(client.interests & supporter.interests, key=str.lower)
    activities = [i.lower() for i in shared if i.lower().endswith("ing")]
    topics = [i.lower() for i in shared if not i.lower().endswith("ing")]
    if activities:
        parts.append(tr(gettext_noop("both like %(interests)s")) % {"interests": _join(activities, tr)})
    if topics:
        parts.append(tr(gettext_noop("both into %(interests)s")) % {"interests": _join(topics, tr)})
    if client.pref_language and client.pref_language_strength != "none":
        spoken = [client.pref_language] if client.pref_language in supporter.languages else []
    else:
        spoken = sorted((client.languages & supporter.languages) - {criteria.site_language})
    if spoken:
        parts.append(tr(gettext_noop("both speak %(languages)s")) % {"languages": _join(spoken, tr)})
    km = distance_km(client, supporter)
    if km is not None:
        if km < 1:
            parts.append(tr(gettext_noop("less than 1 km apart")))
        else:
            parts.append(tr(gettext_noop("%(km)s km apart")) % {"km": round(km)})
    if client.intensive and supporter.paid:
        parts.append(tr(gettext_noop("a paid supporter for more intensive support")))
    return parts


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
