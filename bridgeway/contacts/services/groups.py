"""Recording a group and its attendance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bridgeway.clients.models import CLOSED_STATUSES, Client, Enrolment, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupporterProfile

from ..models import Activity, Contact, GroupSession, Mode, Outcome, Setting
from .common import CONTACT_LOG, audit
from .contacts import ContactDetails, validate_contact


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
    audit(actor, category=CONTACT_LOG, action="create_group", subjects=details.attendees,
           detail=f"group:{session.public_id}")
    return session
