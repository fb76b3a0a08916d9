"""Small builders for contacts tests (on top of the shared personas in tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from bridgeway.clients.models import Client, Match
from bridgeway.contacts.models import Contact
from bridgeway.core.models import User
from tests import factories as f


def add_contact(match: Match, *, at: datetime | None = None, minutes: int = 60,
                outcome: str = "met", note: str = "", logged_by: User | None = None,
                **extra: object) -> Contact:
    return Contact.objects.create(
        client=match.client, match=match, supporter=match.supporter, site=match.site,
        occurred_at=at or timezone.now() - timedelta(hours=1), duration_minutes=minutes,
        outcome=outcome, note=note, logged_by=logged_by or match.supporter.user, **extra)


def matched_client(world, supporter=None, **client_kwargs: object) -> tuple[Client, Match]:  # type: ignore[no-untyped-def]
    """Another client at site A, enrolled, consented and actively matched."""
    client = f.ClientFactory(**client_kwargs)
    stay = f.StayFactory(client=client, ward=world.ward_a)
    enrolment = f.EnrolmentFactory(client=client, site=world.site_a, stay=stay, status="matched")
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
    match = f.MatchFactory(enrolment=enrolment, supporter=supporter or world.supporter,
                           created_by=world.coord_a)
    return client, match
