"""Logging on a phone: the form is pre-filled from the supporter's last contact with the client."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bridgeway.contacts.models import Contact

from .helpers import add_contact


def test_defaults_come_from_the_last_contact(world, login):
    add_contact(world.match_a, at=timezone.now() - timedelta(days=9), minutes=90, mode="in_person",
                setting="community", activities=["routine"])
    add_contact(world.match_a, at=timezone.now() - timedelta(days=2), minutes=25, mode="phone",
                setting="community", activities=["emotional_support", "goal_work"])
    world.client_a.stays.update(discharged_on=timezone.localdate() - timedelta(days=5))
    http = login("supporter")
    form = http.get(reverse("contacts:log", args=[world.client_a.public_id])).context["form"]
    assert form.initial["mode"] == "phone"
    assert form.initial["duration_minutes"] == 25
    assert form.initial["activities"] == ["emotional_support", "goal_work"]
    assert form.initial["setting"] == "community"
    assert form.initial["occurred_at"] <= timezone.now()


def test_first_contact_on_the_ward_defaults(world, login):
    form = login("supporter").get(reverse("contacts:log", args=[world.client_a.public_id])).context["form"]
    assert form.initial["setting"] == "ward"  # client_a is an inpatient and shares stay status
    assert form.initial["duration_minutes"] == 60


def test_a_typical_log_is_one_tap_after_the_defaults(world, login):
    """Submitting the pre-filled form as is logs the contact (the phone flow)."""
    add_contact(world.match_a, at=timezone.now() - timedelta(days=2), minutes=30, mode="phone",
                setting="community", activities=["emotional_support"])
    http = login("supporter")
    url = reverse("contacts:log", args=[world.client_a.public_id])
    form = http.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if k != "occurred_at"}
    data["occurred_at"] = form.initial["occurred_at"].strftime("%Y-%m-%dT%H:%M")
    response = http.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("contacts:caseload")
    latest = Contact.objects.latest("created_at")
    assert latest.mode == "phone" and latest.duration_minutes == 30
