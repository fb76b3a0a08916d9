"""Readmission: the match stays active; with stay status shared, the supporter sees it."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bridgeway.clients import services as client_services
from bridgeway.clients.models import Match
from bridgeway.contacts.models import Contact
from bridgeway.core.actors import Actor

from .helpers import add_contact


def _readmit(world):  # type: ignore[no-untyped-def]
    staff = Actor(user=world.staff_a, role="ward_staff")
    stay = world.client_a.stays.get()
    client_services.stay_discharge(actor=staff, stay=stay,
                                   discharged_on=timezone.localdate() - timedelta(days=6))
    return client_services.stay_admit(actor=staff, client=world.client_a, ward=world.ward_a,
                                      admitted_on=timezone.localdate() - timedelta(days=2))


def test_readmitted_client_stays_on_the_caseload_with_stay_status(world, login):
    add_contact(world.match_a, at=timezone.now() - timedelta(days=8), setting="community")
    stay = _readmit(world)
    world.match_a.refresh_from_db()
    assert world.match_a.status == Match.Status.ACTIVE
    http = login("supporter")
    page = http.get(reverse("contacts:caseload"))
    body = page.content.decode()
    assert "In hospital since" in body
    assert page.context["page"].rows[0].in_hospital_since == stay.admitted_on
    # The log form shows the stay (it suggests no place: decision 0022) and accepts an on-ward visit.
    form_page = http.get(reverse("contacts:log", args=[world.client_a.public_id]))
    assert "setting" not in form_page.context["form"].initial
    assert "In hospital since" in form_page.content.decode()
    response = http.post(reverse("contacts:log", args=[world.client_a.public_id]), {
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "40", "mode": "in_person", "setting": "ward", "outcome": "met"})
    assert response.status_code == 302
    latest = Contact.objects.order_by("-occurred_at").first()
    assert latest is not None and latest.setting == "ward" and latest.match == world.match_a


def test_stay_status_not_shared_means_no_hospital_line(world, login):
    from tests import factories as f

    f.ConsentFactory(enrolment=world.enrolment_a, version=2, recorded_by=world.coord_a,
                     share_stay_status=False)
    _readmit(world)
    page = login("supporter").get(reverse("contacts:caseload"))
    assert "In hospital since" not in page.content.decode()
    assert page.context["page"].rows[0].in_hospital_since is None
    contacts_page = login("supporter").get(reverse("contacts:client", args=[world.client_a.public_id]))
    assert contacts_page.context["stay"] is None
