"""What each sharing category reveals about hospital stays (docs/privacy.md), on every surface
a supporter or a nurse reaches: the client page, "My clients", the contacts and safety
sections, the safety page and the notices.

Daniel (client_a) was discharged from Riverside and is back in hospital at Lakeview. He
shares his discharge date with his supporter but not his stay or readmission status.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from bridgeway.access import record
from bridgeway.access.policy import client_for_user
from bridgeway.access.reveals import REVEALS, TOGETHER, StayFact, stay_facts
from bridgeway.clients import services
from bridgeway.clients.models import ConsentRecord, HospitalStay
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from bridgeway.safety.models import Notification

from .. import factories as f

TODAY = timezone.localdate()
DISCHARGED = TODAY - timedelta(days=20)
READMITTED = TODAY - timedelta(days=2)
# Words that tell of a stay (its hospital, ward, being in hospital) rather than of a date.
STAY_WORDS = ["Riverside Hospital", "Lakeview Hospital", "4 East", "Lake 2", "In hospital",
              "in hospital", "Admitted"]


def _share(world, *, discharge_date: bool, stay_status: bool) -> None:
    f.ConsentFactory(enrolment=world.enrolment_a, version=2, recorded_by=world.coord_a,
                     share_discharge_date=discharge_date, share_stay_status=stay_status)


def _readmit(world, *, expected: bool = False) -> HospitalStay:
    """Daniel's Riverside stay ended 20 days ago; he is back, at Lakeview, since 2 days."""
    first = HospitalStay.objects.get(client=world.client_a)
    first.admitted_on = DISCHARGED - timedelta(days=15)
    first.expected_discharge_on = DISCHARGED
    first.discharged_on = DISCHARGED
    first.save()
    return f.StayFactory(client=world.client_a, ward=world.ward_b, admitted_on=READMITTED,
                         expected_discharge_on=TODAY + timedelta(days=9) if expected else None)


def test_the_table_names_every_stay_fact_once():
    named = [fact for facts in [*REVEALS.values(), TOGETHER] for fact in facts]
    assert sorted(named) == sorted(StayFact)
    assert StayFact.IN_HOSPITAL not in REVEALS["discharge_date"]
    assert StayFact.PLACE not in REVEALS["discharge_date"]
    assert StayFact.LATEST_DISCHARGE in REVEALS["discharge_date"]


def test_discharge_date_alone_shows_the_last_discharge_and_nothing_of_the_stays(world):
    _share(world, discharge_date=True, stay_status=False)
    _readmit(world)
    access = client_for_user(world.supporter.user, world.client_a.public_id)
    assert stay_facts(access) == REVEALS["discharge_date"]
    stays = record.build(access).stays
    assert stays is not None and len(stays) == 1
    (view,) = stays
    assert view.discharged_on == DISCHARGED
    assert (view.is_open, view.hospital, view.ward, view.admitted_on, view.destination) == (
        False, None, None, None, None)
    card = record.card(access).stays
    assert card is not None and [(s.is_open, s.hospital, s.discharged_on) for s in card] == [
        (False, None, DISCHARGED)]


def test_discharge_date_alone_shows_an_expected_discharge_without_the_stay(world):
    _share(world, discharge_date=True, stay_status=False)
    _readmit(world, expected=True)
    access = client_for_user(world.supporter.user, world.client_a.public_id)
    (view,) = record.build(access).stays or []
    assert view.expected_discharge_on == TODAY + timedelta(days=9)
    assert view.discharged_on is None
    assert (view.is_open, view.hospital, view.admitted_on) == (False, None, None)


@pytest.mark.parametrize("url_name", ["clients:detail", "clients:mine", "contacts:client",
                                      "safety:client"])
def test_supporter_pages_show_no_stay_without_stay_status(world, login, url_name):
    _share(world, discharge_date=True, stay_status=False)
    _readmit(world)
    args = [] if url_name == "clients:mine" else [world.client_a.public_id]
    page = login("supporter").get(reverse(url_name, args=args)).content.decode()
    for word in STAY_WORDS:
        assert word not in page, (url_name, word)


