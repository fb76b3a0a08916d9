"""One contact as a viewer may see it, with its earlier versions (docs/decisions/0022).

The contact's client decides access (client_for_user, one audit event naming the contact).
Earlier versions hold the note too, so they are shown to whoever may read this contact's
note (note_visible): the supporter who logged it, the coordinator, administrators.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.dateparse import parse_datetime

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, ClientAccess, can, client_for_user
from bridgeway.core.models import Role, User

from ..models import Activity, Contact, ContactVersion, Mode, Outcome, Setting
from ..services.corrections import correctable_until, may_correct
from .contacts import note_visible


@dataclass
class EarlierVersion:
    """A replaced or deleted version, with its values ready to print."""

    version: ContactVersion
    occurred_at: datetime | None
    duration_minutes: int | None
    mode: str
    setting: str
    outcome: str
    note: str
    activity_labels: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, version: ContactVersion) -> EarlierVersion:
        v = version.values or {}
        labels = {**dict(Mode.choices), **dict(Setting.choices), **dict(Outcome.choices)}
        activities = dict(Activity.choices)
        return cls(version=version, occurred_at=parse_datetime(str(v.get("occurred_at", ""))),
                   duration_minutes=v.get("duration_minutes"),
                   mode=str(labels.get(v.get("mode", ""), "")),
                   setting=str(labels.get(v.get("setting", ""), "")),
                   outcome=str(labels.get(v.get("outcome", ""), "")),
                   note=str(v.get("note", "")),
                   activity_labels=[str(activities.get(a, a)) for a in v.get("activities") or []])


@dataclass
class ContactPage:
    access: ClientAccess
    contact: Contact
    note: str | None  # None: not shown to this viewer
    sees_versions: bool
    can_correct: bool
    correctable_until: datetime | None  # a supporter's deadline; None for coordinators
    versions: list[EarlierVersion] = field(default_factory=list)


def contact_for_user(user: User, public_id: uuid.UUID | str, *,
                     action: str = Action.VIEW) -> ContactPage:
    """The contact `public_id` if `user` may read its client's contact log (else 404/403),
    writing exactly one audit event."""
    try:
        contact = (Contact.objects.select_related("client", "supporter__user", "site", "match",
                                                  "group_session", "logged_by")
                   .get(public_id=public_id))
    except (Contact.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    access = client_for_user(user, contact.client.public_id, category=Info.CONTACT_LOG,
                             action=action, detail=f"contact:{contact.public_id}")
    if not access.sees(Info.CONTACT_LOG):
        raise Http404
    sees_versions = note_visible(access, contact)
    allowed = (can(user, Action.LOG_CONTACT, client_access=access, site=contact.site)
               and may_correct(role=access.role, user_id=user.pk, contact=contact))
    page = ContactPage(
        access=access, contact=contact,
        note=contact.note if sees_versions else None, sees_versions=sees_versions,
        can_correct=allowed,
        correctable_until=(correctable_until(contact)
                           if allowed and access.role == Role.PEER_SUPPORTER else None))
    if sees_versions and contact.was_corrected:
        page.versions = [EarlierVersion.of(v) for v in ContactVersion.objects.filter(
            contact_public_id=contact.public_id).select_related("changed_by")]
    return page


def deleted_contacts(access: ClientAccess, *, limit: int = 20) -> list[EarlierVersion]:
    """Contacts deleted from this client's log, for the coordinator (and administrators)."""
    if access.role not in (Role.COORDINATOR, Role.ADMINISTRATOR) or not access.sees(
            Info.CONTACT_NOTES):
        return []
    rows = (ContactVersion.objects.filter(client=access.client,
                                          change=ContactVersion.Change.DELETED)
            .select_related("changed_by").order_by("-created_at")[:limit])
    return [EarlierVersion.of(v) for v in rows]
