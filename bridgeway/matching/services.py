"""Writes for matching: criteria, runs (proposals), approve / reject / swap, re-matching.

Keyword-only, atomic, audited in the same transaction. Permission is decided before the call
(access.policy.authorize(user, Action.MATCH, site=...)), which hands over the Actor. Creating
and ending matches always goes through bridgeway.clients.services, which locks the
supporter's row so that two approvals at the same moment cannot overfill a caseload.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from bridgeway.audit.writer import record
from bridgeway.clients import services as client_services
from bridgeway.clients.events import Event
from bridgeway.clients.models import Enrolment, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupporterProfile

from . import engine, explain
from .criteria import SOFT, Criteria
from .models import MatchingCriteria, MatchingRun, MatchNotice, Proposal, UnmatchedReport
from .selectors import (
    MATCHABLE,
    criteria_for_site,
    explain_proposals,
    load_columns,
    load_inputs,
    waitlist,
)

Progress = Callable[[str, int, int], None]

# The reasons a coordinator may give when ending a match in order to re-match.
REMATCH_REASONS = [Match.EndReason.CLIENT_ASKED, Match.EndReason.SUPPORTER_ASKED,
                   Match.EndReason.NO_RAPPORT, Match.EndReason.SUPPORTER_LEFT,
                   Match.EndReason.SAFETY]


def _noop(label: str, done: int, total: int) -> None:
    return None


@transaction.atomic
def criteria_update(*, actor: Actor, site: ProgramSite, fields: dict[str, Any]) -> MatchingCriteria:
    row, _created = MatchingCriteria.objects.select_for_update().get_or_create(site=site)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by = actor.user
    row.full_clean()
    row.save()
    record(who=actor.who, category="matching_criteria", action="update",
           detail=f"site:{site.code} fields:" + ",".join(sorted(fields))[:150])
    return row


@dataclass
class RunOutcome:
    run: MatchingRun | None  # None for a dry run (the first site's run for several sites)
    result: engine.Result
    summary: dict[str, Any]
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # (key, code, reason)
    timings: dict[str, float] = field(default_factory=dict)
    runs: list[MatchingRun] = field(default_factory=list)


def unmatched_reasons(result: engine.Result) -> list[tuple[str, str, str]]:
    """(client key, code, reason in words) per unmatched client."""
    tr = functools.lru_cache(maxsize=4096)(_)  # the same few phrases, thousands of times
    cache: dict[str, str] = {}
    out = []
    for u in result.unmatched:
        key = json.dumps([u.code, u.detail], sort_keys=True, default=str)
        if key not in cache:
            cache[key] = explain.unmatched_reason(u.code, u.detail, tr)
        out.append((u.client_key, u.code, cache[key]))
    return out


def summarise(n_clients: int, scores: list[float], allowed_pairs: int,
              unmatched: list[tuple[str, str, str]]) -> dict[str, Any]:
    n = len(scores)
    return {
        "clients": n_clients,
        "matched": n,
        "unmatched": len(unmatched),
        "unmatched_by_reason": dict(Counter(reason for _k, _c, reason in unmatched)),
        "mean_score": round(sum(scores) / n, 2) if n else 0.0,
        "allowed_pairs": allowed_pairs,
    }


def _int_array(values: NDArray[Any]) -> str:
    return "{" + ",".join(map(str, values.tolist())) + "}"


def write_proposals(*, run_ids: NDArray[np.int64], enrolment_ids: NDArray[np.int64],
                    supporter_ids: NDArray[np.int64], site_ids: NDArray[np.int64],
                    scores: NDArray[np.float64], points: NDArray[np.float64]) -> None:
    """Insert proposals in bulk. On PostgreSQL one INSERT ... SELECT over arrays (scores and
    points travel as integer hundredths; the database builds the points' JSON); elsewhere
    bulk_create."""
    now = timezone.now()
    if not enrolment_ids.size:
        return
    if connection.vendor != "postgresql":
        rows = points.tolist()
        Proposal.objects.bulk_create([
            Proposal(run_id=r, enrolment_id=e, supporter_id=s, site_id=site, score=score,
                     contributions=dict(zip(SOFT, row, strict=True)))
            for r, e, s, site, score, row in zip(
                run_ids.tolist(), enrolment_ids.tolist(), supporter_ids.tolist(),
                site_ids.tolist(), scores.tolist(), rows, strict=True)], batch_size=2000)
        return
    cents = np.rint(points * 100).astype(np.int64)
    names = [f"p{k}" for k in range(len(SOFT))]
    points_json = ", ".join(f"'{key}', t.{name}::float8 / 100" for key, name in
                            zip(SOFT, names, strict=True))
    columns = ["run_id", "enrolment_id", "supporter_id", "site_id", "score", *names]
    arrays = [run_ids, enrolment_ids, supporter_ids, site_ids,
              np.rint(scores * 100).astype(np.int64), *cents.T]
    table = Proposal._meta.db_table
    sql = (f"INSERT INTO {table} (public_id, created_at, updated_at, run_id, enrolment_id, "  # noqa: S608  # nosec B608 — names from the model; values are parameters
           f"supporter_id, site_id, score, contributions, reason, status, decision_note) "
           f"SELECT gen_random_uuid(), %s, %s, t.run_id, t.enrolment_id, t.supporter_id, "
           f"t.site_id, t.score::float8 / 100, jsonb_build_object({points_json}), '', %s, '' "
           f"FROM unnest({', '.join(['%s::bigint[]'] * len(arrays))}) "
           f"AS t({', '.join(columns)})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, Proposal.Status.PROPOSED,
                             *[_int_array(np.asarray(a)) for a in arrays]])


def _check_constraints() -> None:
    """Check the deferred foreign keys of the rows written so far now rather than at commit
    (same work, same result), so each stage's timing includes its own checks."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def write_unmatched(*, run_ids: NDArray[np.int64], enrolment_ids: NDArray[np.int64],
                    codes: list[str], reasons: list[str]) -> None:
    """Insert unmatched reports in bulk (one INSERT ... SELECT over arrays on PostgreSQL)."""
    if not codes:
        return
    if connection.vendor != "postgresql":
        UnmatchedReport.objects.bulk_create([
            UnmatchedReport(run_id=r, enrolment_id=e, code=c, reason=text) for r, e, c, text in
            zip(run_ids.tolist(), enrolment_ids.tolist(), codes, reasons, strict=True)],
            batch_size=2000)
        return
    table = UnmatchedReport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (run_id, enrolment_id, code, reason) "  # noqa: S608  # nosec B608 — model names
            f"SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[])",
            [_int_array(run_ids), _int_array(enrolment_ids), codes, reasons])


