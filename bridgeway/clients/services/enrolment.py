"""An enrolment's path through the program, and the client's consent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.actors import Actor
from bridgeway.core.events import emit

from ..events import ConsentRecorded, ConsentWithdrawn
from ..models import ConsentRecord, Enrolment, Match
from ..statuses import profile_gaps
from .common import S, change_status, end_match, write_audit

# The program's path; a closed enrolment can always be re-opened ("you can always call us").
TRANSITIONS: dict[str, set[str]] = {
    S.REFERRED: {S.CONSENTED, S.DECLINED, S.WITHDRAWN},
    S.CONSENTED: {S.WAITLISTED, S.ON_HOLD, S.WITHDRAWN},
    S.WAITLISTED: {S.MATCHED, S.ON_HOLD, S.WITHDRAWN},
    S.MATCHED: {S.ACTIVE, S.ON_HOLD, S.WAITLISTED, S.FINISHED, S.WITHDRAWN},
    S.ACTIVE: {S.ON_HOLD, S.WAITLISTED, S.FINISHED, S.WITHDRAWN},
    S.ON_HOLD: {S.WAITLISTED, S.MATCHED, S.ACTIVE, S.FINISHED, S.WITHDRAWN},
    S.FINISHED: {S.WAITLISTED},
    S.WITHDRAWN: {S.WAITLISTED},
    S.DECLINED: {S.REFERRED},
}
# Statuses that need an active match, and ones that cannot keep one.
NEEDS_MATCH = {S.MATCHED, S.ACTIVE}
ENDS_MATCH = {S.FINISHED, S.WITHDRAWN, S.DECLINED, S.WAITLISTED}


@transaction.atomic
def enrolment_change_status(*, actor: Actor, enrolment: Enrolment, to_status: str,
                            reason: str) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if to_status not in TRANSITIONS.get(enrolment.status, set()):
        raise ValidationError({"to_status": _("An enrolment cannot go from “%(a)s” to “%(b)s”.")
                               % {"a": S(enrolment.status).label, "b": S(to_status).label}})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the status changes.")})
    active = enrolment.matches.filter(status=Match.Status.ACTIVE).first()
    if to_status in NEEDS_MATCH and active is None:
        raise ValidationError({"to_status": _("Match a peer supporter first.")})
    if to_status in ENDS_MATCH and active is not None:
        end_match(actor=actor, match=active, reason=_end_reason_for(to_status), note=reason,
                  do_not_rematch=False, ended_on=timezone.localdate())
    if to_status in {S.CONSENTED, S.WAITLISTED, S.MATCHED, S.ACTIVE}:
        consent = enrolment.consents.order_by("-version").first()
        if consent is None or not consent.participation:
            raise ValidationError({"to_status": _("Record the client's consent to take part first.")})
    change_status(actor=actor, enrolment=enrolment, to_status=to_status, reason=reason)
    return enrolment


def _end_reason_for(status: str) -> str:
    reasons: dict[str, str] = {S.FINISHED: Match.EndReason.COMPLETED,
                               S.WITHDRAWN: Match.EndReason.WITHDREW,
                               S.DECLINED: Match.EndReason.WITHDREW}
    return reasons.get(status, Match.EndReason.CLIENT_ASKED)


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    enrolment: Enrolment,
    participation: bool,
    share: set[str],
    note: str = "",
) -> ConsentRecord:
    """Record a new consent version; it is in force from this moment (withdrawal included)."""
    if actor.user is None:
        raise ValidationError(_("Consent is recorded by a person, not by the system."))
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    latest = enrolment.consents.order_by("-version").first()
    consent = ConsentRecord.objects.create(
        enrolment=enrolment,
        version=(latest.version + 1) if latest else 1,
        participation=participation,
        recorded_by=actor.user,
        recorded_at=timezone.now(),
        note=note[:300],
        **{f"share_{name}": (participation and name in share) for name in
           ("contact_details", "discharge_date", "stay_status", "background", "safety_notes")},
    )
    write_audit(actor, category="consent", action="record", client=enrolment.client,
                detail=f"version:{consent.version}")
    if participation and enrolment.status == S.REFERRED:
        change_status(actor=actor, enrolment=enrolment, to_status=S.CONSENTED,
                      reason=_("Consent recorded"))
    elif not participation and enrolment.is_open:
        to_status = S.DECLINED if enrolment.status == S.REFERRED else S.WITHDRAWN
        active = enrolment.matches.filter(status=Match.Status.ACTIVE).first()
        if active is not None:
            end_match(actor=actor, match=active, reason=Match.EndReason.WITHDREW,
                      note=_("Consent withdrawn"), do_not_rematch=False,
                      ended_on=timezone.localdate())
        change_status(actor=actor, enrolment=enrolment, to_status=to_status,
                      reason=_("Consent to take part withdrawn"))
        if to_status == S.WITHDRAWN:
            # The safety net tells the supporter and gives the coordinator a task (one step).
            emit(ConsentWithdrawn(actor=actor, enrolment=enrolment, ended_match=active))
    emit(ConsentRecorded(actor=actor, consent=consent))
    return consent


@transaction.atomic
def enrolment_waitlist(*, actor: Actor, enrolment: Enrolment) -> Enrolment:
    """Consent to take part and a complete profile: the client waits for a peer supporter.

    A confirmation, not a judgement: the reason is the event itself, nobody types one."""
    enrolment = Enrolment.objects.select_for_update().select_related("client").get(
        pk=enrolment.pk)
    if enrolment.status != S.CONSENTED:
        raise ValidationError(_("Only a client who has consented and waits for nothing else "
                                "goes on the waitlist this way."))
    consent = enrolment.consents.order_by("-version").first()
    if consent is None or not consent.participation:
        raise ValidationError(_("Record the client's consent to take part first."))
    gaps = profile_gaps(enrolment.client)
    if gaps:
        raise ValidationError(_("Complete the client's profile first: %(missing)s.")
                              % {"missing": ", ".join(str(g) for g in gaps)})
    change_status(actor=actor, enrolment=enrolment, to_status=S.WAITLISTED,
                  reason=_("Consent and profile complete"))
    return enrolment
