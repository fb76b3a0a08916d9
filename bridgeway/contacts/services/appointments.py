"""Appointments: plan one, record how it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.clients.models import Client, Match
from bridgeway.core.actors import Actor

from ..models import MAX_CONTACT_MINUTES, Activity, Appointment, Mode, Outcome, Setting
from .common import CLOCK_SKEW, CONTACT_LOG, audit
from .contacts import ContactDetails, active_match_for, contact_log


@dataclass
class AppointmentDetails:
    starts_at: datetime
    place: str
    purpose: str
    duration_minutes: int = 60
    reminder_minutes: int = Appointment.Reminder.HOUR_1
    consent_to_accompany: bool = False


@transaction.atomic
def appointment_create(*, actor: Actor, client: Client, details: AppointmentDetails,
                       match: Match | None = None) -> Appointment:
    if actor.user is None:
        raise ValidationError(_("An appointment is planned by a person."))
    match = match or active_match_for(client)
    if match is None:
        raise ValidationError(_("This client has no active peer supporter to accompany them."))
    if actor.role == "peer_supporter" and match.supporter.user_id != actor.user.pk:
        raise ValidationError(_("You can plan appointments only for clients matched with you."))
    errors: dict[str, list[str]] = {}
    if not details.consent_to_accompany:
        errors["consent_to_accompany"] = [
            _("Ask the client first: a supporter accompanies them only with their consent.")]
    if not details.place.strip():
        errors["place"] = [_("Say where the appointment is.")]
    if not details.purpose.strip():
        errors["purpose"] = [_("Say what the appointment is for.")]
    if not 0 < details.duration_minutes <= MAX_CONTACT_MINUTES:
        errors["duration_minutes"] = [_("Enter a length between 1 and 720 minutes.")]
    if details.reminder_minutes not in Appointment.Reminder.values:
        errors["reminder_minutes"] = [_("Choose a reminder from the list.")]
    if details.starts_at < timezone.now() - timedelta(days=1):
        errors["starts_at"] = [_("Plan appointments from today on; log past ones as contacts.")]
    if errors:
        raise ValidationError(errors)
    appointment = Appointment.objects.create(
        client=client, match=match, supporter=match.supporter, site=match.site,
        starts_at=details.starts_at, duration_minutes=details.duration_minutes,
        place=details.place.strip(), purpose=details.purpose.strip(),
        reminder_minutes=details.reminder_minutes, consent_to_accompany=True,
        created_by=actor.user)
    audit(actor, category=CONTACT_LOG, action="create_appointment", client=client,
           detail=f"appointment:{appointment.public_id}")
    return appointment


@transaction.atomic
def appointment_record_outcome(*, actor: Actor, appointment: Appointment, outcome: str,
                               note: str = "", log_contact: bool = True) -> Appointment:
    """After the appointment: how it went; if attended together, log it as a contact too."""
    if outcome not in Appointment.Outcome.values or outcome == Appointment.Outcome.PLANNED:
        raise ValidationError({"outcome": _("Choose how the appointment went.")})
    if appointment.outcome != Appointment.Outcome.PLANNED:
        raise ValidationError({"outcome": _("The outcome of this appointment is already recorded.")})
    if outcome in (Appointment.Outcome.ATTENDED, Appointment.Outcome.MISSED) and (
            appointment.starts_at > timezone.now() + CLOCK_SKEW):
        raise ValidationError({"outcome": _("This appointment has not happened yet.")})
    appointment.outcome = outcome
    appointment.outcome_note = note.strip()
    if log_contact and outcome in (Appointment.Outcome.ATTENDED, Appointment.Outcome.MISSED):
        match = appointment.match if appointment.match and appointment.match.status == "active" else None
        appointment.contact = contact_log(
            actor=actor, client=appointment.client, match=match,
            details=ContactDetails(
                occurred_at=appointment.starts_at, duration_minutes=appointment.duration_minutes,
                mode=Mode.IN_PERSON, setting=Setting.APPOINTMENT,
                activities=[Activity.ADVOCACY.value],
                outcome=Outcome.MET if outcome == Appointment.Outcome.ATTENDED else Outcome.NO_SHOW,
                note=note))
    appointment.save(update_fields=["outcome", "outcome_note", "contact", "updated_at"])
    audit(actor, category=CONTACT_LOG, action="appointment_outcome", client=appointment.client,
           detail=f"appointment:{appointment.public_id}:{outcome}")
    return appointment
