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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients import services as client_services
from bridgeway.clients.events import Event
from bridgeway.clients.models import Enrolment, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupporterProfile

from . import engine, explain
from .criteria import Criteria
from .models import MatchingCriteria, MatchingRun, MatchNotice, Proposal, UnmatchedReport
from .selectors import MATCHABLE, criteria_for_site, load_inputs, waitlist

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
    run: MatchingRun | None  # None for a dry run
    result: engine.Result
    summary: dict[str, Any]
    proposals: list[ProposalRow] = field(default_factory=list)
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # (key, code, reason)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class ProposalRow:
    """A proposal to write (plain data: a run may hold tens of thousands)."""

    enrolment_id: int
    supporter_id: int
    site_id: int
    score: float
    contributions: dict[str, float]
    reason: str
    alternatives: list[dict[str, Any]]


def build_rows(*, result: engine.Result, inputs: Any, criteria: Criteria,
               site_of: dict[str, int]) -> tuple[list[ProposalRow], list[tuple[str, str, str]]]:
    """Proposals with their reasons and alternatives; unmatched clients' reasons in words."""
    names = inputs.supporter_names
    # The same few phrases are translated tens of thousands of times in a large run.
    tr = functools.lru_cache(maxsize=4096)(_)
    pairs = [p.pair for p in result.proposals]
    texts = (explain.reasons_for_pairs(result.scored, pairs, criteria, tr)
             if result.scored is not None and pairs else [])
    reason_of = dict(zip(pairs, texts, strict=True))
    rows: list[ProposalRow] = []
    for p in result.proposals:
        # Alternatives keep who and how well; their reasons are written when a page shows
        # them (selectors.explained_alternatives), from the records as they are then.
        alternatives = [{"supporter": key, "name": names.get(key, ""), "score": score}
                        for key, score in p.alternatives]
        rows.append(ProposalRow(
            enrolment_id=inputs.enrolment_ids[p.client_key],
            supporter_id=inputs.supporter_ids[p.supporter_key],
            site_id=site_of[p.client_key], score=p.score, contributions=p.contributions,
            reason=reason_of.get(p.pair, ""), alternatives=alternatives))
    unmatched = [(u.client_key, u.code, explain.unmatched_reason(u.code, u.detail, tr))
                 for u in result.unmatched]
    return rows, unmatched


PROPOSAL_COLUMNS = ["public_id", "created_at", "updated_at", "run_id", "enrolment_id",
                    "supporter_id", "site_id", "score", "contributions", "reason", "alternatives",
                    "status", "decision_note"]


