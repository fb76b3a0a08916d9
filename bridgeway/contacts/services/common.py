"""What the contacts writes share: the clock's tolerance, audit categories, the audit call, and
the site a client is followed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bridgeway.audit.writer import record
from bridgeway.clients.models import CLOSED_STATUSES, Client, Enrolment
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite

# A phone's clock may run a little ahead of the server's; more than this is "in the future".
CLOCK_SKEW = timedelta(minutes=5)

# Audit categories (the values of access.categories.Info; plain strings keep this module
# below the access layer's imports).
CONTACT_LOG = "contact_log"
CONTACT_NOTES = "contact_notes"
GOALS = "goals"


def audit(actor: Actor, *, category: str, action: str, client: Client | None = None,
           detail: str = "", subjects: Sequence[Client] = ()) -> None:
    record(who=actor.who, category=category, action=action,
           client_public_id=client.public_id if client else None, detail=detail,
           subjects=[c.public_id for c in subjects])



def client_site(client: Client) -> ProgramSite | None:
    enrolment = (Enrolment.objects.filter(client=client).exclude(status__in=CLOSED_STATUSES)
                 .select_related("site").order_by("-referred_on").first())
    return enrolment.site if enrolment else None
