"""Lifting a pause: from the break alert, from the profile, or by editing the status. Whichever
door, the alert resolves, the break check-in counts as followed up and the profile no longer
reads "Active — Asked for a break"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgeway.audit.models import AuditEvent
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from bridgeway.safety.models import Alert, Notification
from bridgeway.supporters.models import CheckIn, SupporterProfile
from bridgeway.supporters.services import checkin_record
from tests.supporters.test_pages import PROFILE

pytestmark = pytest.mark.django_db


def _break(world) -> Alert:  # type: ignore[no-untyped-def]
    checkin_record(actor=Actor(user=world.supporter.user, role=Role.PEER_SUPPORTER),
                   supporter=world.supporter, feeling="break")
    world.supporter.refresh_from_db()
    assert world.supporter.status == "paused"
    return Alert.objects.get(rule="break_requested", subject_id=world.supporter.pk)


def _lifted(world) -> None:  # type: ignore[no-untyped-def]
    world.supporter.refresh_from_db()
    assert world.supporter.status == SupporterProfile.Status.ACTIVE
    assert world.supporter.status_reason != "Asked for a break"
    assert Alert.objects.get(rule="break_requested").status == Alert.Status.RESOLVED
    assert not CheckIn.objects.filter(feeling="break", handled_at__isnull=True).exists()


def test_the_break_alert_links_to_the_supporter_and_to_lifting(world, login):
    alert = _break(world)
    note = Notification.objects.get(recipient=world.coord_a, kind="checkin_break")
    assert note.url == reverse("safety:alert", kwargs={"public_id": alert.public_id})
    inbox = login("coord_a").get(reverse("safety:inbox")).content.decode()
    assert reverse("supporters:detail", args=[world.supporter.public_id]) in inbox
    page = login("coord_a").get(note.url).content.decode()
    assert reverse("supporters:detail", args=[world.supporter.public_id]) in page
    assert reverse("supporters:lift_pause", args=[world.supporter.public_id]) in page


def test_coordinator_lifts_the_pause_from_the_alert(world, login):
    alert = _break(world)
    back = reverse("safety:alert", kwargs={"public_id": alert.public_id})
    response = login("coord_a").post(
        reverse("supporters:lift_pause", args=[world.supporter.public_id]),
        {"note": "Talked on Monday, ready again", "next": back})
    assert response.status_code == 302 and response.url == back
    _lifted(world)
    alert.refresh_from_db()
    assert alert.resolution_note == "Talked on Monday, ready again"
    assert AuditEvent.objects.filter(category="supporter_profile", action="status",
                                     detail__contains="paused->active").exists()
    page = login("coord_a").get(back).content.decode()
    assert reverse("supporters:lift_pause", args=[world.supporter.public_id]) not in page


def test_lifting_from_the_profile_and_the_profile_reads_active(world, login):
    _break(world)
    http = login("coord_a")
    profile = reverse("supporters:detail", args=[world.supporter.public_id])
    assert "Asked for a break" in http.get(profile).content.decode()
    response = http.post(reverse("supporters:lift_pause", args=[world.supporter.public_id]))
    assert response.status_code == 302 and response.url == profile
    _lifted(world)
    page = http.get(profile).content.decode()
    assert "Asked for a break" not in page
    assert reverse("supporters:lift_pause", args=[world.supporter.public_id]) not in page


def test_setting_the_status_to_active_on_the_edit_form_lifts_the_pause(world, login):
    _break(world)
    url = reverse("supporters:edit", args=[world.supporter.public_id])
    response = login("coord_a").post(url, {**PROFILE, "sites": [world.site_a.pk],
                                           "status": "active",
                                           "status_reason": "Asked for a break"})
    assert response.status_code == 302
    _lifted(world)


def test_lifting_is_refused_to_others_and_to_an_outside_next(world, login):
    _break(world)
    url = reverse("supporters:lift_pause", args=[world.supporter.public_id])
    for persona in ("lead_a", "coord_b", "supporter", "other_supporter"):
        assert login(persona).post(url).status_code == 403
    world.supporter.refresh_from_db()
    assert world.supporter.status == "paused"
    response = login("coord_a").post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("supporters:detail", args=[world.supporter.public_id])
    # lifting twice says so instead of failing
    response = login("coord_a").post(url, follow=True)
    assert "not paused" in response.content.decode()
