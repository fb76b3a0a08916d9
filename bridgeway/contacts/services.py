"""Writes for the peer supporter's day: contacts, groups, appointments, goals, calendar feeds.

Every function is keyword-only, atomic and audited in the same transaction. Whether the actor
may act is decided before the call by the access layer (`authorize(..., Action.LOG_CONTACT)`),
which hands over the Actor; the services re-check what only they can know (the match, the
site, the clock) and raise ValidationError with field names so forms show the error in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients.models import CLOSED_STATUSES, Client, Enrolment, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupporterProfile

from .models import (
    MAX_CONTACT_MINUTES,
    Activity,
    Appointment,
    CalendarFeed,
    Contact,
    GoalDomain,
    GoalNote,
    GoalStep,
    GroupSession,
    Mode,
    Outcome,
    RecoveryGoal,
    Setting,
)

# A phone's clock may run a little ahead of the server's; more than this is "in the future".
CLOCK_SKEW = timedelta(minutes=5)

# Audit categories (the values of access.categories.Info; plain strings keep this module
# below the access layer's imports).
CONTACT_LOG = "contact_log"
CONTACT_NOTES = "contact_notes"
GOALS = "goals"


def _audit(actor: Actor, *, category: str, action: str, client: Client | None = None,
           detail: str = "", subjects: Sequence[Client] = ()) -> None:
    record(who=actor.who, category=category, action=action,
           client_public_id=client.public_id if client else None, detail=detail,
           subjects=[c.public_id for c in subjects])


@dataclass
class ContactDetails:
    """What a supporter enters for one contact (validated by `validate_contact`)."""

    occurred_at: datetime
    duration_minutes: int
    mode: str = Mode.IN_PERSON
    setting: str = Setting.COMMUNITY
    activities: list[str] = field(default_factory=list)
    outcome: str = Outcome.MET
    note: str = ""


def validate_contact(details: ContactDetails, *, match: Match | None,
                     now: datetime | None = None) -> None:
    """Field-level checks shared by the form and the service (the service always runs them)."""
    errors: dict[str, list[str]] = {}
    now = now or timezone.now()
    if details.duration_minutes is None or details.duration_minutes <= 0:
        errors.setdefault("duration_minutes", []).append(_("Enter a duration of at least 1 minute."))
    elif details.duration_minutes > MAX_CONTACT_MINUTES:
        errors.setdefault("duration_minutes", []).append(
            _("A contact lasts at most 12 hours (720 minutes)."))
    if details.occurred_at is None:
        errors.setdefault("occurred_at", []).append(_("Enter when the contact happened."))
    elif details.occurred_at > now + CLOCK_SKEW:
        errors.setdefault("occurred_at", []).append(_("A contact cannot be dated in the future."))
    if details.mode not in Mode.values:
        errors.setdefault("mode", []).append(_("Choose how you were in contact."))
    if details.setting not in Setting.values:
        errors.setdefault("setting", []).append(_("Choose where the contact happened."))
    elif details.setting == Setting.HOME and not (match is not None and match.home_visits_allowed):
        errors.setdefault("setting", []).append(
            _("Home visits are not allowed for this match. Ask your coordinator about a safety plan."))
    unknown = [a for a in details.activities if a not in Activity.values]
    if unknown:
        errors.setdefault("activities", []).append(_("Choose activities from the list."))
    if details.outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Choose what happened."))
    if errors:
        raise ValidationError(errors)


def active_match_for(client: Client, *, site: ProgramSite | None = None) -> Match | None:
    qs = Match.objects.filter(client=client, status=Match.Status.ACTIVE).select_related(
        "supporter__user", "site")
    if site is not None:
        qs = qs.filter(site=site)
    return qs.order_by("-started_on").first()


@transaction.atomic
def contact_log(*, actor: Actor, client: Client, details: ContactDetails,
                match: Match | None = None) -> Contact:
    """Log one contact. A supporter logs only for a client actively matched to them."""
    if actor.user is None:
        raise ValidationError(_("A contact is logged by a person."))
    if match is None:
        match = active_match_for(client)
    elif match.client_id != client.pk or match.status != Match.Status.ACTIVE:
        raise ValidationError(_("This match is not active for this client."))
    if actor.role == "peer_supporter" and (match is None or match.supporter.user_id != actor.user.pk):
        raise ValidationError(_("You can log contacts only for clients matched with you."))
    site = match.site if match else _client_site(client)
    if site is None:
        raise ValidationError(_("This client is not enrolled at a program site."))
    validate_contact(details, match=match)
    contact = Contact(
        client=client, match=match, supporter=match.supporter if match else None, site=site,
        occurred_at=details.occurred_at, duration_minutes=details.duration_minutes,
        mode=details.mode, setting=details.setting, is_group=False,
        activities=sorted(set(details.activities)), outcome=details.outcome,
        note=details.note.strip(), logged_by=actor.user,
    )
    contact.save()
    _audit(actor, category=CONTACT_LOG, action="create", client=client,
           detail=f"contact:{contact.public_id}")
    return contact


def _client_site(client: Client) -> ProgramSite | None:
    enrolment = (Enrolment.objects.filter(client=client).exclude(status__in=CLOSED_STATUSES)
                 .select_related("site").order_by("-referred_on").first())
    return enrolment.site if enrolment else None


@dataclass
class GroupDetails:
    site: ProgramSite
    kind: str
    topic: str
    starts_at: datetime
    duration_minutes: int
    facilitators: list[SupporterProfile]
    attendees: list[Client]
    note: str = ""
    activities: list[str] = field(default_factory=lambda: [Activity.EMOTIONAL_SUPPORT.value])


@transaction.atomic
def group_session_record(*, actor: Actor, details: GroupDetails) -> GroupSession:
    """Record a group and its attendance: one Contact (is_group=True) per client present.

    The caller passes only attendees the actor may see (from the access layer); this checks
    that each is a client of the group's site.
    """
    if actor.user is None:
        raise ValidationError(_("A group is recorded by a person."))
    errors: dict[str, list[str]] = {}
    if details.kind not in GroupSession.Kind.values:
        errors["kind"] = [_("Choose on-ward or community.")]
    if not details.topic.strip():
        errors["topic"] = [_("Give the group's topic.")]
    probe = ContactDetails(occurred_at=details.starts_at, duration_minutes=details.duration_minutes,
                           setting=Setting.COMMUNITY, activities=details.activities)
    try:
        validate_contact(probe, match=None)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault("starts_at" if key == "occurred_at" else key, []).extend(messages)
    if not details.facilitators:
        errors["facilitators"] = [_("Name at least one facilitator.")]
    elif any(not f.sites.filter(pk=details.site.pk).exists() for f in details.facilitators):
        errors["facilitators"] = [_("Facilitators must serve this site.")]
    if not details.attendees:
        errors["attendees"] = [_("Tick the clients who came.")]
    else:
        ids = {c.pk for c in details.attendees}
        of_site = set(Enrolment.objects.filter(client_id__in=ids, site=details.site)
                      .exclude(status__in=CLOSED_STATUSES).values_list("client_id", flat=True))
        if ids - of_site:
            errors["attendees"] = [_("Only clients of this site can be recorded as attending.")]
    if errors:
        raise ValidationError(errors)
    session = GroupSession.objects.create(
        site=details.site, kind=details.kind, topic=details.topic.strip(),
        starts_at=details.starts_at, duration_minutes=details.duration_minutes,
        note=details.note.strip(), created_by=actor.user)
    session.facilitators.set(details.facilitators)
    matches = {m.client_id: m for m in Match.objects.filter(
        client__in=details.attendees, site=details.site, status=Match.Status.ACTIVE)}
    facilitator_ids = {f.pk for f in details.facilitators}
    setting = Setting.WARD if details.kind == GroupSession.Kind.ON_WARD else Setting.COMMUNITY
    contacts = []
    for client in details.attendees:
        match = matches.get(client.pk)
        if match is not None and match.supporter_id in facilitator_ids:
            supporter_id = match.supporter_id
        else:
            supporter_id = details.facilitators[0].pk
        contacts.append(Contact(
            client=client, match=match, supporter_id=supporter_id, site=details.site,
            occurred_at=details.starts_at, duration_minutes=details.duration_minutes,
            mode=Mode.IN_PERSON, setting=setting, is_group=True, group_session=session,
            activities=sorted(set(details.activities)), outcome=Outcome.MET, note="",
            logged_by=actor.user))
    Contact.objects.bulk_create(contacts)
    _audit(actor, category=CONTACT_LOG, action="create_group", subjects=details.attendees,
           detail=f"group:{session.public_id}")
    return session


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
    _audit(actor, category=CONTACT_LOG, action="create_appointment", client=client,
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
    _audit(actor, category=CONTACT_LOG, action="appointment_outcome", client=appointment.client,
           detail=f"appointment:{appointment.public_id}:{outcome}")
    return appointment


# --- Recovery goals -------------------------------------------------------------------------

def _goal_note(goal: RecoveryGoal, actor: Actor, kind: str, text: str) -> GoalNote:
    assert actor.user is not None  # noqa: S101  # services below check it first
    return GoalNote.objects.create(goal=goal, kind=kind, text=text[:2000], author=actor.user)


@transaction.atomic
def goal_create(*, actor: Actor, client: Client, domain: str, title: str,
                target_date: date | None = None, steps: Sequence[str] = ()) -> RecoveryGoal:
    if actor.user is None:
        raise ValidationError(_("A goal is recorded by a person."))
    errors: dict[str, list[str]] = {}
    if domain not in GoalDomain.values:
        errors["domain"] = [_("Choose an area of life.")]
    if not title.strip():
        errors["title"] = [_("Write the goal in the client's words.")]
    if target_date is not None and target_date < timezone.localdate() - timedelta(days=365):
        errors["target_date"] = [_("The target date is too far in the past.")]
    site = _client_site(client)
    if site is None:
        errors.setdefault("title", []).append(_("This client is not enrolled at a program site."))
    if errors:
        raise ValidationError(errors)
    assert site is not None  # noqa: S101  # checked above
    goal = RecoveryGoal.objects.create(client=client, site=site, domain=domain,
                                       title=title.strip(), target_date=target_date,
                                       status=RecoveryGoal.Status.ACTIVE,
                                       status_changed_at=timezone.now(), created_by=actor.user)
    _goal_note(goal, actor, GoalNote.Kind.CREATED, goal.title)
    for position, step in enumerate(s for s in steps if s.strip()):
        GoalStep.objects.create(goal=goal, title=step.strip()[:200], position=position)
    _audit(actor, category=GOALS, action="create", client=client, detail=f"goal:{goal.public_id}")
    return goal


@transaction.atomic
def goal_step_add(*, actor: Actor, goal: RecoveryGoal, title: str,
                  due_on: date | None = None) -> GoalStep:
    if not title.strip():
        raise ValidationError({"title": _("Describe the step.")})
    position = (goal.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    step = GoalStep.objects.create(goal=goal, title=title.strip()[:200], due_on=due_on,
                                   position=position)
    _goal_note(goal, actor, GoalNote.Kind.STEP_ADDED, step.title)
    _audit(actor, category=GOALS, action="add_step", client=goal.client,
           detail=f"goal:{goal.public_id}")
    return step


@transaction.atomic
def goal_step_done(*, actor: Actor, step: GoalStep, done: bool = True,
                   on: date | None = None) -> GoalStep:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"done_on": _("A step cannot be done in the future.")})
    step.done_on = on if done else None
    step.save(update_fields=["done_on", "updated_at"])
    text = step.title if done else _("Reopened: %(step)s") % {"step": step.title}
    _goal_note(step.goal, actor, GoalNote.Kind.STEP_DONE if done else GoalNote.Kind.EDITED, text)
    _audit(actor, category=GOALS, action="step_done" if done else "step_reopen",
           client=step.goal.client, detail=f"goal:{step.goal.public_id}")
    return step


@transaction.atomic
def goal_set_status(*, actor: Actor, goal: RecoveryGoal, status: str, note: str = "") -> RecoveryGoal:
    if status not in RecoveryGoal.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == goal.status:
        raise ValidationError({"status": _("The goal already has this status.")})
    previous = goal.status
    goal.status = status
    goal.status_changed_at = timezone.now()
    goal.save(update_fields=["status", "status_changed_at", "updated_at"])
    label = RecoveryGoal.Status(status).label
    text = f"{RecoveryGoal.Status(previous).label} → {label}" + (f": {note.strip()}" if note.strip() else "")
    _goal_note(goal, actor, GoalNote.Kind.STATUS, text)
    _audit(actor, category=GOALS, action="status", client=goal.client,
           detail=f"goal:{goal.public_id}:{previous}->{status}")
    return goal


@transaction.atomic
def goal_note_add(*, actor: Actor, goal: RecoveryGoal, text: str) -> GoalNote:
    if not text.strip():
        raise ValidationError({"text": _("Write a short progress note.")})
    note = _goal_note(goal, actor, GoalNote.Kind.NOTE, text.strip())
    _audit(actor, category=GOALS, action="note", client=goal.client,
           detail=f"goal:{goal.public_id}")
    return note


# --- Calendar feed --------------------------------------------------------------------------

@transaction.atomic
def calendar_feed_create(*, actor: Actor, supporter: SupporterProfile) -> CalendarFeed:
    """A new private feed URL; any previous one stops working at once."""
    now = timezone.now()
    CalendarFeed.objects.filter(supporter=supporter, revoked_at__isnull=True).update(revoked_at=now)
    feed = CalendarFeed.objects.create(supporter=supporter)
    record(who=actor.who, category="calendar_feed", action="create", detail=f"feed:{feed.public_id}")
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor, supporter: SupporterProfile) -> int:
    count = CalendarFeed.objects.filter(supporter=supporter, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    record(who=actor.who, category="calendar_feed", action="revoke", detail=f"revoked:{count}")
    return count