def write_proposals(run: MatchingRun, rows: list[ProposalRow]) -> None:
    """Insert proposals in bulk: COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        Proposal.objects.bulk_create([
            Proposal(run=run, enrolment_id=r.enrolment_id, supporter_id=r.supporter_id,
                     site_id=r.site_id, score=r.score, contributions=r.contributions,
                     reason=r.reason, alternatives=r.alternatives) for r in rows], batch_size=2000)
        return
    now = timezone.now()
    table = Proposal._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(f"COPY {table} ({', '.join(PROPOSAL_COLUMNS)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((uuid.uuid4(), now, now, run.pk, r.enrolment_id, r.supporter_id,
                                r.site_id, r.score, json.dumps(r.contributions), r.reason,
                                json.dumps(r.alternatives), Proposal.Status.PROPOSED, ""))


def summarise(result: engine.Result, unmatched: list[tuple[str, str, str]]) -> dict[str, Any]:
    n = len(result.proposals)
    return {
        "clients": n + len(result.unmatched),
        "matched": n,
        "unmatched": len(result.unmatched),
        "unmatched_by_reason": dict(Counter(reason for _k, _c, reason in unmatched)),
        "mean_score": round(result.total_score / n, 2) if n else 0.0,
        "allowed_pairs": result.allowed_pairs,
    }


@transaction.atomic
def matching_run(*, actor: Actor, site: ProgramSite, enrolment: Enrolment | None = None,
                 dry_run: bool = False, progress: Progress = _noop) -> RunOutcome:
    """Run the engine for the site's waitlist (or one client) and store its proposals.

    Open proposals for the same clients are superseded. A dry run stores nothing but still
    audits that the waitlist was read.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress(_("Loading the waitlist"), 0, 4)
    if enrolment is not None:
        if enrolment.site_id != site.id:
            raise ValidationError(_("This client is not enrolled at this site."))
        if enrolment.status not in MATCHABLE or enrolment.matches.filter(
                status=Match.Status.ACTIVE).exists():
            raise ValidationError(_("This client is not waiting for a peer supporter."))
        enrolments = Enrolment.objects.filter(pk=enrolment.pk)
    else:
        enrolments = waitlist(site)
    criteria = criteria_for_site(site)
    inputs = load_inputs(enrolments, [site])
    timings["load"] = time.perf_counter() - t0
    progress(_("Scoring and solving"), 1, 4)
    t1 = time.perf_counter()
    result = engine.run(inputs.clients, inputs.supporters, criteria)
    timings["solve"] = time.perf_counter() - t1
    progress(_("Writing proposals"), 2, 4)
    t2 = time.perf_counter()
    run = None
    if not dry_run:
        run = MatchingRun.objects.create(
            site=site, created_by=actor.user, parameters=criteria.snapshot(),
            single_enrolment=enrolment, dry_run=False)
    site_of = {c.key: site.id for c in inputs.clients}
    rows, unmatched = build_rows(result=result, inputs=inputs, criteria=criteria,
                                 site_of=site_of)
    summary = summarise(result, unmatched)
    if run is not None:
        Proposal.objects.filter(enrolment_id__in=inputs.enrolment_ids.values(),
                                status=Proposal.Status.PROPOSED).update(
            status=Proposal.Status.SUPERSEDED, decided_at=timezone.now())
        write_proposals(run, rows)
        UnmatchedReport.objects.bulk_create([
            UnmatchedReport(run=run, enrolment_id=inputs.enrolment_ids[key], code=code,
                            reason=reason) for key, code, reason in unmatched], batch_size=2000)
        run.summary = summary
        run.save(update_fields=["summary", "updated_at"])
    record(who=actor.who, category="match", action="dry_run" if dry_run else "propose",
           subjects=list(enrolments.values_list("client__public_id", flat=True)),
           detail=f"site:{site.code} run:{run.public_id if run else '-'} "
                  f"matched:{summary['matched']} unmatched:{summary['unmatched']}")
    timings["write"] = time.perf_counter() - t2
    progress(_("Done"), 4, 4)
    return RunOutcome(run, result, summary, rows, unmatched, timings)


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
                     supporter: SupporterProfile | None = None, note: str = "") -> Match:
    """Create the match (atomically, capacity-checked under a row lock) and notify."""
    proposal = _lock_open(proposal)
    chosen = supporter or proposal.supporter
    if chosen.pk != proposal.supporter_id:  # a swap: the proposal now records the alternative
        alternative: dict[str, Any] = next((a for a in proposal.alternatives
                                            if a.get("supporter") == str(chosen.public_id)), {})
        proposal.supporter = chosen
        proposal.score = float(alternative.get("score", 0.0))
        proposal.contributions, proposal.reason = _pair_explained(proposal, chosen)
    match = client_services.match_create(actor=actor, enrolment=proposal.enrolment,
                                         supporter=chosen)
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
    """Approve one of the proposal's alternatives instead of the proposed supporter."""
    locked = _lock_open(proposal)
    alternative: dict[str, Any] | None = next(
        (a for a in locked.alternatives if a.get("supporter") == supporter_key), None)
    if alternative is None:
        raise ValidationError({"supporter": _("Choose one of the listed alternatives.")})
    supporter = SupporterProfile.objects.filter(public_id=supporter_key).first()
    if supporter is None:
        raise ValidationError({"supporter": _("This peer supporter no longer exists.")})
    previous = str(locked.supporter)
    return proposal_approve(actor=actor, proposal=locked, supporter=supporter,
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
