"""Plain-language explanations of proposals, unmatched clients and "why not supporter X?".

Pure: every function takes `tr` (gettext in the web and CLI doors, identity in tests) and
returns text; `why_not` also takes `num`, how a score is written (the locale's decimal mark in
the doors, "54.93" in tests). Strings are marked with gettext_noop so makemessages collects them. Only the
engine's inputs are used, and none of them carries a diagnosis, so no explanation can.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .engine import (
    SOFT,
    SOFT_CRITERIA,
    SOFT_LABELS,
    ClientIn,
    Criteria,
    Pairs,
    Pool,
    Scored,
    SupporterIn,
    encode,
    evaluate_pair,
    pairs_of,
)
from .engine.words import Tr, gettext_noop, identity, join_words

Num = Callable[[float], str]


def plain(value: float) -> str:
    return f"{value:g}"


NOTHING_IN_COMMON = gettext_noop("no strong commonalities; the best fit available")

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


def reasons_for(pool: Pool, pairs: Pairs, criteria: Criteria, tr: Tr = identity) -> list[str]:
    """What each pair has in common, in words: each soft criterion's phrases, in the order
    people named them (gender, age, interests, language, distance, intensive support)."""
    parts: list[list[str]] = [[] for _ in range(len(pairs))]
    for criterion in SOFT_CRITERIA:
        if criterion.phrases is None:
            continue
        for row, phrases in zip(parts, criterion.phrases(pool, pairs, criteria, tr), strict=True):
            row += phrases
    return ["; ".join(row) if row else tr(NOTHING_IN_COMMON) for row in parts]


def reasons_for_pairs(scored: Scored, pairs: list[int], criteria: Criteria,
                      tr: Tr = identity) -> list[str]:
    """reasons_for() of some allowed pairs of one engine run (indexes into scored.pairs)."""
    return reasons_for(scored.pool, scored.pairs.take(np.asarray(pairs, dtype=np.int64)),
                       criteria, tr)


def reason(client: ClientIn, supporter: SupporterIn, criteria: Criteria,
           tr: Tr = identity) -> str:
    """The reason of one pair (the same words as a run's, through the same criteria)."""
    pool = encode([client], [supporter], criteria)
    return reasons_for(pool, pairs_of(pool, np.zeros(1, np.int64), np.zeros(1, np.int64)),
                       criteria, tr)[0]


def unmatched_reason(code: str, detail: Mapping[str, Any], tr: Tr = identity,
                     gender_label: Callable[[str], str] | None = None) -> str:
    params = dict(detail)
    params["site"] = detail.get("site_name") or detail.get("site", "")
    params.setdefault("km", "")
    params.setdefault("language", "")
    params["languages"] = join_words([str(x) for x in detail.get("languages", [])], tr)
    params["gender"] = tr(GENDER_NOUN.get(str(detail.get("gender", "")),
                                          GENDER_NOUN["undisclosed"]))
    params["age_min"] = detail.get("age_min") if detail.get("age_min") is not None else "16"
    params["age_max"] = detail.get("age_max") if detail.get("age_max") is not None else "100"
    template = UNMATCHED.get(code, UNMATCHED["outcompeted"])
    return tr(template) % params


def why_not(client: ClientIn, supporter: SupporterIn, criteria: Criteria, *,
            proposed_score: float | None, proposed_points: Mapping[str, float] | None = None,
            tr: Tr = identity, num: Num = plain) -> tuple[str | None, str, dict[str, float]]:
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
        return None, tr(gettext_noop("Allowed; scores %(score)s points.")) % {
            "score": num(total)}, points
    diff = round(proposed_score - total, 2)
    if diff > 0:
        gaps = []
        for key in SOFT:
            delta = round((proposed_points or {}).get(key, 0.0) - points.get(key, 0.0), 1)
            if delta > 0:
                gaps.append(f"{tr(SOFT_LABELS[key]).lower()} −{num(delta)}")
        text = tr(gettext_noop("Allowed, but scores %(diff)s points lower (%(score)s vs %(best)s)")) % {
            "diff": num(diff), "score": num(total), "best": num(proposed_score)}
        if gaps:
            text += ": " + ", ".join(gaps)
        return None, text, points
    return None, tr(gettext_noop(
        "Allowed and scores %(score)s points (proposed: %(best)s); the best overall assignment "
        "gives this supporter's free places to other clients.")) % {
        "score": num(total), "best": num(proposed_score)}, points
