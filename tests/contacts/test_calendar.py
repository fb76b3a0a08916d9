"""The private calendar feed: token only, revocable, first name and initial only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bridgeway.contacts.models import Appointment, CalendarFeed
from tests.conftest import PERSONAS


@pytest.fixture
def appointment(world):  # type: ignore[no-untyped-def]
    return Appointment.objects.create(
        client=world.client_a, match=world.match_a, supporter=world.supporter, site=world.site_a,
        starts_at=timezone.now() + timedelta(days=1), duration_minutes=90,
        place="Riverside Housing Office", purpose="Housing application",
        reminder_minutes=120, consent_to_accompany=True, created_by=world.supporter.user)


def _feed_url(http):  # type: ignore[no-untyped-def]
    assert http.post(reverse("contacts:calendar"), {"op": "create"}).status_code == 302
    feed = CalendarFeed.objects.get(revoked_at__isnull=True)
    return reverse("contacts:calendar_feed", args=[feed.token]), feed


def test_valid_token_serves_the_feed_without_signing_in(world, login, appointment):
    url, _ = _feed_url(login("supporter"))
    response = HttpClient().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Accompany Daniel T."
    assert str(event["LOCATION"]) == "Riverside Housing Office"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    alarms = list(event.walk("VALARM"))
    assert alarms and alarms[0].decoded("TRIGGER") == timedelta(minutes=-120)
    body = response.content.decode()
    assert "Tremblay" not in body  # no family name
    assert "Housing application" not in body  # the purpose stays behind sign-in


def test_revoked_and_unknown_tokens_are_404(world, login, appointment):
    http = login("supporter")
    url, feed = _feed_url(http)
    assert http.post(reverse("contacts:calendar"), {"op": "revoke"}).status_code == 302
    assert HttpClient().get(url).status_code == 404
    assert HttpClient().get(reverse("contacts:calendar_feed", args=["nope"])).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_a_new_link_replaces_the_old_one(world, login, appointment):
    http = login("supporter")
    old_url, _ = _feed_url(http)
    new_url, _ = _feed_url(http)
    assert old_url != new_url
    assert HttpClient().get(old_url).status_code == 404
    assert HttpClient().get(new_url).status_code == 200


def test_feed_drops_clients_no_longer_matched(world, login, appointment):
    url, _ = _feed_url(login("supporter"))
    world.match_a.status = "ended"
    world.match_a.save()
    cal = Calendar.from_ical(HttpClient().get(url).content)
    assert not list(cal.walk("VEVENT"))


def test_feed_is_the_same_for_every_persona_and_anonymous(world, login, appointment):
    """The feed is public by design (the token is the key): check every persona explicitly,
    since the access matrix expects a sign-in redirect for anonymous requests."""
    url, _ = _feed_url(login("supporter"))
    bad = reverse("contacts:calendar_feed", args=["x" * 43])
    for persona in [*PERSONAS, "anonymous"]:
        http = HttpClient()
        if persona != "anonymous":
            http.force_login(world.persona(persona))
        assert http.get(url).status_code == 200, persona
        assert http.get(bad).status_code == 404, persona
        assert http.post(url).status_code == 405, persona
