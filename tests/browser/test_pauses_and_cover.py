"""Item 5 of issue 15 in Chromium: the coordinator lifts a supporter's pause from the break
alert (the alert resolves), arranges a colleague to cover the supporter's client, and the
colleague, on a phone, finds the client in My clients."""

from __future__ import annotations

import pytest

from bridgeway.clients.covers import Cover
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from bridgeway.safety.models import Alert
from bridgeway.supporters.services import checkin_record

from .conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_lift_a_pause_from_the_alert_then_arrange_cover(live_server, world, desktop, phone):
    checkin_record(actor=Actor(user=world.supporter.user, role=Role.PEER_SUPPORTER),
                   supporter=world.supporter, feeling="break")
    alert = Alert.objects.get(rule="break_requested")
    page = desktop
    sign_in(page, live_server.url, "coord_a")
    page.goto(f"{live_server.url}/safety/alerts/{alert.public_id}/")
    assert page.get_by_role("link", name="Jordan Peer").count() == 1
    page.fill("#lift-note", "Talked it through; ready again")
    page.get_by_role("button", name="Lift the pause").click()
    page.wait_for_load_state("networkidle")
    alert.refresh_from_db()
    world.supporter.refresh_from_db()
    assert alert.status == "resolved" and world.supporter.status == "active"
    assert "Talked it through; ready again" in page.inner_text("main")
    assert page.get_by_role("button", name="Lift the pause").count() == 0

    page.goto(f"{live_server.url}/clients/{world.client_a.public_id}/")
    page.get_by_role("link", name="Arrange cover").click()
    page.select_option("select[name=supporter]", str(world.other_supporter.pk))
    page.locator("form").get_by_role("button", name="Arrange cover").click()
    page.wait_for_load_state("networkidle")
    assert "Covered by" in page.inner_text("main")
    assert Cover.objects.filter(match=world.match_a, supporter=world.other_supporter).exists()
    screenshot(page, "cover-arranged")

    sign_in(phone, live_server.url, "other_supporter")
    phone.goto(f"{live_server.url}/clients/mine/")
    assert "Covering for Jordan Peer" in phone.inner_text("main")
    phone.get_by_role("link", name="Daniel Tremblay").click()
    phone.wait_for_load_state("networkidle")
    assert "You are covering for Jordan Peer" in phone.inner_text("main")
    screenshot(phone, "cover-colleague-phone")
