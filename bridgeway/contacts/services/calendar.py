"""A supporter's private calendar feed: create (revoking the previous one) and revoke."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.supporters.models import SupporterProfile

from ..models import CalendarFeed

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
