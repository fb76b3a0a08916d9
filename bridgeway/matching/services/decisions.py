"""Writes for decisions on proposals and matches: approve, reject, swap, a match made by
hand, ending a match to re-match, the supporter's notices.

The flow is explicit: a service that creates a match (through clients.services.match_create,
which locks the supporter's row so two approvals at the same moment cannot overfill a
caseload) then tells the supporter and supersedes the client's other open proposals itself,
and writes one audit event for what it did. No hook from clients calls back up into
matching (decision 0011).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients import services as client_services
from bridgeway.clients.events import MatchAnnounced
from bridgeway.clients.models import Enrolment, Match
from bridgeway.clients.statuses import REMATCH_REASONS
from bridgeway.core.actors import Actor
from bridgeway.core.events import emit
from bridgeway.supporters.models import SupporterProfile

from .. import engine, explain
from ..models import MatchNotice, Proposal
from ..selectors import criteria_for_site, explain_proposals, load_inputs


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


def _tell_and_supersede(actor: Actor, match: Match, *, keep: Proposal | None = None) -> int:
    """After a match is created: the supporter's "new match" notice (and, through the
    MatchAnnounced event, an entry in their inbox), and the client's other open proposals
    superseded. Returns how many were superseded."""
    MatchNotice.objects.create(supporter=match.supporter, match=match)
    emit(MatchAnnounced(actor=actor, match=match))
    others = Proposal.objects.filter(enrolment_id=match.enrolment_id,
                                     status=Proposal.Status.PROPOSED)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    return others.update(status=Proposal.Status.SUPERSEDED, decided_at=timezone.now())


@transaction.atomic
def proposal_approve(*, actor: Actor, proposal: Proposal,
                     supporter: SupporterProfile | None = None, note: str = "",
                     score: float | None = None) -> Match:
    """Approve a proposal: create the match (capacity-checked under a row lock), tell the
    supporter, supersede the client's other open proposals. The reason in words is stored
    with the decision (history keeps what the coordinator read).

    Audit: the match's own event (clients.services.match_create: the match, and the client
    now matched) and one event for the decision (the proposal, the notice, what was
    superseded) — one per thing that happened."""
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
    superseded = _tell_and_supersede(actor, match, keep=proposal)
    record(who=actor.who, category="match", action="approve_proposal",
           client_public_id=proposal.enrolment.client.public_id,
           detail=f"proposal:{proposal.public_id} match:{match.public_id} "
                  f"supporter_notified superseded:{superseded}")
    return match


@transaction.atomic
def match_by_hand(*, actor: Actor, enrolment: Enrolment, supporter: SupporterProfile,
                  home_visits_allowed: bool = False) -> Match:
    """A match a coordinator makes without a proposal (the client page's "match" form):
    create it, tell the supporter, supersede the client's open proposals.

    Audit: the match's own event and one for the notice and what was superseded."""
    match = client_services.match_create(actor=actor, enrolment=enrolment, supporter=supporter,
                                         home_visits_allowed=home_visits_allowed)
    superseded = _tell_and_supersede(actor, match)
    record(who=actor.who, category="match", action="notify_supporter",
           client_public_id=match.client.public_id,
           detail=f"match:{match.public_id} superseded:{superseded}")
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


@transaction.atomic
def notices_mark_read(*, supporter: SupporterProfile) -> int:
    return MatchNotice.objects.filter(supporter=supporter, read_at__isnull=True).update(
        read_at=timezone.now())
