"""Explanations for the pages: a proposal's reason in words and its next best alternatives,
and "why was this supporter not proposed?", derived from today's records."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext

from bridgeway.clients.models import Enrolment
from bridgeway.supporters.models import SupporterProfile

from .. import engine, explain
from ..models import Proposal
from .bulk import load_columns
from .engine_inputs import criteria_for_site, load_inputs


def explain_proposals(proposals: list[Proposal], alternatives: int = 3) -> dict[int, dict[str, Any]]:
    """Per proposal: its reason in words and its next best alternatives (supporter key, name,
    score, reason), derived from today's records with the site's criteria — one columnar
    load and one scoring per site, however many proposals a page shows. A decided proposal
    keeps the reason stored when it was decided."""
    out: dict[int, dict[str, Any]] = {}
    by_site: dict[int, list[Proposal]] = defaultdict(list)
    for p in proposals:
        by_site[p.site_id].append(p)
    for group in by_site.values():
        site = group[0].site
        criteria = criteria_for_site(site)
        cols = load_columns(Enrolment.objects.filter(pk__in=[p.enrolment_id for p in group]),
                            [site], criteria)
        pool = cols.pool
        sc = engine.score_pool(pool, criteria)
        row_of = {int(e): i for i, e in enumerate(cols.enrolment_id.tolist())}
        sup_of = {int(s): j for j, s in enumerate(cols.supporter_id.tolist())}
        pairs: list[tuple[Proposal, int, int]] = [
            (p, row_of[p.enrolment_id], sup_of.get(p.supporter_id, -1)) for p in group
            if p.enrolment_id in row_of]
        known = [(p, i, j) for p, i, j in pairs if j >= 0]
        texts = explain.reasons_for(pool, engine.pairs_of(
            pool, np.array([i for _p, i, _j in known], dtype=np.int64),
            np.array([j for _p, _i, j in known], dtype=np.int64)), criteria, gettext)
        reason_of = {p.pk: text for (p, _i, _j), text in zip(known, texts, strict=True)}
        alt_pairs = {p.pk: engine.next_best(sc, i, j, alternatives) for p, i, j in pairs}
        flat = [a for alts in alt_pairs.values() for a in alts]
        alt_texts = dict(zip(flat, explain.reasons_for_pairs(sc, flat, criteria, gettext)
                             if flat else [], strict=True))
        ids = {int(cols.supporter_id[int(sc.pairs.supporter[a])]) for a in flat}
        names = {s.pk: str(s) for s in SupporterProfile.objects.filter(pk__in=ids)
                 .select_related("user")}
        for p in group:
            rows = []
            for a in alt_pairs.get(p.pk, []):
                j = int(sc.pairs.supporter[a])
                rows.append({"supporter": pool.supporters.key[j],
                             "name": names.get(int(cols.supporter_id[j]), ""),
                             "score": round(float(sc.score[a]), 2), "reason": alt_texts[a]})
            out[p.pk] = {"reason": p.reason or reason_of.get(p.pk, ""), "alts": rows}
    return out


def _score(value: float) -> str:
    """A score in the active language ("54,93" in French), at most two decimals."""
    return number_format(Decimal(f"{round(value, 2):g}"))


def why_not(proposal: Proposal, supporter_key: str, *, tr: Any) -> tuple[
        str, str | None, str, dict[str, float]] | None:
    """Why was this supporter not proposed? (name, blocking code, sentence, points)."""
    inputs = load_inputs(Enrolment.objects.filter(pk=proposal.enrolment_id), [proposal.site])
    target = next((s for s in inputs.supporters if s.key == supporter_key), None)
    if target is None or not inputs.clients:
        return None
    name = inputs.supporter_names[target.key]
    if target.key == str(proposal.supporter.public_id):
        return name, None, tr("This is the proposed supporter."), {}
    code, text, points = explain.why_not(
        inputs.clients[0], target, criteria_for_site(proposal.site),
        proposed_score=proposal.score, proposed_points=proposal.contributions, tr=tr,
        num=_score)
    return name, code, text, points
