"""Access-matrix rows for bridgeway.clients.urls (role homes, client page, forms)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests import factories as f

from . import Row, everyone

TODAY = timezone.localdate


def _a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id}


def _enrolment_a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id, "enrolment_id": w.enrolment_a.public_id}


def _stay_a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id, "stay_id": w.client_a.stays.first().public_id}


def _waitlisted_at_a(w: Any) -> None:
    client = f.ClientFactory()
    stay = f.StayFactory(client=client, ward=w.ward_a)
    enrolment = f.EnrolmentFactory(client=client, site=w.site_a, stay=stay)
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=w.coord_a)
    w.extra = {"client": client, "enrolment": enrolment}


def _consented_complete_at_a(w: Any) -> None:
    client = f.ClientFactory(home_fsa="N6A")
    client.languages.set([f.language("en", "English")])
    stay = f.StayFactory(client=client, ward=w.ward_a)
    enrolment = f.EnrolmentFactory(client=client, site=w.site_a, stay=stay, status="consented",
                                   waitlisted_since=None)
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=w.coord_a)
    w.extra = {"client": client, "enrolment": enrolment}


def _discharge_a(w: Any) -> None:
    w.client_a.stays.update(discharged_on=TODAY())


SITE_STAFF = {"coord_a": 200, "lead_a": 200, "admin": 200}
CLIENT_A_READERS = {"coord_a": 200, "lead_a": 200, "supporter": 200, "staff_a": 200, "admin": 200}
REFERRAL = {
    "site": lambda w: w.site_a.pk, "ward": lambda w: w.ward_a.pk,
}


def _referral_data(w: Any) -> dict[str, Any]:
    return {
        "site": w.site_a.pk, "ward": w.ward_a.pk, "given_name": "Alex", "family_name": "Newman",
        "date_of_birth": "1990-01-02", "gender": "undisclosed", "admitted_on": TODAY().isoformat(),
        "pref_gender_strength": "none", "pref_age_strength": "none",
        "pref_language_strength": "none",
    }


def _edit_data(w: Any) -> dict[str, Any]:
    c = w.client_a
    return {"given_name": c.given_name, "family_name": c.family_name,
            "date_of_birth": c.date_of_birth.isoformat(), "gender": c.gender, "phone": "519-555-0199",
            "pref_gender_strength": "none", "pref_age_strength": "none",
            "pref_language_strength": "none"}


ROWS = [
    # Role homes
    Row("clients:sites", "GET",
        expect=everyone(403, coord_a=302, coord_b=302, lead_a=302, admin=200)),
    Row("clients:site_dashboard", "GET", lambda w: {"site_code": w.site_a.code},
        expect=everyone(403, **SITE_STAFF)),
    Row("clients:site_dashboard", "GET", lambda w: {"site_code": w.site_b.code},
        expect=everyone(403, coord_b=200, admin=200), note="site B"),
    Row("clients:site_dashboard", "GET", lambda w: {"site_code": "no-such-site"},
        expect=everyone(404), note="unknown site"),
    Row("clients:mine", "GET", expect=everyone(403, supporter=200, other_supporter=200)),
    Row("clients:ward_home", "GET", expect=everyone(403, staff_a=200, staff_b=200)),
    Row("clients:evaluation", "GET", expect=everyone(403, evaluator=200, admin=200)),
    # Referral
    Row("clients:refer", "GET",
        expect=everyone(403, coord_a=200, coord_b=200, staff_a=200, staff_b=200, admin=200)),
    Row("clients:refer", "POST", data=_referral_data, note="new client at site A",
        # coord_b and staff_b get the form back: site A is not among their choices.
        expect=everyone(403, coord_a=302, staff_a=302, admin=302, coord_b=200, staff_b=200)),
    Row("clients:refer", "GET", data=lambda w: {"client": str(w.client_a.public_id)},
        note="existing client", expect=everyone(403, coord_a=200, staff_a=200, admin=200)),
    Row("clients:refer", "GET", data={"client": "not-a-uuid"}, note="bad client id",
        expect=everyone(403, coord_a=404, coord_b=404, staff_a=404, staff_b=404, admin=404)),
    # Client page
    Row("clients:detail", "GET", _a, expect=everyone(403, **CLIENT_A_READERS)),
    Row("clients:detail", "GET", lambda w: {"public_id": w.client_b.public_id}, note="client B",
        expect=everyone(403, coord_b=200, staff_b=200, admin=200)),
    Row("clients:detail", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown id",
        expect=everyone(404)),
    Row("clients:edit", "GET", _a, expect=everyone(403, coord_a=200, staff_a=200, admin=200)),
    Row("clients:edit", "POST", _a, data=_edit_data,
        expect=everyone(403, coord_a=302, staff_a=302, admin=302)),
    # Consent and status
    Row("clients:consent", "GET", _enrolment_a, expect=everyone(403, **SITE_STAFF)),
    Row("clients:consent", "POST", _enrolment_a,
        data={"participation": "yes", "share": ["contact_details"]},
        expect=everyone(403, coord_a=302, lead_a=302, admin=302)),
    Row("clients:consent", "GET",
        lambda w: {"public_id": w.client_a.public_id, "enrolment_id": w.enrolment_b.public_id},
        note="enrolment of another client", expect=everyone(403, **SITE_STAFF) | {
            "coord_a": 404, "lead_a": 404, "admin": 404, "staff_a": 404}),
    Row("clients:enrolment_status", "GET", _enrolment_a, expect=everyone(403, **SITE_STAFF)),
    Row("clients:enrolment_status", "POST", _enrolment_a,
        data={"to_status": "active", "reason": "Discharged home"},
        expect=everyone(403, coord_a=302, lead_a=302, admin=302)),
    Row("clients:enrolment_waitlist", "GET", _enrolment_a, expect=everyone(403, **SITE_STAFF)),
    Row("clients:enrolment_waitlist", "POST", setup=_consented_complete_at_a,
        kwargs=lambda w: {"public_id": w.extra["client"].public_id,
                          "enrolment_id": w.extra["enrolment"].public_id},
        note="consented client at A with a complete profile",
        expect=everyone(403, coord_a=302, lead_a=302, admin=302)),
    # Matches
    Row("clients:match_create", "GET", _enrolment_a,
        expect=everyone(403, coord_a=200, admin=200)),
    Row("clients:match_create", "POST", setup=_waitlisted_at_a,
        kwargs=lambda w: {"public_id": w.extra["client"].public_id,
                          "enrolment_id": w.extra["enrolment"].public_id},
        data=lambda w: {"supporter": w.other_supporter.pk}, note="waitlisted client at A",
        expect=everyone(403, coord_a=302, admin=302)),
    Row("clients:match_end", "GET",
        lambda w: {"public_id": w.client_a.public_id, "match_id": w.match_a.public_id},
        expect=everyone(403, coord_a=200, admin=200)),
    Row("clients:match_end", "POST",
        lambda w: {"public_id": w.client_a.public_id, "match_id": w.match_a.public_id},
        data={"reason": "no_rapport", "note": ""}, expect=everyone(403, coord_a=302, admin=302)),
    # Stays
    Row("clients:stay_admit", "GET", _a, expect=everyone(403, coord_a=200, staff_a=200, admin=200)),
    Row("clients:stay_admit", "POST", _a, setup=_discharge_a,
        data=lambda w: {"ward": w.ward_a.pk, "admitted_on": TODAY().isoformat()},
        expect=everyone(403, coord_a=302, staff_a=302, admin=302)),
    Row("clients:stay_expected_discharge", "GET", _stay_a,
        expect=everyone(403, coord_a=200, staff_a=200, admin=200)),
    Row("clients:stay_expected_discharge", "POST", _stay_a,
        data=lambda w: {"expected_discharge_on": (TODAY() + timedelta(days=3)).isoformat()},
        expect=everyone(403, coord_a=302, staff_a=302, admin=302)),
    Row("clients:stay_expected_discharge", "POST", _stay_a, headers={"HX-Request": "true"},
        data=lambda w: {"expected_discharge_on": (TODAY() + timedelta(days=3)).isoformat()},
        note="htmx inline", expect=everyone(403, coord_a=200, staff_a=200, admin=200)),
    Row("clients:stay_discharge", "GET", _stay_a,
        expect=everyone(403, coord_a=200, staff_a=200, admin=200)),
    Row("clients:stay_discharge", "POST", _stay_a,
        data=lambda w: {"discharged_on": TODAY().isoformat(), "destination": "home"},
        expect=everyone(403, coord_a=302, staff_a=302, admin=302)),
]
