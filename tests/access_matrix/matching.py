"""Access-matrix rows for bridgeway.matching.urls.

Only coordinators of the site (and administrators) run matching, review and decide
proposals, change criteria and end matches to re-match. Peer supporters see only their own
"new match" notices. Everyone else gets 403 (audited as denied).
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from bridgeway.clients.models import Enrolment
from bridgeway.matching.models import MatchingRun, Proposal

from . import Row, everyone

COORD = {"coord_a": 200, "admin": 200}
COORD_POST = {"coord_a": 302, "admin": 302}


def _site_a(w: Any) -> dict[str, Any]:
    return {"site_code": w.site_a.code}


def _proposal_setup(w: Any) -> None:
    from tests import factories as f

    client = f.ClientFactory(given_name="Waiting", family_name="Client")
    enrolment = cast(Enrolment, f.EnrolmentFactory(client=client, site=w.site_a,
                                                   status="waitlisted"))
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=w.coord_a)
    run = MatchingRun.objects.create(site=w.site_a, created_by=w.coord_a)
    w.extra = {"proposal": Proposal.objects.create(
        run=run, enrolment=enrolment, supporter=w.supporter, site=w.site_a, score=42.0,
        contributions={"interests": 10.0}, reason="both men")}


def _proposal(w: Any) -> dict[str, Any]:
    return {"public_id": w.extra["proposal"].public_id}


def _swap_data(w: Any) -> dict[str, Any]:
    p = w.extra["proposal"]
    return {f"{p.public_id}-supporter": str(w.other_supporter.public_id)}


def _unknown(w: Any) -> dict[str, Any]:
    return {"public_id": uuid.uuid4()}


def _criteria_data(w: Any) -> dict[str, Any]:
    return {"require_training": "on", "require_hours": "on", "require_shared_language": "on",
            "max_distance_km": "60", "weight_interests": "30", "weight_age": "20",
            "weight_gender": "20", "weight_language": "15", "weight_distance": "15",
            "weight_availability": "10", "weight_intensity": "10", "weight_waiting": "10",
            "age_span_years": "20", "distance_span_km": "30", "waiting_span_days": "60",
            "site_language": "English"}


ROWS = [
    Row("matching:index", "GET",
        expect=everyone(403, coord_a=302, coord_b=302, admin=302, supporter=302,
                        other_supporter=302)),
    Row("matching:notices", "GET", expect=everyone(403, supporter=200, other_supporter=200)),
    Row("matching:site", "GET", _site_a, expect=everyone(403, **COORD)),
    Row("matching:site", "GET", lambda w: {"site_code": "no-such-site"}, expect=everyone(404),
        note="unknown site"),
    Row("matching:run", "POST", _site_a, expect=everyone(403, **COORD_POST)),
    Row("matching:proposals", "GET", _site_a, expect=everyone(403, **COORD)),
    Row("matching:criteria", "GET", _site_a, expect=everyone(403, **COORD)),
    Row("matching:criteria", "POST", _site_a, expect=everyone(403, **COORD_POST),
        data=_criteria_data, note="save"),
    Row("matching:proposal", "GET", _proposal, expect=everyone(403, **COORD),
        setup=_proposal_setup),
    Row("matching:proposal", "GET", _unknown, expect=everyone(404), note="unknown id"),
    Row("matching:approve", "POST", _proposal, expect=everyone(403, **COORD_POST),
        setup=_proposal_setup),
    Row("matching:approve", "POST", _unknown, expect=everyone(404), note="unknown id"),
    Row("matching:reject", "POST", _proposal, expect=everyone(403, **COORD_POST),
        setup=_proposal_setup, data={"note": "not now"}),
    Row("matching:swap", "POST", _proposal, expect=everyone(403, **COORD_POST),
        setup=_proposal_setup, data=_swap_data),
    Row("matching:end_match", "GET", lambda w: {"public_id": w.match_a.public_id},
        expect=everyone(403, **COORD)),
    Row("matching:end_match", "POST", lambda w: {"public_id": w.match_a.public_id},
        expect=everyone(403, **COORD_POST),
        data={"reason": "no_rapport", "note": "", "do_not_rematch": "on"}, note="end"),
    Row("matching:end_match", "GET", _unknown, expect=everyone(404), note="unknown id"),
]
