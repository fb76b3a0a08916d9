"""Small builders for safety tests (contacts at a day offset, discharges, proposals)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bridgeway.clients.models import HospitalStay
from bridgeway.contacts.models import Contact
from bridgeway.safety.services.scan import scan_run

TODAY = dt.date(2026, 6, 17)  # a Wednesday
NOW = dt.datetime(2026, 6, 17, 21, 0, tzinfo=dt.UTC)


def day(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=offset)


def at(offset: int, hour: int = 12) -> dt.datetime:
    """Noon (local) `offset` days before TODAY."""
    local = dt.datetime.combine(day(offset), dt.time(hour), tzinfo=timezone.get_current_timezone())
    return local


def contact(world, offset: int, *, outcome: str = "met", setting: str = "community",
            minutes: int = 60, client=None, supporter=None, match=None) -> Contact:
    client = client or world.client_a
    supporter = supporter or world.supporter
    return Contact.objects.create(
        client=client, match=match or world.match_a, supporter=supporter,
        site=world.site_a, occurred_at=at(offset), duration_minutes=minutes, setting=setting,
        outcome=outcome, logged_by=supporter.user)


def set_match_start(world, offset: int) -> None:
    world.match_a.started_on = day(offset)
    world.match_a.save(update_fields=["started_on"])


def discharge(world, offset: int, admitted: int | None = None) -> HospitalStay:
    stay = world.enrolment_a.stay
    stay.admitted_on = day(admitted if admitted is not None else offset + 10)
    stay.discharged_on = day(offset)
    stay.save()
    return stay


def scan(today: dt.date = TODAY):
    return scan_run(today=today, now=NOW if today == TODAY else
                    dt.datetime.combine(today, dt.time(21), tzinfo=dt.UTC))


def rules_open(world=None) -> set[tuple[str, str]]:
    from bridgeway.safety.models import Alert

    return {(a.rule, a.severity) for a in Alert.objects.exclude(status="resolved")}
