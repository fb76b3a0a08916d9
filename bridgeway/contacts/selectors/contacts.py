"""One client's contact log, as a viewer may see it (after client_for_user decided), and the
log form's starting values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from bridgeway.access import reveals
from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess
from bridgeway.clients.models import HospitalStay
from bridgeway.core.models import Role

from ..models import Contact

# --- One client (after client_for_user decided) ---------------------------------------------

def note_visible(access: ClientAccess, contact: Contact) -> bool:
    """Notes are private to the supporter who wrote them and the coordinator (and admins).

    Ward staff lack Info.CONTACT_NOTES (access.categories); a peer supporter sees only the
    notes of contacts they logged or were the supporter for, not a former supporter's.
    """
    if not access.sees(Info.CONTACT_NOTES):
        return False
    if access.role == Role.PEER_SUPPORTER:
        supporter_user = contact.supporter.user_id if contact.supporter else None
        return access.user.pk in (supporter_user, contact.logged_by_id)
    return True


@dataclass
class ContactRow:
    contact: Contact
    note: str | None  # None: not shown to this viewer


def client_contacts(access: ClientAccess, *, limit: int = 50) -> list[ContactRow]:
    if not access.sees(Info.CONTACT_LOG):
        return []
    contacts = (Contact.objects.filter(client=access.client)
                .select_related("supporter__user", "group_session")
                .order_by("-occurred_at")[:limit])
    return [ContactRow(c, c.note if note_visible(access, c) else None) for c in contacts]


def open_stay(access: ClientAccess) -> HospitalStay | None:
    """The client's open hospital stay, only if this viewer may know the client is in
    hospital now (access.reveals; ward staff: at their own hospital)."""
    return reveals.open_stay(access)


def contact_defaults(now: datetime | None = None) -> dict[str, object]:
    """Initial values for the log form: today (now, to the minute) and a fresh one-time token.

    Nothing is copied from an earlier contact: copied answers were saved unread (a community
    meeting "on the ward", a "could not reach" call lasting an hour; docs/decisions/0022)."""
    now = now or timezone.now()
    return {"occurred_at": timezone.localtime(now).replace(second=0, microsecond=0),
            "form_token": uuid.uuid4()}
