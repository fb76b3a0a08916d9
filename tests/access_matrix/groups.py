"""Access-matrix rows for the groups pages (decision 0024): the site's list, scheduling, and
taking attendance once a group has started."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bridgeway.contacts.models import GroupSession

from . import Row, everyone

# Who has groups at a site: its coordinators, the supporters who serve it, administrators.
GROUP_SITES = everyone(403, coord_a=200, coord_b=200, supporter=200, other_supporter=200,
                       admin=200)


def _held(w: Any) -> dict[str, Any]:
    """A group of site A that started an hour ago, facilitated by `supporter`, no attendance."""
    session = GroupSession.objects.create(
        site=w.site_a, kind="community", topic="Walk and talk", duration_minutes=60,
        starts_at=timezone.now() - timedelta(hours=1), created_by=w.coord_a)
    session.facilitators.set([w.supporter])
    return {"public_id": session.public_id}


def _schedule_data(w: Any) -> dict[str, Any]:
    start = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    return {"site": "riverside", "kind": "on_ward", "topic": "Sleep", "starts_at": start,
            "duration_minutes": "60", "weeks": "4", "facilitators": [str(w.supporter.pk)]}


ROWS = [
    Row("contacts:groups", "GET", expect=GROUP_SITES),
    Row("contacts:group_schedule", "GET", expect=GROUP_SITES),
    # coord_b has no such site (404).
    Row("contacts:group_schedule", "POST", data=_schedule_data,
        expect=everyone(403, coord_a=302, coord_b=404, supporter=302, other_supporter=302,
                        admin=302)),
    # Those who run the group (site A's coordinator, its facilitator, administrators); the site
    # lead oversees and logs nothing; another supporter of the site may look, not record.
    Row("contacts:group_attendance", "GET", _held,
        expect=everyone(403, coord_a=200, supporter=200, admin=200)),
    Row("contacts:group_attendance", "POST", _held,
        data=lambda w: {"attendees": [str(w.client_a.public_id)]},
        expect=everyone(403, coord_a=302, supporter=302, admin=302)),
]
