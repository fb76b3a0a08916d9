"""What the contacts reads share: a site's zone, the start of a week, the signed-in supporter's
profile, link templates for long lists.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, time, timedelta, tzinfo

from django.urls import reverse
from django.utils import timezone

from bridgeway.core.models import ProgramSite, User
from bridgeway.supporters.models import SupporterProfile


def zone_of(site: ProgramSite | None) -> tzinfo:
    if site is not None:
        try:
            return zoneinfo.ZoneInfo(site.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_current_timezone()


def week_start(now: datetime | None = None, tz: tzinfo | None = None) -> datetime:
    """Monday 00:00 of the current week in `tz`, as an aware datetime."""
    tz = tz or timezone.get_current_timezone()
    local = timezone.localtime(now or timezone.now(), tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time.min, tzinfo=tz)



def url_template(name: str) -> str:
    """'/contacts/clients/{}/' style template for a URL taking one public_id."""
    zero = uuid.UUID(int=0)
    return reverse(name, args=[zero]).replace(str(zero), "{}")



def supporter_profile(user: User) -> SupporterProfile | None:
    if not user.is_authenticated:
        return None
    return SupporterProfile.objects.filter(user=user).select_related("user").first()