@transaction.atomic
def matching_run(*, actor: Actor, site: ProgramSite, enrolment: Enrolment | None = None,
                 dry_run: bool = False, progress: Progress = _noop) -> RunOutcome:
    """Run the engine for the site's waitlist (or one client) and store its proposals.

    Open proposals for the same clients are superseded. A dry run stores nothing but still
    audits that the waitlist was read.
    """
    if enrolment is not None:
        if enrolment.site_id != site.id:
            raise ValidationError(_("This client is not enrolled at this site."))
        if enrolment.status not in MATCHABLE or enrolment.matches.filter(
                status=Match.Status.ACTIVE).exists():
            raise ValidationError(_("This client is not waiting for a peer supporter."))
        enrolments = Enrolment.objects.filter(pk=enrolment.pk)
    else:
        enrolments = waitlist(site)
    return run_sites(actor=actor, sites=[site], enrolments=enrolments,
                     criteria=criteria_for_site(site), single_enrolment=enrolment,
                     dry_run=dry_run, progress=progress)


@transaction.atomic
def run_sites(*, actor: Actor, sites: list[ProgramSite], enrolments: QuerySet[Enrolment],
              criteria: Criteria, single_enrolment: Enrolment | None = None,
              dry_run: bool = False, progress: Progress = _noop) -> RunOutcome:
    """The run itself: `enrolments` (at `sites`) against every supporter serving one of
    `sites`, solved together under `criteria`. matching_run calls it for one site; several
    sites share one solve when their supporters serve more than one of them. Stores one
    MatchingRun per site, its proposals and unmatched reports, and one audit event.

    Proposals store their score and points per criterion; the reason in words and the next
    best alternatives are derived when a page shows them (selectors.explain_proposals) and
    the reason is stored when the proposal is decided.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress(_("Loading the waitlist"), 0, 4)
    cols = load_columns(enrolments, sites, criteria)
    timings["load"] = time.perf_counter() - t0
    progress(_("Scoring and solving"), 1, 4)
    result = engine.run_encoded(cols.enc, criteria)
    timings.update(result.timings)
    t2 = time.perf_counter()
    progress(_("Writing proposals"), 2, 4)
    sc = result.scored
    if sc is None:  # pragma: no cover - run_encoded always scores
        raise RuntimeError("no scored pairs")
    rows = sc.pc[result.chosen]
    scores = result.proposal_scores()
    unmatched = unmatched_reasons(result)
    row_of = {key: i for i, key in enumerate(cols.enc.c_key)}
    runs: list[MatchingRun] = []
    if not dry_run:
        by_site = {s.id: s for s in sites}
        present = [by_site[i] for i in sorted(set(cols.site_id.tolist()) & set(by_site))] or sites[:1]
        runs = MatchingRun.objects.bulk_create([MatchingRun(
            site=s, created_by=actor.user, parameters=criteria.snapshot(),
            single_enrolment=single_enrolment, dry_run=False) for s in present])
        run_of_site = np.zeros(int(max(s.id for s in present)) + 1, dtype=np.int64)
        for r in runs:
            run_of_site[r.site_id] = r.pk
        Proposal.objects.filter(enrolment_id__in=enrolments.order_by().values("id"),
                                status=Proposal.Status.PROPOSED).update(
            status=Proposal.Status.SUPERSEDED, decided_at=timezone.now())
        site_ids = cols.site_id[rows]
        write_proposals(run_ids=run_of_site[site_ids], enrolment_ids=cols.enrolment_id[rows],
                        supporter_ids=cols.supporter_id[sc.ps[result.chosen]],
                        site_ids=site_ids, scores=scores, points=result.proposal_points())
        _check_constraints()
        timings["write"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        u_rows = np.array([row_of[key] for key, _c, _r in unmatched], dtype=np.int64)
        u_sites = cols.site_id[u_rows].tolist()
        write_unmatched(run_ids=run_of_site[cols.site_id[u_rows]],
                        enrolment_ids=cols.enrolment_id[u_rows],
                        codes=[c for _k, c, _r in unmatched],
                        reasons=[r for _k, _c, r in unmatched])
        # each site's run keeps its own summary
        clients_at = Counter(cols.site_id.tolist())
        scores_at: dict[int, list[float]] = defaultdict(list)
        for site_id, score in zip(site_ids.tolist(), scores.tolist(), strict=True):
            scores_at[site_id].append(score)
        unmatched_at: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for site_id, item in zip(u_sites, unmatched, strict=True):
            unmatched_at[site_id].append(item)
        for r in runs:
            r.summary = summarise(clients_at[r.site_id], scores_at[r.site_id],
                                  result.allowed_pairs, unmatched_at[r.site_id])
        MatchingRun.objects.bulk_update(runs, ["summary"], batch_size=500)
        _check_constraints()
        timings["unmatched"] = time.perf_counter() - t3
    summary = summarise(cols.enc.n_clients, scores.tolist(), result.allowed_pairs, unmatched)
    t4 = time.perf_counter()
    run = runs[0] if runs else None
    record(who=actor.who, category="match", action="dry_run" if dry_run else "propose",
           subjects=[uuid.UUID(x) for x in cols.client_public_id],
           detail=f"site:{','.join(s.code for s in sites)[:60]} "
                  f"run:{run.public_id if run else '-'} "
                  f"matched:{summary['matched']} unmatched:{summary['unmatched']}")
    _check_constraints()
    timings["audit"] = time.perf_counter() - t4
    progress(_("Done"), 4, 4)
    return RunOutcome(run, result, summary, unmatched, timings, runs)


def _lock_open(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related(
        "enrolment__client", "supporter", "site").get(pk=proposal.pk)
    if locked.status != Proposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    return locked


def _pair_explained(proposal: Proposal, supporter: SupporterProfile) -> tuple[dict[str, float], str]:
    """Points per criterion and the reason of one pair, from today's records."""
    inputs = load_inputs(Enrolment.objects.filter(pk=proposal.enrolment_id), [proposal.site])
    target = next((s for s in inputs.supporters if s.key == str(supporter.public_id)), None)
    if not inputs.clients or target is None:
        return {}, ""
    criteria = criteria_for_site(proposal.site)
    _code, points = engine.evaluate_pair(inputs.clients[0], target, criteria)
    return points, explain.reason(inputs.clients[0], target, criteria, _)


