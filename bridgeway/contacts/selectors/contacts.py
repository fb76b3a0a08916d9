"""One client's contact log, as a viewer may see it (after client_for_user decided), and the
log form's starting values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from bridgeway.access import reveals
from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess
from bridgeway.clients.models import HospitalStay
from bridgeway.core.models import Role

from ..models import Contact, Outcome, Setting

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


def contact_defaults(access: ClientAccess, *, in_hospital: bool,
                     now: datetime | None = None) -> dict[str, object]:
    """Initial values for the log form: the viewer's last one-to-one contact with the client."""
    now = now or timezone.now()
    last = (Contact.objects.filter(client=access.client, logged_by=access.user, is_group=False)
            .order_by("-occurred_at").first())
    initial: dict[str, object] = {
        "occurred_at": timezone.localtime(now).replace(second=0, microsecond=0),
        "mode": "in_person", "setting": Setting.WARD if in_hospital else Setting.COMMUNITY,
        "duration_minutes": 60, "activities": [], "outcome": Outcome.MET,
    }
    if last is not None:
        initial.update(mode=last.mode, setting=last.setting, duration_minutes=last.duration_minutes,
                       activities=list(last.activities or []))
        if in_hospital and last.setting != Setting.WARD and last.mode == "in_person":
            initial["setting"] = Setting.WARD  # readmitted since: visits happen on the ward
        if last.setting == Setting.HOME and not (access.match and access.match.home_visits_allowed):
            initial["setting"] = Setting.COMMUNITY
    return initial
