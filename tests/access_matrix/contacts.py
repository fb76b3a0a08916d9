"""Access-matrix rows for bridgeway.contacts.urls (the peer supporter's day)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from bridgeway.contacts.models import (
    Appointment,
    Contact,
    GroupSession,
    RecoveryGoal,
)

from . import Row, everyone


def _client(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id}


def _now_local() -> str:
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _entry(w: Any) -> dict[str, Any]:
    contact = Contact.objects.create(
        client=w.client_a, match=w.match_a, supporter=w.supporter, site=w.site_a,
        occurred_at=timezone.now() - timedelta(hours=2), duration_minutes=30, setting="community",
        note="Coffee and a walk.", logged_by=w.supporter.user)
    return {"public_id": contact.public_id}


def _contact_data(w: Any) -> dict[str, Any]:
    return {"occurred_at": _now_local(), "duration_minutes": "45", "mode": "phone",
            "setting": "community", "outcome": "met", "activities": ["emotional_support"],
            "note": "Talked about the week."}


def _appointment(w: Any) -> dict[str, Any]:
    appt = Appointment.objects.create(
        client=w.client_a, match=w.match_a, supporter=w.supporter, site=w.site_a,
        starts_at=timezone.now() - timedelta(hours=3), place="Clinic", purpose="Follow-up",
        consent_to_accompany=True, created_by=w.supporter.user)
    return {"public_id": appt.public_id}


def _goal(w: Any) -> dict[str, Any]:
    goal = RecoveryGoal.objects.create(client=w.client_a, site=w.site_a, domain="school",
                                       title="Go back to college part time",
                                       created_by=w.supporter.user)
    return {"public_id": goal.public_id}


def _group(w: Any) -> dict[str, Any]:
    session = GroupSession.objects.create(
        site=w.site_a, kind="on_ward", topic="Coping", starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=60, created_by=w.coord_a)
    session.facilitators.set([w.supporter])
    Contact.objects.create(client=w.client_a, match=w.match_a, supporter=w.supporter,
                           site=w.site_a, occurred_at=session.starts_at, duration_minutes=60,
                           is_group=True, group_session=session, logged_by=w.coord_a)
    return {"public_id": session.public_id}


def _group_data(w: Any) -> dict[str, Any]:
    return {"site": "riverside", "kind": "on_ward", "topic": "Coping with stress",
            "starts_at": _now_local(), "duration_minutes": "60",
            "facilitators": [str(w.supporter.pk)], "attendees": [str(w.client_a.public_id)]}


SUPPORTERS_ONLY = everyone(403, supporter=200, other_supporter=200)
# Who reads a client's contact log (client_for_user): site A's coordinator and lead, the matched
# supporter, hospital A's ward staff (without notes), the administrator.
READERS_A = everyone(403, coord_a=200, lead_a=200, supporter=200, staff_a=200, admin=200)
# Who writes for client A (Action.LOG_CONTACT): coordinator, matched supporter, administrator.
WRITERS_A_FORM = everyone(403, coord_a=200, supporter=200, admin=200)
WRITERS_A_POST = everyone(403, coord_a=302, supporter=302, admin=302)

ROWS = [
    Row("contacts:caseload", "GET", expect=SUPPORTERS_ONLY),
    Row("contacts:site", "GET",
        expect=everyone(403, coord_a=200, coord_b=200, lead_a=200, admin=200)),
    Row("contacts:site", "GET", data={"site": "lakeview"}, note="another site",
        expect=everyone(403, coord_a=404, coord_b=200, lead_a=404, admin=200)),
    Row("contacts:week", "GET", lambda w: {"public_id": w.supporter.public_id},
        expect=everyone(403, coord_a=200, lead_a=200, supporter=200, admin=200)),
    Row("contacts:week", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown",
        expect=everyone(404)),
    Row("contacts:client", "GET", _client, expect=READERS_A),
    Row("contacts:client", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown",
        expect=everyone(404)),
    Row("contacts:log", "GET", _client, expect=WRITERS_A_FORM),
    Row("contacts:log", "POST", _client, data=_contact_data, expect=WRITERS_A_POST),
    # One contact (decision 0022): read with the client's log; corrected or deleted by the
    # supporter who logged it (within the window), site A's coordinator, the administrator.
    Row("contacts:entry", "GET", _entry, expect=READERS_A),
    Row("contacts:entry", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown",
        expect=everyone(404)),
    Row("contacts:entry_edit", "GET", _entry, expect=WRITERS_A_FORM),
    Row("contacts:entry_edit", "POST", _entry, data=_contact_data, expect=WRITERS_A_POST),
    Row("contacts:entry_delete", "GET", _entry, expect=WRITERS_A_FORM),
    Row("contacts:entry_delete", "POST", _entry, data={"reason": "Wrong client"},
        expect=WRITERS_A_POST),
    Row("contacts:appointment_new", "GET", _client, expect=WRITERS_A_FORM),
    Row("contacts:appointment_new", "POST", _client, expect=WRITERS_A_POST,
        data=lambda w: {"starts_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                        "duration_minutes": "60", "place": "Housing office",
                        "purpose": "Apply for housing", "reminder_minutes": "60",
                        "consent_to_accompany": "on"}),
    Row("contacts:goals", "GET", _client, expect=READERS_A),
    Row("contacts:goals", "POST", _client, expect=WRITERS_A_POST,
        data={"domain": "school", "title": "Go back to college part time",
              "steps": "Visit the open house"}),
    Row("contacts:appointment", "GET", _appointment, expect=READERS_A),
    Row("contacts:appointment", "POST", _appointment, expect=WRITERS_A_POST,
        data={"outcome": "client_alone", "note": "Went on their own."}),
    Row("contacts:appointment", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown",
        expect=everyone(404)),
    Row("contacts:goal", "GET", _goal, expect=READERS_A),
    Row("contacts:goal", "POST", _goal, data={"op": "note", "text": "Found the bus route."},
        expect=WRITERS_A_POST),
    Row("contacts:goal", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown",
        expect=everyone(404)),
    Row("contacts:group_new", "GET",
        expect=everyone(403, coord_a=200, coord_b=200, supporter=200, other_supporter=200,
                        admin=200)),
    # coord_b has no such site (404); other_supporter may not record client A (form error, 200).
    Row("contacts:group_new", "POST", data=_group_data,
        expect=everyone(403, coord_a=302, coord_b=404, supporter=302, other_supporter=200,
                        admin=302)),
    # Supporters of the site see a group (only their own clients in it; decision 0024).
    Row("contacts:group", "GET", _group,
        expect=everyone(403, coord_a=200, lead_a=200, supporter=200, other_supporter=200,
                        admin=200)),
    Row("contacts:calendar", "GET", expect=SUPPORTERS_ONLY),
    Row("contacts:calendar", "POST", data={"op": "create"},
        expect=everyone(403, supporter=302, other_supporter=302)),
]
