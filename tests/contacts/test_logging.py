"""Logging on a phone: a new form starts blank except the client and today (nothing copied from
the previous contact), and a "could not reach" call needs no length or place."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bridgeway.contacts.models import Contact

from .helpers import add_contact


def _when() -> str:
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def test_a_new_form_copies_nothing_from_the_last_contact(world, login):
    add_contact(world.match_a, at=timezone.now() - timedelta(days=2), minutes=25, mode="phone",
                setting="ward", activities=["emotional_support", "goal_work"])
    page = login("supporter").get(reverse("contacts:log", args=[world.client_a.public_id]))
    form = page.context["form"]
    assert set(form.initial) == {"occurred_at", "form_token"}
    assert form.initial["occurred_at"] <= timezone.now()
    body = page.content.decode()
    assert "checked" not in body  # no outcome, mode, place or activity chosen for the supporter
    assert 'name="duration_minutes"' in body and 'name="duration_minutes" value' not in body


def test_each_new_form_has_its_own_token(world, login):
    http = login("supporter")
    url = reverse("contacts:log", args=[world.client_a.public_id])
    first, second = (http.get(url).context["form"].initial["form_token"] for _ in range(2))
    assert first != second


def test_could_not_reach_needs_no_length_or_place(world, login):
    http = login("supporter")
    response = http.post(reverse("contacts:log", args=[world.client_a.public_id]), {
        "occurred_at": _when(), "mode": "phone", "outcome": "not_reached"})
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.duration_minutes is None and contact.setting == ""
    history = http.get(reverse("contacts:client", args=[world.client_a.public_id]))
    row = history.content.decode().split('class="contact-list"')[1].split("</li>")[0]
    assert "Could not reach" in row
    assert not re.search(r"\d+ (h|min)\b", row)  # no length printed ("1 h" before)


def test_a_meeting_needs_its_length_and_place(world, login):
    response = login("supporter").post(
        reverse("contacts:log", args=[world.client_a.public_id]),
        {"occurred_at": _when(), "mode": "in_person", "outcome": "met"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "duration_minutes" in errors and "setting" in errors
    assert not Contact.objects.exists()


def test_a_typical_log_goes_back_to_the_caseload(world, login):
    http = login("supporter")
    url = reverse("contacts:log", args=[world.client_a.public_id])
    token = http.get(url).context["form"].initial["form_token"]
    response = http.post(url, {"occurred_at": _when(), "duration_minutes": "30", "mode": "phone",
                               "setting": "community", "outcome": "met",
                               "activities": ["emotional_support"], "form_token": str(token)})
    assert response.status_code == 302 and response["Location"] == reverse("contacts:caseload")
    latest = Contact.objects.get()
    assert latest.mode == "phone" and latest.duration_minutes == 30
    assert latest.form_token == token
