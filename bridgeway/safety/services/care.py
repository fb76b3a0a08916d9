"""Writes around one client's care: communication binder, bridging, pre-discharge checklist,
outreach for disengaging clients and re-opening a closed file. Keyword-only, atomic, audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients.models import (
    CLOSED_STATUSES,
    Client,
    Enrolment,
    EnrolmentStatus,
    HospitalStay,
    Match,
)
from bridgeway.clients.services import enrolment_change_status
from bridgeway.core.actors import Actor
from bridgeway.core.models import User

from ..models import (
    Alert,
    Binder,
    BinderEntry,
    Bridging,
    DischargeChecklist,
    OutreachCase,
    OutreachStep,
)


def _audit(actor: Actor, category: str, action: str, client: Client, detail: str = "") -> None:
    record(who=actor.who, category=category, action=action, client_public_id=client.public_id,
           detail=detail)


# --- binder -----------------------------------------------------------------------------

@transaction.atomic
def binder_set_in_charge(*, actor: Actor, client: Client, person: User) -> Binder:
    binder, _created = Binder.objects.select_for_update().get_or_create(client=client)
    binder.in_charge = person
    binder.save()
    _audit(actor, "binder", "in_charge", client, f"user:{person.public_id}")
    return binder


@transaction.atomic
def binder_add_entry(*, actor: Actor, client: Client, category: str, text: str,
                     staff_only: bool = False) -> BinderEntry:
    if category not in BinderEntry.Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the entry.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("Keep an entry under 2,000 characters.")})
    if actor.user is None:
        raise ValidationError(_("Binder entries are written by a person."))
    if actor.role == "peer_supporter":
        staff_only = False  # a supporter's own entry is always visible to them
    entry = BinderEntry.objects.create(client=client, author=actor.user, author_role=actor.role,
                                       category=category, text=text.strip(),
                                       staff_only=staff_only)
    _audit(actor, "binder", "create", client, f"entry:{entry.public_id}")
    return entry


# --- bridging ---------------------------------------------------------------------------

@transaction.atomic
def bridging_start(*, actor: Actor, client: Client, staff: User, started_on: dt.date,
                   stay: HospitalStay | None = None) -> Bridging:
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("Bridging cannot start in the future.")})
    if Bridging.objects.filter(client=client, established_on__isnull=True).exists():
        raise ValidationError(_("Bridging is already under way for this client."))
    bridging = Bridging.objects.create(client=client, stay=stay, staff=staff,
                                       started_on=started_on, recorded_by=actor.user)
    _audit(actor, "binder", "bridging_start", client, f"bridging:{bridging.public_id}")
    return bridging


@transaction.atomic
def bridging_establish(*, actor: Actor, bridging: Bridging, established_on: dt.date,
                       provider: str, agency: str) -> Bridging:
    """The milestone that ends bridging: a relationship with a community provider."""
    bridging = Bridging.objects.select_for_update().select_related("client").get(pk=bridging.pk)
    if bridging.established_on is not None:
        raise ValidationError(_("Bridging has already ended."))
    errors = {}
    if established_on > timezone.localdate():
        errors["established_on"] = _("This date is in the future.")
    elif established_on < bridging.started_on:
        errors["established_on"] = _("This is before bridging started.")
    if not provider.strip():
        errors["provider"] = _("Name the community provider.")
    if not agency.strip():
        errors["agency"] = _("Name the agency.")
    if errors:
        raise ValidationError(errors)
    bridging.established_on = established_on
    bridging.provider = provider.strip()[:200]
    bridging.agency = agency.strip()[:200]
    bridging.save(update_fields=["established_on", "provider", "agency", "updated_at"])
    _audit(actor, "binder", "bridging_established", bridging.client,
           f"bridging:{bridging.public_id}")
    return bridging


# --- pre-discharge checklist ------------------------------------------------------------

@transaction.atomic
def checklist_update(*, actor: Actor, stay: HospitalStay, met_on_ward_on: dt.date | None,
                     community_plan_agreed_on: dt.date | None,
                     first_meeting_on: dt.date | None) -> DischargeChecklist:
    today = timezone.localdate()
    errors = {}
    if met_on_ward_on and (met_on_ward_on > today or met_on_ward_on < stay.admitted_on):
        errors["met_on_ward_on"] = _("Give a date during the stay, not in the future.")
    if community_plan_agreed_on and community_plan_agreed_on > today:
        errors["community_plan_agreed_on"] = _("This date is in the future.")
    if errors:
        raise ValidationError(errors)
    checklist, _created = DischargeChecklist.objects.select_for_update().get_or_create(
        stay=stay, defaults={"client_id": stay.client_id})
    checklist.met_on_ward_on = met_on_ward_on
    checklist.community_plan_agreed_on = community_plan_agreed_on
    checklist.first_meeting_on = first_meeting_on
    checklist.updated_by = actor.user
    checklist.save()
    _audit(actor, "discharge_date", "checklist", stay.client, f"stay:{stay.public_id}")
    return checklist


# --- outreach ---------------------------------------------------------------------------

def _open_enrolment(client: Client) -> Enrolment | None:
    return (client.enrolments.exclude(status__in=CLOSED_STATUSES)
            .order_by("-status_changed_at").first())


@transaction.atomic
def outreach_open(*, actor: Actor, client: Client, alert: Alert | None = None) -> OutreachCase:
    enrolment = _open_enrolment(client)
    if enrolment is None:
        raise ValidationError(_("This client has no open enrolment to reach out about."))
    existing = OutreachCase.objects.filter(client=client, closed_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            case = OutreachCase.objects.create(client=client, enrolment=enrolment, alert=alert,
                                               opened_by=actor.user)
    except IntegrityError as exc:  # opened at the same moment by someone else
        raise ValidationError(_("Outreach is already open for this client.")) from exc
    _audit(actor, "enrolment", "outreach_open", client, f"outreach:{case.public_id}")
    return case


@transaction.atomic
def outreach_add_step(*, actor: Actor, case: OutreachCase, taken_on: dt.date, method: str,
                      reached: bool = False, note: str = "") -> OutreachStep:
    if case.closed_at is not None:
        raise ValidationError(_("This outreach is closed."))
    if method not in OutreachStep.Method.values:
        raise ValidationError({"method": _("Choose what was tried.")})
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("This date is in the future.")})
    step = OutreachStep.objects.create(case=case, taken_on=taken_on, method=method,
                                       reached=reached, note=note[:300], by=actor.user)
    _audit(actor, "enrolment", "outreach_step", case.client, f"outreach:{case.public_id}")
    return step


# What each outcome does to the enrolment (reasons recorded in its history).
OUTCOME_REASONS = {
    OutreachCase.Outcome.DECLINED: "Declined further support (outreach)",
    OutreachCase.Outcome.LOST: "Lost to follow-up (outreach)",
    OutreachCase.Outcome.WITHDREW: "Withdrew from the program (outreach)",
}


@transaction.atomic
def outreach_close(*, actor: Actor, case: OutreachCase, outcome: str,
                   note: str = "") -> OutreachCase:
    """Record the outcome; it feeds the enrolment status.

    re-engaged: an on-hold client becomes active again (or waitlisted without a supporter);
    declined, lost to follow-up, withdrew: the enrolment is withdrawn with that reason, and
    can be re-opened later with one action ("you can always call us").
    """
    case = OutreachCase.objects.select_for_update().select_related("client", "enrolment").get(
        pk=case.pk)
    if case.closed_at is not None:
        raise ValidationError(_("This outreach is already closed."))
    if outcome not in OutreachCase.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    enrolment = Enrolment.objects.get(pk=case.enrolment_id)
    if outcome == OutreachCase.Outcome.RE_ENGAGED:
        if enrolment.status == EnrolmentStatus.ON_HOLD:
            has_match = enrolment.matches.filter(status=Match.Status.ACTIVE).exists()
            enrolment_change_status(
                actor=actor, enrolment=enrolment,
                to_status=EnrolmentStatus.ACTIVE if has_match else EnrolmentStatus.WAITLISTED,
                reason="Re-engaged (outreach)")
    elif enrolment.is_open:
        enrolment_change_status(actor=actor, enrolment=enrolment,
                                to_status=EnrolmentStatus.WITHDRAWN,
                                reason=OUTCOME_REASONS[OutreachCase.Outcome(outcome)])
    case.outcome = outcome
    case.outcome_note = note[:300]
    case.closed_at = timezone.now()
    case.save(update_fields=["outcome", "outcome_note", "closed_at", "updated_at"])
    _audit(actor, "enrolment", "outreach_close", case.client,
           f"outreach:{case.public_id} {outcome}")
    return case


@transaction.atomic
def client_reopen(*, actor: Actor, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """One action: a finished or withdrawn client is back on the waitlist."""
    if enrolment.status not in {EnrolmentStatus.FINISHED, EnrolmentStatus.WITHDRAWN}:
        raise ValidationError(_("Only a finished or withdrawn file can be re-opened."))
    if Enrolment.objects.filter(client_id=enrolment.client_id, site_id=enrolment.site_id
                                ).exclude(status__in=CLOSED_STATUSES).exists():
        raise ValidationError(_("This client already has an open file at this site."))
    enrolment = enrolment_change_status(
        actor=actor, enrolment=enrolment, to_status=EnrolmentStatus.WAITLISTED,
        reason=reason.strip() or _("Re-opened: the client got in touch again"))
    return enrolment
