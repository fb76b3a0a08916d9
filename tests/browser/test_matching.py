"""Matching in Chromium: the coordinator runs matching, reviews and approves; the supporter
sees the new match on their phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from bridgeway.clients.models import Match
from bridgeway.matching.models import Proposal
from bridgeway.supporters.models import SupporterProfile
from tests import factories as f
from tests.conftest import World
from tests.matching.helpers import areas, waiting

from .conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_coordinator_reviews_and_approves_a_proposal(live_server: Any, world: World,
                                                    desktop: Page, phone: Page) -> None:
    areas()
    world.supporter.languages.set([f.language("en", "English")])
    SupporterProfile.objects.filter(pk=world.other_supporter.pk).update(status="paused")
    enrolment = waiting(world.site_a, given_name="Robin", family_name="Fisher",
                        interests=("Fishing",), languages=(("en", "English"),))
    world.supporter.interests.set(enrolment.client.interests.all())

    page = desktop
    sign_in(page, live_server.url, "coord_a")
    page.goto(f"{live_server.url}/matching/")
    assert page.url.endswith(f"/matching/site/{world.site_a.code}/")
    assert "Robin Fisher" in page.inner_text("main")
    page.click("#run-matching")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/proposals/")
    card = page.locator("article.proposal").first
    text = card.inner_text()
    assert "Robin Fisher" in text and "Jordan Peer" in text
    assert "both men" in card.locator("p.reason").inner_text()
    assert "both like fishing" in card.locator("p.reason").inner_text()
    assert "diagnos" not in page.inner_text("main").lower()
    card.locator("summary", has_text="Points per criterion").click()
    assert "Shared interests" in card.inner_text()
    screenshot(page, "matching-review-desktop")

    card.locator("button.approve").click()
    page.wait_for_load_state("networkidle")
    assert "Approved: Jordan Peer supports Robin Fisher." in page.inner_text("main")
    assert Match.objects.filter(enrolment=enrolment, supporter=world.supporter,
                                status="active").exists()
    assert Proposal.objects.get(enrolment=enrolment).status == "approved"
    screenshot(page, "matching-approved-desktop")

    sign_in(phone, live_server.url, "jordan")
    phone.goto(f"{live_server.url}/matching/notices/")
    body = phone.inner_text("main")
    assert "new match" in body and "Robin F." in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "matching-notice-phone")
