"""Writes for clients, stays, enrolments, consent and matches.

Every function is keyword-only, atomic, and writes its audit event in the same transaction.
Permission to act is decided before the call by the access layer, which hands over the Actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.models import Interest, Language, ProgramSite, Ward
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.selectors import has_required_training

from .events import Event, emit
from .identity import health_card_set
from .models import (
    CLOSED_STATUSES,
    Client,
    ConsentRecord,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    HospitalStay,
    Match,
)
from .statuses import MATCHABLE_STATUSES, REMATCH_REASONS
from .validators import check_expected_discharge

S = EnrolmentStatus
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


def _audit(actor: Actor, *, category: str, action: str, client: Client, detail: str = "") -> None:
    record(who=actor.who, category=category, action=action, client_public_id=client.public_id,
           detail=detail)


@dataclass
class ClientDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    health_card_number: str = ""
    gender: str = "undisclosed"
    pronouns: str = ""
    home_fsa: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    # Preferences for a peer supporter (each none / preferred / required).
    pref_gender: str = ""
    pref_gender_strength: str = "none"
    pref_age_min: int | None = None
    pref_age_max: int | None = None
    pref_age_strength: str = "none"
    pref_language: Language | None = None
    pref_language_strength: str = "none"


def _set_profile(client: Client, languages: list[Language] | None,
                 interests: list[Interest] | None) -> None:
    if languages is not None:
        client.languages.set(languages)
    if interests is not None:
        client.interests.set(interests)


@transaction.atomic
def client_refer(
    *,
    actor: Actor,
    site: ProgramSite,
    details: ClientDetails,
    ward: Ward,
    admitted_on: date,
    expected_discharge_on: date | None = None,
    note: str = "",
    client: Client | None = None,
    languages: list[Language] | None = None,
    interests: list[Interest] | None = None,
) -> Enrolment:
    """Ward staff or a coordinator refer an inpatient: client, current stay, enrolment."""
    if ward.hospital_id != site.hospital_id:
        raise ValidationError({"ward": _("This ward is not at the site's hospital.")})
    check_expected_discharge(admitted_on, expected_discharge_on)
    if client is None:
        fields = {k: v for k, v in details.__dict__.items() if k != "health_card_number"}
        client = Client(**fields)
        client.full_clean()
        client.save()
        _set_profile(client, languages, interests)
        if details.health_card_number:
            health_card_set(actor=actor, client=client, value=details.health_card_number,
                            source="referral")
    elif client.enrolments.filter(site=site).exclude(status__in=CLOSED_STATUSES).exists():
        raise ValidationError(_("This client already has an open referral at this site."))
    stay = client.stays.filter(hospital_id=site.hospital_id, discharged_on__isnull=True).first()
    if stay is None:
        stay = HospitalStay.objects.create(
            client=client, hospital_id=site.hospital_id, ward=ward, admitted_on=admitted_on,
            expected_discharge_on=expected_discharge_on)
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        client=client, site=site, status=S.REFERRED, status_changed_at=now,
        referred_on=timezone.localdate(), referred_by=actor.user, referral_note=note, stay=stay)
    EnrolmentStatusChange.objects.create(enrolment=enrolment, from_status="", to_status=S.REFERRED,
                                         changed_at=now, actor=actor.user, reason=_("Referred"))
    _audit(actor, category="referral", action="create", client=client,
           detail=f"enrolment:{enrolment.public_id}")
    return enrolment


@transaction.atomic
def client_update(
    *,
    actor: Actor,
    client: Client,
    fields: dict[str, Any],
    languages: list[Language] | None = None,
    interests: list[Interest] | None = None,
) -> Client:
    fields = dict(fields)
    health_card = fields.pop("health_card_number", None)
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    _set_profile(client, languages, interests)
    _audit(actor, category="identity", action="update", client=client,
           detail="fields:" + ",".join(sorted(fields))[:180])
    if health_card is not None:
        health_card_set(actor=actor, client=client, value=health_card, source="client details")
    return client


@transaction.atomic
def stay_admit(*, actor: Actor, client: Client, ward: Ward, admitted_on: date,
               expected_discharge_on: date | None = None) -> HospitalStay:
    if client.stays.filter(discharged_on__isnull=True).exists():
        raise ValidationError(_("This client already has an open hospital stay."))
    check_expected_discharge(admitted_on, expected_discharge_on)
    stay = HospitalStay.objects.create(client=client, hospital=ward.hospital, ward=ward,
                                       admitted_on=admitted_on,
                                       expected_discharge_on=expected_discharge_on)
    _audit(actor, category="stay_status", action="admit", client=client, detail=f"stay:{stay.public_id}")
    emit(Event("stay_admitted", actor, stay))
    return stay


@transaction.atomic
def stay_set_expected_discharge(*, actor: Actor, stay: HospitalStay,
                                expected_discharge_on: date | None) -> HospitalStay:
    if stay.discharged_on is not None:
        raise ValidationError(_("This stay has already ended."))
    check_expected_discharge(stay.admitted_on, expected_discharge_on)
    previous = stay.expected_discharge_on
    stay.expected_discharge_on = expected_discharge_on
    stay.save(update_fields=["expected_discharge_on", "updated_at"])
    _audit(actor, category="discharge_date", action="update", client=stay.client,
           detail=f"stay:{stay.public_id}")
    if previous != expected_discharge_on:
        emit(Event("expected_discharge_set", actor, stay, previous))
    return stay


@transaction.atomic
def stay_discharge(*, actor: Actor, stay: HospitalStay, discharged_on: date,
                   destination: str = "") -> HospitalStay:
    if stay.discharged_on is not None:
        raise ValidationError(_("This stay has already ended."))
    if discharged_on < stay.admitted_on:
        raise ValidationError({"discharged_on": _("Discharge is before admission.")})
    if discharged_on > timezone.localdate():
        raise ValidationError({"discharged_on": _("A discharge cannot be recorded in the future.")})
    stay.discharged_on = discharged_on
    stay.discharge_destination = destination
    stay.save(update_fields=["discharged_on", "discharge_destination", "updated_at"])
    _audit(actor, category="stay_status", action="discharge", client=stay.client,
           detail=f"stay:{stay.public_id}")
    emit(Event("stay_discharged", actor, stay))
    return stay


def _change_status(*, actor: Actor, enrolment: Enrolment, to_status: str, reason: str,
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
        _audit(actor, category="enrolment", action="status", client=enrolment.client,
               detail=f"{previous}->{to_status}")
    emit(Event("enrolment_status_changed", actor, enrolment, previous))


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
        _end_match(actor=actor, match=active, reason=_end_reason_for(to_status), note=reason,
                   do_not_rematch=False, ended_on=timezone.localdate())
    if to_status in {S.CONSENTED, S.WAITLISTED, S.MATCHED, S.ACTIVE}:
        consent = enrolment.consents.order_by("-version").first()
        if consent is None or not consent.participation:
            raise ValidationError({"to_status": _("Record the client's consent to take part first.")})
    _change_status(actor=actor, enrolment=enrolment, to_status=to_status, reason=reason)
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
    _audit(actor, category="consent", action="record", client=enrolment.client,
           detail=f"version:{consent.version}")
    if participation and enrolment.status == S.REFERRED:
        _change_status(actor=actor, enrolment=enrolment, to_status=S.CONSENTED,
                       reason=_("Consent recorded"))
    elif not participation and enrolment.is_open:
        to_status = S.DECLINED if enrolment.status == S.REFERRED else S.WITHDRAWN
        active = enrolment.matches.filter(status=Match.Status.ACTIVE).first()
        if active is not None:
            _end_match(actor=actor, match=active, reason=Match.EndReason.WITHDREW,
                       note=_("Consent withdrawn"), do_not_rematch=False,
                       ended_on=timezone.localdate())
        _change_status(actor=actor, enrolment=enrolment, to_status=to_status,
                       reason=_("Consent to take part withdrawn"))
    emit(Event("consent_recorded", actor, consent))
    return consent


def supporter_free_capacity(supporter: SupporterProfile) -> int:
    active = supporter.matches.filter(status=Match.Status.ACTIVE).count()
    return supporter.max_active_clients - active


@transaction.atomic
def match_create(
    *,
    actor: Actor,
    enrolment: Enrolment,
    supporter: SupporterProfile,
    started_on: date | None = None,
    home_visits_allowed: bool = False,
    require_training: bool = True,
) -> Match:
    """Assign a supporter. Locks the supporter row so concurrent approvals cannot overfill.

    Matching's services call it and then tell the supporter and supersede open proposals
    themselves (no hook calls back up; decision 0011).

    The site's required training is a hard constraint for manual matches too; matching passes
    its site criteria's `require_training` (a coordinator may turn it off there)."""
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    enrolment = Enrolment.objects.select_for_update().select_related("client", "site").get(
        pk=enrolment.pk)
    if enrolment.status not in MATCHABLE_STATUSES:
        raise ValidationError(_("Only a consented or waitlisted client can be matched."))
    if enrolment.matches.filter(status=Match.Status.ACTIVE).exists():
        raise ValidationError(_("This client already has a peer supporter."))
    if supporter.status != SupporterProfile.Status.ACTIVE:
        raise ValidationError({"supporter": _("This peer supporter is not taking new clients.")})
    if not supporter.sites.filter(pk=enrolment.site_id).exists():
        raise ValidationError({"supporter": _("This peer supporter does not serve this site.")})
    if require_training and not has_required_training(supporter, enrolment.site,
                                                      timezone.localdate()):
        raise ValidationError({"supporter": _(
            "This peer supporter has not completed the training this site requires, or it "
            "has expired.")})
    if supporter_free_capacity(supporter) <= 0:
        raise ValidationError({"supporter": _("This peer supporter has no free place.")})
    if Match.objects.filter(client=enrolment.client, supporter=supporter, do_not_rematch=True).exists():
        raise ValidationError({"supporter": _("This pair was marked not to be matched again.")})
    match = Match.objects.create(
        enrolment=enrolment, client=enrolment.client, supporter=supporter, site=enrolment.site,
        started_on=started_on or timezone.localdate(), home_visits_allowed=home_visits_allowed,
        created_by=actor.user)
    previous = enrolment.status
    enrolment.priority = False
    enrolment.save(update_fields=["priority", "updated_at"])
    _change_status(actor=actor, enrolment=enrolment, to_status=S.MATCHED,
                   reason=_("Matched with a peer supporter"), audit=False)
    # One event for one thing: the client has a supporter now (the status move is part of it).
    _audit(actor, category="match", action="create", client=enrolment.client,
           detail=f"match:{match.public_id} enrolment:{previous}->{S.MATCHED}")
    return match


