"""Groups: schedule them (one-off or weekly), take attendance once they have started, or record
one after the fact with its attendance (decision 0024)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients.models import CLOSED_STATUSES, Client, Enrolment, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupporterProfile

from ..models import MAX_CONTACT_MINUTES, Activity, Contact, GroupSession, Mode, Outcome, Setting
from .common import CLOCK_SKEW, CONTACT_LOG, audit
from .contacts import ContactDetails, validate_contact

MAX_WEEKS = 26  # a series is planned for a season at most; plan the next one later


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


@dataclass
class GroupPlan:
    """A group to come: once, or every week for `weeks` weeks at the same time."""

    site: ProgramSite
    kind: str
    topic: str
    starts_at: datetime
    duration_minutes: int
    facilitators: list[SupporterProfile]
    note: str = ""
    weeks: int = 1


def _check_group(site: ProgramSite, kind: str, topic: str, duration: int,
                 facilitators: list[SupporterProfile]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in GroupSession.Kind.values:
        errors["kind"] = [_("Choose on-ward or community.")]
    if not topic.strip():
        errors["topic"] = [_("Give the group's topic.")]
    if not 1 <= duration <= MAX_CONTACT_MINUTES:
        errors["duration_minutes"] = [_("Enter a length between 1 minute and 12 hours.")]
    if not facilitators:
        errors["facilitators"] = [_("Name at least one facilitator.")]
    elif any(not f.sites.filter(pk=site.pk).exists() for f in facilitators):
        errors["facilitators"] = [_("Facilitators must serve this site.")]
    return errors


def _check_attendees(site: ProgramSite, attendees: list[Client]) -> dict[str, list[str]]:
    if not attendees:
        return {"attendees": [_("Tick the clients who came.")]}
    ids = {c.pk for c in attendees}
    of_site = set(Enrolment.objects.filter(client_id__in=ids, site=site)
                  .exclude(status__in=CLOSED_STATUSES).values_list("client_id", flat=True))
    if ids - of_site:
        return {"attendees": [_("Only clients of this site can be recorded as attending.")]}
    return {}


@transaction.atomic
def group_schedule(*, actor: Actor, plan: GroupPlan) -> list[GroupSession]:
    """Schedule a group to come (weekly: one session per week, one series). Nobody attends
    yet; the sessions appear in the facilitators' calendar feeds."""
    if actor.user is None:
        raise ValidationError(_("A group is scheduled by a person."))
    errors = _check_group(plan.site, plan.kind, plan.topic, plan.duration_minutes,
                          plan.facilitators)
    if plan.starts_at < timezone.now() - CLOCK_SKEW:
        errors["starts_at"] = [_("Schedule a group to come; record one that happened with "
                                 "its attendance instead.")]
    if not 1 <= plan.weeks <= MAX_WEEKS:
        errors["weeks"] = [_("Repeat for 1 to %(n)d weeks.") % {"n": MAX_WEEKS}]
    if errors:
        raise ValidationError(errors)
    series = uuid.uuid4() if plan.weeks > 1 else None
    sessions = []
    for week in range(plan.weeks):
        # The same wall-clock time each week, across a change to or from daylight time.
        local = timezone.localtime(plan.starts_at).replace(tzinfo=None) + timedelta(weeks=week)
        session = GroupSession.objects.create(
            site=plan.site, kind=plan.kind, topic=plan.topic.strip(),
            starts_at=timezone.make_aware(local), duration_minutes=plan.duration_minutes,
            note=plan.note.strip(), created_by=actor.user, series=series)
        session.facilitators.set(plan.facilitators)
        sessions.append(session)
    record(who=actor.who, category="group", action="schedule",
           detail=f"group:{sessions[0].public_id} weeks:{plan.weeks}")
    return sessions


def _attendance(actor: Actor, session: GroupSession, attendees: list[Client],
                activities: list[str], facilitators: list[SupporterProfile]) -> None:
    """One contact per client present, for the client's own supporter when they facilitated,
    else for the first facilitator."""
    matches = {m.client_id: m for m in Match.objects.filter(
        client__in=attendees, site=session.site, status=Match.Status.ACTIVE)}
    facilitator_ids = {f.pk for f in facilitators}
    setting = Setting.WARD if session.kind == GroupSession.Kind.ON_WARD else Setting.COMMUNITY
    contacts = []
    for client in attendees:
        match = matches.get(client.pk)
        if match is not None and match.supporter_id in facilitator_ids:
            supporter_id = match.supporter_id
        else:
            supporter_id = facilitators[0].pk
        contacts.append(Contact(
            client=client, match=match, supporter_id=supporter_id, site=session.site,
            occurred_at=session.starts_at, duration_minutes=session.duration_minutes,
            mode=Mode.IN_PERSON, setting=setting, is_group=True, group_session=session,
            activities=sorted(set(activities)), outcome=Outcome.MET, note="",
            logged_by=actor.user))
    Contact.objects.bulk_create(contacts)
    session.attendance_taken_at = timezone.now()
    session.save(update_fields=["attendance_taken_at", "updated_at"])
    audit(actor, category=CONTACT_LOG, action="create_group", subjects=attendees,
          detail=f"group:{session.public_id}")


@transaction.atomic
def group_attendance_record(*, actor: Actor, session: GroupSession, attendees: list[Client],
                            activities: list[str] | None = None) -> GroupSession:
    """Take a scheduled group's attendance, once it has started (not before), once.

    The caller passes only attendees the actor may see (from the access layer); this checks
    that each is a client of the group's site."""
    session = GroupSession.objects.select_for_update().select_related("site").get(pk=session.pk)
    if actor.user is None:
        raise ValidationError(_("Attendance is taken by a person."))
    if session.starts_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("Attendance is taken once the group has started."))
    if session.attendance_taken_at is not None:
        raise ValidationError(_("The attendance of this group is already recorded."))
    errors = _check_attendees(session.site, attendees)
    if errors:
        raise ValidationError(errors)
    _attendance(actor, session, attendees, activities or [Activity.EMOTIONAL_SUPPORT.value],
                list(session.facilitators.order_by("pk")))
    return session


@transaction.atomic
def group_session_record(*, actor: Actor, details: GroupDetails) -> GroupSession:
    """Record a group that happened and its attendance: one Contact (is_group=True) per client
    present.

    The caller passes only attendees the actor may see (from the access layer); this checks
    that each is a client of the group's site.
    """
    if actor.user is None:
        raise ValidationError(_("A group is recorded by a person."))
    errors = _check_group(details.site, details.kind, details.topic, details.duration_minutes,
                          details.facilitators)
    errors.pop("duration_minutes", None)  # the contact's own check below says it
    probe = ContactDetails(occurred_at=details.starts_at, duration_minutes=details.duration_minutes,
                           setting=Setting.COMMUNITY, activities=details.activities)
    try:
        validate_contact(probe, match=None)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault("starts_at" if key == "occurred_at" else key, []).extend(messages)
    errors.update(_check_attendees(details.site, details.attendees))
    if errors:
        raise ValidationError(errors)
    session = GroupSession.objects.create(
        site=details.site, kind=details.kind, topic=details.topic.strip(),
        starts_at=details.starts_at, duration_minutes=details.duration_minutes,
        note=details.note.strip(), created_by=actor.user)
    session.facilitators.set(details.facilitators)
    _attendance(actor, session, details.attendees, details.activities, details.facilitators)
    return session
