"""The building blocks every client service shares: the audit line, an enrolment's status
move (with its history row) and a match's end. Callers hold the transaction and the locks."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.events import emit

from ..events import EnrolmentStatusChanged, MatchEnded
from ..models import Client, Enrolment, EnrolmentStatus, EnrolmentStatusChange, Match

S = EnrolmentStatus


def write_audit(actor: Actor, *, category: str, action: str, client: Client,
                detail: str = "") -> None:
    record(who=actor.who, category=category, action=action, client_public_id=client.public_id,
           detail=detail)


def change_status(*, actor: Actor, enrolment: Enrolment, to_status: str, reason: str,
                  audit: bool = True) -> None:
    """Move an enrolment (its history row always; its own audit event unless the caller's
    event already says it, as match_create's does)."""
    previous = enrolment.status
    now = timezone.now()
    enrolment.status = to_status
    enrolment.status_changed_at = now
    if to_status == S.WAITLISTED:
        enrolment.waitlisted_since = now
    enrolment.save(update_fields=["status", "status_changed_at", "waitlisted_since", "updated_at"])
    EnrolmentStatusChange.objects.create(enrolment=enrolment, from_status=previous,
                                         to_status=to_status, changed_at=now, actor=actor.user,
                                         reason=reason[:300])
    if audit:
        write_audit(actor, category="enrolment", action="status", client=enrolment.client,
                    detail=f"{previous}->{to_status}")
    emit(EnrolmentStatusChanged(actor=actor, enrolment=enrolment, previous=previous))



def end_match(*, actor: Actor, match: Match, reason: str, note: str, do_not_rematch: bool,
               ended_on: date) -> Match:
    match.status = Match.Status.ENDED
    match.ended_on = ended_on
    match.end_reason = reason
    match.end_note = note[:300]
    match.do_not_rematch = do_not_rematch
    match.save(update_fields=["status", "ended_on", "end_reason", "end_note", "do_not_rematch",
                              "updated_at"])
    write_audit(actor, category="match", action="end", client=match.client,
                detail=f"match:{match.public_id}:{reason}")
    emit(MatchEnded(actor=actor, match=match))
    return match
