"""Contact, group and appointment rules: field-level errors, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bridgeway.contacts.models import Contact, GroupSession
from bridgeway.contacts.services.appointments import AppointmentDetails, appointment_create
from bridgeway.contacts.services.contacts import ContactDetails, contact_log
from bridgeway.contacts.services.groups import GroupDetails, group_session_record
from bridgeway.core.actors import Actor
from tests import factories as f


def _actor(world, name="supporter"):  # type: ignore[no-untyped-def]
    role = "peer_supporter" if "supporter" in name else "coordinator"
    return Actor(user=world.persona(name), role=role, site_code="riverside")


def _details(**kw):  # type: ignore[no-untyped-def]
    base = {"occurred_at": timezone.now() - timedelta(hours=2), "duration_minutes": 45}
    base.update(kw)
    return ContactDetails(**base)


@pytest.mark.parametrize(("field", "value"), [
    ("duration_minutes", 0), ("duration_minutes", 721), ("duration_minutes", -5),
])
def test_duration_must_be_positive_and_at_most_12_hours(world, field, value):
    with pytest.raises(ValidationError) as exc:
        contact_log(actor=_actor(world), client=world.client_a,
                    details=_details(**{field: value}))
    assert field in exc.value.message_dict
    assert not Contact.objects.exists()


def test_twelve_hours_exactly_is_accepted(world):
    contact = contact_log(actor=_actor(world), client=world.client_a,
                          details=_details(duration_minutes=720))
    assert contact.duration_minutes == 720
    assert contact.supporter == world.supporter and contact.match == world.match_a


def test_no_contact_in_the_future(world):
    with pytest.raises(ValidationError) as exc:
        contact_log(actor=_actor(world), client=world.client_a,
                    details=_details(occurred_at=timezone.now() + timedelta(hours=2)))
    assert "occurred_at" in exc.value.message_dict


def test_home_visit_only_where_the_match_allows_it(world):
    with pytest.raises(ValidationError) as exc:
        contact_log(actor=_actor(world), client=world.client_a,
                    details=_details(setting="home"))
    assert "setting" in exc.value.message_dict
    world.match_a.home_visits_allowed = True
    world.match_a.save()
    contact = contact_log(actor=_actor(world), client=world.client_a,
                          details=_details(setting="home"))
    assert contact.setting == "home"


def test_unknown_activity_is_a_field_error(world):
    with pytest.raises(ValidationError) as exc:
        contact_log(actor=_actor(world), client=world.client_a,
                    details=_details(activities=["routine", "hacking"]))
    assert "activities" in exc.value.message_dict


def test_supporter_cannot_log_for_a_client_not_matched_to_them(world):
    with pytest.raises(ValidationError):
        contact_log(actor=_actor(world, "other_supporter"), client=world.client_a,
                    details=_details())
    assert not Contact.objects.exists()


def test_form_shows_field_errors_not_a_500(world, login):
    http = login("supporter")
    url = reverse("contacts:log", args=[world.client_a.public_id])
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = http.post(url, {"occurred_at": future, "duration_minutes": "900", "mode": "phone",
                               "setting": "home", "outcome": "met"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "duration_minutes" in errors
    response = http.post(url, {"occurred_at": future, "duration_minutes": "30", "mode": "phone",
                               "setting": "home", "outcome": "met"})
    errors = response.context["form"].errors
    assert "occurred_at" in errors and "setting" in errors
    response = http.post(url, {"occurred_at": "yesterday", "duration_minutes": "abc",
                               "mode": "fax", "setting": "moon", "outcome": "?"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"occurred_at", "duration_minutes", "mode",
                                                    "setting", "outcome"}
    assert not Contact.objects.exists()


def test_group_attendance_only_of_clients_of_that_site(world):
    with pytest.raises(ValidationError) as exc:
        group_session_record(actor=_actor(world, "coord_a"), details=GroupDetails(
            site=world.site_a, kind="on_ward", topic="Coping with stress",
            starts_at=timezone.now() - timedelta(hours=1), duration_minutes=60,
            facilitators=[world.supporter], attendees=[world.client_a, world.client_b]))
    assert "attendees" in exc.value.message_dict
    assert not GroupSession.objects.exists()


def test_group_creates_one_contact_per_client_present(world):
    other = f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a])
    session = group_session_record(actor=_actor(world, "coord_a"), details=GroupDetails(
        site=world.site_a, kind="on_ward", topic="Coping with stress",
        starts_at=timezone.now() - timedelta(hours=1), duration_minutes=75,
        facilitators=[other, world.supporter], attendees=[world.client_a]))
    contacts = list(session.contacts.all())
    assert len(contacts) == 1
    contact = contacts[0]
    assert contact.is_group and contact.client == world.client_a
    assert contact.setting == "ward" and contact.duration_minutes == 75
    # The client's own supporter facilitated, so the contact is theirs.
    assert contact.supporter == world.supporter and contact.match == world.match_a


def test_group_rejects_future_and_bad_duration(world):
    with pytest.raises(ValidationError) as exc:
        group_session_record(actor=_actor(world, "coord_a"), details=GroupDetails(
            site=world.site_a, kind="community", topic="Walk",
            starts_at=timezone.now() + timedelta(days=1), duration_minutes=0,
            facilitators=[], attendees=[world.client_a]))
    assert {"starts_at", "duration_minutes", "facilitators"} <= set(exc.value.message_dict)


def test_group_form_rejects_a_client_from_another_site(world, login):
    http = login("coord_a")
    response = http.post(reverse("contacts:group_new"), {
        "site": "riverside", "kind": "on_ward", "topic": "Stress",
        "starts_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60", "facilitators": [str(world.supporter.pk)],
        "attendees": [str(world.client_b.public_id)]})
    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors
    assert not GroupSession.objects.exists()


def test_appointment_needs_the_clients_consent(world):
    with pytest.raises(ValidationError) as exc:
        appointment_create(actor=_actor(world), client=world.client_a,
                           details=AppointmentDetails(
                                        starts_at=timezone.now() + timedelta(days=2),
                                        place="", purpose="Housing office"))
    assert {"consent_to_accompany", "place"} <= set(exc.value.message_dict)
