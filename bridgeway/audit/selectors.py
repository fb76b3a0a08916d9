"""Reads of the audit trail for the access reports: events about a client or by a user, filtered."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, AuditSubject


@dataclass(frozen=True)
class EventFilter:
    """What the reader asked for; empty fields filter nothing."""

    outcome: str = ""  # "", "allowed" or "denied"
    date_from: date | None = None
    date_to: date | None = None
    actor_ids: tuple[uuid.UUID, ...] | None = None  # None: anyone
    actor_text: str = ""  # also matched against the stored username


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(events: QuerySet[AuditEvent], f: EventFilter) -> QuerySet[AuditEvent]:
    if f.outcome in (AuditEvent.Outcome.ALLOWED, AuditEvent.Outcome.DENIED):
        events = events.filter(outcome=f.outcome)
    if f.date_from:
        events = events.filter(occurred_at__gte=_day_start(f.date_from))
    if f.date_to:
        events = events.filter(occurred_at__lt=_day_start(f.date_to + timedelta(days=1)))
    if f.actor_ids is not None or f.actor_text:
        who = Q(actor_public_id__in=f.actor_ids or ())
        if f.actor_text:
            who |= Q(actor_username__icontains=f.actor_text)
        events = events.filter(who)
    return events.order_by("-seq")


def events_about_client(public_ids: Iterable[uuid.UUID], f: EventFilter) -> QuerySet[AuditEvent]:
    """Every event about one client, including list pages that showed them. `public_ids` are
    the client's id and the ids of the records merged into it, whose history is theirs too."""
    ids = list(public_ids)
    listed = AuditSubject.objects.filter(client_public_id__in=ids).values("event_id")
    return filtered(AuditEvent.objects.filter(Q(client_public_id__in=ids) | Q(pk__in=listed)), f)


def events_by_user(public_id: uuid.UUID, f: EventFilter) -> QuerySet[AuditEvent]:
    return filtered(AuditEvent.objects.filter(actor_public_id=public_id), f)
