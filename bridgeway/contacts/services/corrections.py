"""Correcting or deleting a logged contact, keeping what it said before (docs/decisions/0022).

Who may: the supporter who logged a contact, within BRIDGEWAY_CONTACT_CORRECTION_DAYS of
logging it; a coordinator (or administrator) any contact of their site. The door has already
decided the site (`authorize(..., Action.LOG_CONTACT, site=contact.site)`), so the service
re-checks only what it alone knows: whose contact it is and how old. Every change writes a
ContactVersion holding the replaced values and an audit event, in one transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.actors import Actor
from bridgeway.core.models import Role

from ..models import Contact, ContactVersion
from .common import CONTACT_LOG, audit
from .contacts import ContactDetails, validate_contact

# Roles that may correct any contact of a site the door let them act on.
CORRECTS_ANY = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})


def correction_window() -> timedelta:
    return timedelta(days=settings.BRIDGEWAY_CONTACT_CORRECTION_DAYS)


def correctable_until(contact: Contact) -> datetime:
    return contact.created_at + correction_window()


def may_correct(*, role: str, user_id: int | None, contact: Contact,
                now: datetime | None = None) -> bool:
    """The rule for one contact, given the role the door chose (also for showing buttons)."""
    if contact.is_group:
        return False  # attendance is corrected on the group, not contact by contact
    if role in CORRECTS_ANY:
        return True
    if role != Role.PEER_SUPPORTER or user_id is None or contact.logged_by_id != user_id:
        return False
    return (now or timezone.now()) <= correctable_until(contact)


def _check(actor: Actor, contact: Contact) -> None:
    user_id = actor.user.pk if actor.user else None
    if not may_correct(role=actor.role, user_id=user_id, contact=contact):
        if contact.is_group:
            raise ValidationError(_("Group attendance is changed on the group's page."))
        raise PermissionDenied(_("Only your coordinator can change this contact now."))


def _values(contact: Contact) -> dict[str, object]:
    return {"occurred_at": contact.occurred_at.isoformat(),
            "duration_minutes": contact.duration_minutes, "mode": contact.mode,
            "setting": contact.setting, "activities": list(contact.activities or []),
            "outcome": contact.outcome, "note": contact.note}


def _keep(actor: Actor, contact: Contact, *, change: str, reason: str,
          form_token: uuid.UUID | None = None) -> ContactVersion:
    if actor.user is None:  # the callers' may_correct already refuses: never reached
        raise PermissionDenied(_("A correction is made by a person."))
    return ContactVersion.objects.create(
        contact=contact if change == ContactVersion.Change.EDITED else None,
        contact_public_id=contact.public_id, client=contact.client, site=contact.site,
        version=contact.version, change=change, values=_values(contact),
        reason=reason.strip()[:300], changed_by=actor.user, form_token=form_token)


@transaction.atomic
def contact_correct(*, actor: Actor, contact: Contact, details: ContactDetails,
                    reason: str = "", form_token: uuid.UUID | None = None) -> Contact:
    """Replace a contact's answers; the replaced ones become a ContactVersion.

    A second submit of the same correction form (same `form_token`) changes nothing."""
    contact = Contact.objects.select_for_update(of=("self",)).select_related(
        "client", "match", "site").get(pk=contact.pk)
    if form_token is not None and ContactVersion.objects.filter(form_token=form_token).exists():
        return contact
    _check(actor, contact)
    validate_contact(details, match=contact.match)
    _keep(actor, contact, change=ContactVersion.Change.EDITED, reason=reason,
          form_token=form_token)
    contact.occurred_at = details.occurred_at
    contact.duration_minutes = details.duration_minutes
    contact.mode = details.mode
    contact.setting = details.setting
    contact.activities = sorted(set(details.activities))
    contact.outcome = details.outcome
    contact.note = details.note.strip()
    contact.version += 1
    contact.corrected_at = timezone.now()
    contact.save()
    audit(actor, category=CONTACT_LOG, action="correct", client=contact.client,
          detail=f"contact:{contact.public_id}:v{contact.version}")
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor, contact: Contact, reason: str = "") -> ContactVersion:
    """Delete a contact (it no longer counts anywhere); its last values stay as a version."""
    contact = Contact.objects.select_for_update(of=("self",)).select_related("client", "site").get(
        pk=contact.pk)
    _check(actor, contact)
    kept = _keep(actor, contact, change=ContactVersion.Change.DELETED, reason=reason)
    public_id, client = contact.public_id, contact.client
    contact.delete()
    audit(actor, category=CONTACT_LOG, action="delete", client=client,
          detail=f"contact:{public_id}")
    return kept