@transaction.atomic
def proposal_approve(*, actor: Actor, proposal: Proposal,
                     supporter: SupporterProfile | None = None, note: str = "",
                     score: float | None = None) -> Match:
    """Create the match (atomically, capacity-checked under a row lock) and notify. The
    reason in words is stored with the decision (history keeps what the coordinator read)."""
    proposal = _lock_open(proposal)
    chosen = supporter or proposal.supporter
    points, reason = _pair_explained(proposal, chosen)
    if chosen.pk != proposal.supporter_id:  # a swap: the proposal now records the alternative
        proposal.supporter = chosen
        proposal.score = float(score if score is not None else round(sum(points.values()), 2))
        proposal.contributions = points
    proposal.reason = reason or proposal.reason
    match = client_services.match_create(
        actor=actor, enrolment=proposal.enrolment, supporter=chosen,
        require_training=criteria_for_site(proposal.site).require_training)
    proposal.status = Proposal.Status.APPROVED
    proposal.decided_at = timezone.now()
    proposal.decided_by = actor.user
    proposal.decision_note = note[:300]
    proposal.match = match
    proposal.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "match",
                                 "supporter", "score", "contributions", "reason", "updated_at"])
    record(who=actor.who, category="match", action="approve_proposal",
           client_public_id=proposal.enrolment.client.public_id,
           detail=f"proposal:{proposal.public_id} match:{match.public_id}")
    return match


