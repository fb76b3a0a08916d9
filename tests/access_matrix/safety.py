"""Access-matrix rows for bridgeway.safety.urls (alerts, inbox, binder, incidents, wellbeing)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from bridgeway.clients.models import Enrolment, Match
from bridgeway.safety import rules as r
from bridgeway.safety.models import Alert, Bridging, Incident, Notification, OutreachCase
from bridgeway.supporters.models import CheckIn

from . import Row, everyone

COORDINATORS_A = {"coord_a": 200, "lead_a": 200, "admin": 200}


def _client(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id}


def _today() -> str:
    return timezone.localdate().isoformat()


def _client_alert(w: Any) -> None:
    w.extra = {"alert": Alert.objects.create(rule="contact_lapse", severity="warning", site=w.site_a,
                                   subject_id=w.client_a.pk, client=w.client_a,
                                   owner_role="peer_supporter", due_on=timezone.localdate())}


def _supporter_alert(w: Any) -> None:
    w.extra = {"alert": Alert.objects.create(rule="break_requested", severity="urgent", site=w.site_a,
                                   subject_id=w.supporter.pk, supporter=w.supporter,
                                   owner_role="coordinator", due_on=timezone.localdate())}


def _alert(w: Any) -> dict[str, Any]:
    return {"public_id": w.extra["alert"].public_id}


def _notification(w: Any) -> dict[str, Any]:
    n = Notification.objects.create(recipient=w.coord_a, kind="test", title="Hello",
                                    url="/safety/alerts/")
    return {"pk": n.pk}


def _bridging(w: Any) -> None:
    Bridging.objects.create(client=w.client_a, staff=w.staff_a, started_on=timezone.localdate())


def _outreach(w: Any) -> None:
    OutreachCase.objects.create(client=w.client_a, enrolment=w.enrolment_a, opened_by=w.coord_a)


def _withdrawn(w: Any) -> None:
    Match.objects.filter(pk=w.match_a.pk).update(status="ended", ended_on=timezone.localdate())
    Enrolment.objects.filter(pk=w.enrolment_a.pk).update(status="withdrawn")


def _reopen(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id, "enrolment_id": w.enrolment_a.public_id}


def _incident(w: Any) -> dict[str, Any]:
    incident = Incident.objects.create(site=w.site_a, client=w.client_a, supporter=w.supporter,
                                       reported_by=w.supporter.user, kind="boundary",
                                       occurred_at=timezone.now())
    return {"public_id": incident.public_id}


def _checkin(w: Any) -> None:
    # Kept in a dict: the matrix refreshes model instances on the world after each rollback.
    w.extra = {"checkin": CheckIn.objects.create(supporter=w.supporter, feeling="talk")}


SUPPORTERS = {"supporter": 200, "other_supporter": 200}
WRITERS_A = {"coord_a": 302, "lead_a": 302, "supporter": 302, "staff_a": 302, "admin": 302}
READERS_A = {"coord_a": 200, "lead_a": 200, "supporter": 200, "staff_a": 200, "admin": 200}
THRESHOLDS = {name: str(getattr(r.DEFAULTS, name)) for name in r.Thresholds.names()}

ROWS = [
    Row("safety:inbox", "GET", None,
        everyone(200, staff_a=403, staff_b=403, evaluator=403, privacy_officer=403)),
    Row("safety:alert", "GET", _alert, everyone(404, **COORDINATORS_A, supporter=200),
        setup=_client_alert, note="alert about client_a"),
    Row("safety:alert", "POST", _alert,
        everyone(404, coord_a=302, lead_a=302, admin=302, supporter=302),
        data={"action": "acknowledge"}, setup=_client_alert, note="acknowledge"),
    Row("safety:alert", "GET", _alert, everyone(404, coord_a=200, admin=200),
        setup=_supporter_alert, note="a supporter's break: their coordinators only"),
    Row("safety:alert", "GET", lambda w: {"public_id": uuid.uuid4()}, everyone(404),
        note="unknown id"),
    Row("safety:notifications", "GET", None, everyone(200)),
    Row("safety:notification_open", "POST", _notification, everyone(404, coord_a=302),
        note="coord_a's own notification"),
    Row("safety:notifications_read", "POST", None, everyone(302)),
    Row("safety:client", "GET", _client, everyone(403, **READERS_A)),
    Row("safety:client", "GET", lambda w: {"public_id": uuid.uuid4()}, everyone(404),
        note="unknown client"),
    Row("safety:binder_add", "POST", _client, everyone(403, **WRITERS_A),
        data={"category": "update", "text": "Moved to the step-down unit."}),
    Row("safety:binder_in_charge", "POST", _client,
        everyone(403, coord_a=302, lead_a=302, staff_a=302, admin=302),
        data=lambda w: {"person": w.coord_a.pk}),
    Row("safety:checklist", "POST", _client, everyone(403, **WRITERS_A),
        data=lambda w: {"met_on_ward_on": _today()}),
    Row("safety:bridging_start", "POST", _client,
        everyone(403, coord_a=302, staff_a=302, admin=302),
        data=lambda w: {"staff": w.staff_a.pk, "started_on": _today()}),
    Row("safety:bridging_establish", "POST", _client,
        everyone(403, coord_a=302, staff_a=302, admin=302),
        data=lambda w: {"established_on": _today(), "provider": "Dr. Rivera",
                        "agency": "Community Mental Health"}, setup=_bridging),
    Row("safety:outreach_step", "POST", _client,
        everyone(403, coord_a=302, supporter=302, admin=302),
        data=lambda w: {"taken_on": _today(), "method": "phone"}),
    Row("safety:outreach_close", "POST", _client,
        everyone(403, coord_a=302, lead_a=302, admin=302),
        data={"outcome": "re_engaged"}, setup=_outreach),
    Row("safety:reopen", "POST", _reopen, everyone(403, coord_a=302, lead_a=302, admin=302),
        setup=_withdrawn),
    Row("safety:incident_new", "GET", _client,
        everyone(403, coord_a=200, supporter=200, admin=200)),
    Row("safety:incident_new", "POST", _client,
        everyone(403, coord_a=302, supporter=302, admin=302),
        data={"kind": "verbal_aggression", "description": "Shouted at me in the hallway.",
              "severity": "minor", "involved": "client"}),
    Row("safety:incidents", "GET", None, everyone(200)),
    Row("safety:incident", "GET", _incident, everyone(404, **COORDINATORS_A, supporter=200)),
    # Undo (decision 0022): only the reporter, within minutes; coordinators see it but may not.
    Row("safety:incident_undo", "POST", _incident,
        everyone(404, **dict.fromkeys(COORDINATORS_A, 403), supporter=302)),
    Row("safety:incident_undo", "GET", _incident, everyone(405)),
    Row("safety:incident", "POST", _incident,
        everyone(404, coord_a=302, lead_a=302, admin=302, supporter=403),
        data={"action": "follow_up", "note": "Called Jordan; debrief booked."}),
    Row("safety:supervision", "GET", None,
        everyone(403, coord_a=200, coord_b=200, admin=200)),
    Row("safety:supervision", "POST", None,
        everyone(403, coord_a=302, coord_b=400, admin=302),
        data=lambda w: {"kind": "group", "held_on": _today(), "supporters": [w.supporter.pk]},
        note="coord_b cannot choose site A's supporters"),
    Row("safety:checkin", "GET", None, everyone(403, **SUPPORTERS)),
    Row("safety:checkin", "POST", None,
        everyone(403, supporter=302, other_supporter=302), data={"feeling": "fine"}),
    Row("safety:checkins", "GET", None,
        everyone(403, coord_a=200, coord_b=200, admin=200)),
    Row("safety:checkins", "POST", None,
        everyone(403, coord_a=302, coord_b=404, admin=302),
        data=lambda w: {"checkin": str(w.extra["checkin"].public_id), "action": "handled"},
        setup=_checkin),
    Row("safety:thresholds", "GET", lambda w: {"site_code": w.site_a.code},
        everyone(403, coord_a=200, lead_a=200, admin=200)),
    Row("safety:thresholds", "POST", lambda w: {"site_code": w.site_a.code},
        everyone(403, coord_a=302, lead_a=302, admin=302), data=THRESHOLDS),
]