def _end_match(*, actor: Actor, match: Match, reason: str, note: str, do_not_rematch: bool,
               ended_on: date) -> Match:
    match.status = Match.Status.ENDED
    match.ended_on = ended_on
    match.end_reason = reason
    match.end_note = note[:300]
    match.do_not_rematch = do_not_rematch
    match.save(update_fields=["status", "ended_on", "end_reason", "end_note", "do_not_rematch",
                              "updated_at"])
    _audit(actor, category="match", action="end", client=match.client,
           detail=f"match:{match.public_id}:{reason}")
    emit(Event("match_ended", actor, match))
    return match


@transaction.atomic
def match_end(*, actor: Actor, match: Match, reason: str, note: str = "",
              do_not_rematch: bool = False, ended_on: date | None = None) -> Match:
    match = Match.objects.select_for_update().select_related("enrolment", "client").get(pk=match.pk)
    if match.status != Match.Status.ACTIVE:
        raise ValidationError(_("This match has already ended."))
    if reason not in Match.EndReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    ended_on = ended_on or timezone.localdate()
    if ended_on < match.started_on:
        raise ValidationError({"ended_on": _("A match cannot end before it started.")})
    _end_match(actor=actor, match=match, reason=reason, note=note, do_not_rematch=do_not_rematch,
               ended_on=ended_on)
    enrolment = match.enrolment
    if reason in REMATCH_REASONS and enrolment.is_open:
        enrolment.priority = True
        enrolment.save(update_fields=["priority", "updated_at"])
        _change_status(actor=actor, enrolment=enrolment, to_status=S.WAITLISTED,
                       reason=_("Match ended: %(reason)s") % {"reason": Match.EndReason(reason).label})
    elif reason == Match.EndReason.COMPLETED and enrolment.is_open:
        _change_status(actor=actor, enrolment=enrolment, to_status=S.FINISHED,
                       reason=_("Support completed"))
    elif reason == Match.EndReason.DROPPED_OUT and enrolment.is_open:
        _change_status(actor=actor, enrolment=enrolment, to_status=S.ON_HOLD,
                       reason=_("Client dropped out"))
    return match