@transaction.atomic
def proposal_reject(*, actor: Actor, proposal: Proposal, note: str = "") -> Proposal:
    proposal = _lock_open(proposal)
    proposal.status = Proposal.Status.REJECTED
    proposal.decided_at = timezone.now()
    proposal.decided_by = actor.user
    proposal.decision_note = note[:300]
    proposal.save(update_fields=["status", "decided_at", "decided_by", "decision_note",
                                 "updated_at"])
    record(who=actor.who, category="match", action="reject_proposal",
           client_public_id=proposal.enrolment.client.public_id,
           detail=f"proposal:{proposal.public_id}")
    return proposal


@transaction.atomic
def proposal_swap(*, actor: Actor, proposal: Proposal, supporter_key: str) -> Match:
    """Approve one of the proposal's next best alternatives (as they are now) instead."""
    locked = _lock_open(proposal)
    alternatives = explain_proposals([locked]).get(locked.pk, {}).get("alts", [])
    alternative: dict[str, Any] | None = next(
        (a for a in alternatives if a.get("supporter") == supporter_key), None)
    if alternative is None:
        raise ValidationError({"supporter": _("Choose one of the listed alternatives.")})
    supporter = SupporterProfile.objects.filter(public_id=supporter_key).first()
    if supporter is None:
        raise ValidationError({"supporter": _("This peer supporter no longer exists.")})
    previous = str(locked.supporter)
    return proposal_approve(actor=actor, proposal=locked, supporter=supporter,
                            score=float(alternative["score"]),
                            note=_("Swapped from %(name)s") % {"name": previous})


@transaction.atomic
def match_end_for_rematch(*, actor: Actor, match: Match, reason: str, note: str = "",
                          do_not_rematch: bool = False) -> Match:
    """End a match so the client can be matched again (back on the waitlist, with priority)."""
    if reason not in REMATCH_REASONS:
        raise ValidationError({"reason": _("Choose a reason.")})
    ended = client_services.match_end(actor=actor, match=match, reason=reason, note=note,
                                      do_not_rematch=do_not_rematch)
    MatchNotice.objects.filter(match=ended, read_at__isnull=True).update(read_at=timezone.now())
    return ended


def on_match_created(event: Event) -> None:
    """Any new match (from a proposal or made by hand) notifies its supporter in the app and
    supersedes other open proposals for the same client."""
    match: Match = event.obj
    MatchNotice.objects.create(supporter=match.supporter, match=match)
    Proposal.objects.filter(enrolment_id=match.enrolment_id,
                            status=Proposal.Status.PROPOSED).update(
        status=Proposal.Status.SUPERSEDED, decided_at=timezone.now())
    record(who=event.actor.who, category="match", action="notify_supporter",
           client_public_id=match.client.public_id, detail=f"match:{match.public_id}")


@transaction.atomic
def notices_mark_read(*, supporter: SupporterProfile) -> int:
    return MatchNotice.objects.filter(supporter=supporter, read_at__isnull=True).update(
        read_at=timezone.now())