def test_supporter_client_page_shows_the_shared_discharge_date(world, login):
    _share(world, discharge_date=True, stay_status=False)
    _readmit(world)
    page = login("supporter").get(reverse("clients:detail", args=[world.client_a.public_id]))
    assert date_format(DISCHARGED) in page.content.decode()


def test_safety_section_keeps_the_last_discharge_on_readmission(world, login):
    """The checklist line does not start again for a stay the supporter may not know of."""
    _share(world, discharge_date=True, stay_status=False)
    _readmit(world)
    page = login("supporter").get(reverse("safety:client", args=[world.client_a.public_id]))
    assert date_format(DISCHARGED) in page.content.decode()


def test_stay_status_alone_shows_stays_without_dates_of_discharge(world):
    _share(world, discharge_date=False, stay_status=True)
    _readmit(world, expected=True)
    access = client_for_user(world.supporter.user, world.client_a.public_id)
    stays = record.build(access).stays or []
    assert [(s.hospital, s.is_open) for s in stays] == [("Lakeview Hospital", True),
                                                         ("Riverside Hospital", False)]
    assert all(s.discharged_on is None and s.expected_discharge_on is None for s in stays)


def test_neither_category_shows_no_stay(world):
    _share(world, discharge_date=False, stay_status=False)
    _readmit(world)
    access = client_for_user(world.supporter.user, world.client_a.public_id)
    assert record.build(access).stays is None
    assert record.card(access).stays is None


def test_readmission_notice_needs_stay_status(world):
    _share(world, discharge_date=True, stay_status=False)
    first = HospitalStay.objects.get(client=world.client_a)
    nurse_a = Actor(user=world.staff_a, role=Role.WARD_STAFF, site_code="")
    nurse_b = Actor(user=world.staff_b, role=Role.WARD_STAFF, site_code="")
    services.stay_discharge(actor=nurse_a, stay=first, discharged_on=TODAY - timedelta(days=3))
    services.stay_admit(actor=nurse_b, client=world.client_a, ward=world.ward_b,
                        admitted_on=READMITTED)
    kinds = set(Notification.objects.filter(recipient=world.supporter.user)
                .values_list("kind", flat=True))
    assert kinds == {"discharged"}


def test_both_categories_show_every_stay_with_its_dates(world):
    assert ConsentRecord.objects.get(enrolment=world.enrolment_a).share_stay_status
    _readmit(world)
    access = client_for_user(world.supporter.user, world.client_a.public_id)
    stays = record.build(access).stays or []
    assert [(s.hospital, s.is_open, s.discharged_on) for s in stays] == [
        ("Lakeview Hospital", True, None), ("Riverside Hospital", False, DISCHARGED)]


# --- Each hospital is the custodian of its own stays -----------------------------------------

def test_ward_staff_see_only_their_own_hospitals_stays(world):
    _readmit(world)
    for nurse, own in [(world.staff_a, "Riverside Hospital"), (world.staff_b, "Lakeview Hospital")]:
        access = client_for_user(nurse, world.client_a.public_id)
        stays = record.build(access).stays or []
        assert [s.hospital for s in stays] == [own]


def test_ward_staff_page_names_no_other_hospitals_stay(world, login):
    _readmit(world)
    page = login("staff_b").get(reverse("clients:detail", args=[world.client_a.public_id]))
    text = page.content.decode()
    assert "Lake 2" in text
    assert "4 East" not in text and "Riverside Hospital" not in text


def test_ward_staff_cannot_open_another_hospitals_stay(world, login):
    first = HospitalStay.objects.get(client=world.client_a)
    _readmit(world)
    url = reverse("clients:stay_discharge", args=[world.client_a.public_id, first.public_id])
    assert login("staff_b").get(url).status_code == 404


def test_ward_staff_contacts_section_shows_no_other_hospitals_stay(world, login):
    """Staff at Riverside: Daniel is in hospital at Lakeview, which is not theirs to say."""
    _readmit(world)
    page = login("staff_a").get(reverse("contacts:client", args=[world.client_a.public_id]))
    assert "Lake 2" not in page.content.decode()


def test_coordinators_see_every_stay(world):
    _readmit(world)
    access = client_for_user(world.coord_a, world.client_a.public_id)
    assert [s.hospital for s in record.build(access).stays or []] == [
        "Lakeview Hospital", "Riverside Hospital"]
