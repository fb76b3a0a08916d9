"""Foundation journeys in Chromium: the supporter's phone view; refer, consent, waitlist."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bridgeway.clients.models import Client

from .conftest import screenshot, sign_in

WITHHELD = "Some information is withheld at the client's request."

@pytest.mark.django_db(transaction=True)
def test_supporter_sees_their_client_on_a_phone(live_server, world, phone):
    sign_in(phone, live_server.url, "jordan")
    assert phone.url.endswith("/clients/mine/")
    card = phone.locator("article.client-card").first
    assert "Daniel Tremblay" in card.inner_text()
    assert WITHHELD in card.inner_text()
    call = card.locator("a.call")
    assert call.get_attribute("href") == "tel:519-555-0100"
    box = call.bounding_box()
    assert box is not None and box["height"] >= 40  # a thumb-sized button
    # Nothing overflows the 390px viewport sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "foundation-my-clients-phone")
    # The navigation folds behind "Menu" on a phone and opens on a tap.
    my_profile = phone.locator("#nav-links a", has_text="My profile")
    assert not my_profile.is_visible()
    phone.click("label.nav-toggle-label")
    assert my_profile.is_visible()
    phone.click("label.nav-toggle-label")

    card.locator("header a").click()
    phone.wait_for_load_state("networkidle")
    body = phone.inner_text("main")
    assert "Daniel Tremblay" in body and WITHHELD in body
    assert "Worked as a carpenter" not in body  # background not shared
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "foundation-client-phone")


@pytest.mark.django_db(transaction=True)
def test_ward_staff_refer_and_the_coordinator_enrols(live_server, world, desktop):
    page = desktop
    today = timezone.localdate()
    sign_in(page, live_server.url, "staff_a")
    assert page.url.endswith("/clients/ward/")
    page.locator("a", has_text="Refer a new client").click()
    page.select_option("select[name=ward]", label="Riverside Hospital — 4 East (acute)")
    page.fill("input[name=given_name]", "Robin")
    page.fill("input[name=family_name]", "Ashford")
    page.fill("input[name=date_of_birth]", "1988-06-15")
    page.fill("input[name=health_card_number]", "12345")  # wrong: shown on the field
    page.fill("input[name=admitted_on]", today.replace(day=1).isoformat())
    page.fill("textarea[name=note]", "Asked about peer support at the team meeting.")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    error = page.locator("#field-health_card_number .errorlist")
    assert "10 digits" in error.inner_text()
    screenshot(page, "foundation-referral-error")
    assert not Client.objects.filter(family_name="Ashford").exists()
    page.fill("input[name=health_card_number]", "9876543217")
    page.fill("input[name=date_of_birth]", "1988-06-15")
    page.fill("input[name=admitted_on]", today.replace(day=1).isoformat())
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Robin Ashford" in page.inner_text("h1")
    page.click("header button[type=submit]")  # sign out
    page.wait_for_load_state("networkidle")

    sign_in(page, live_server.url, "coord_a")
    assert "Robin Ashford" in page.inner_text("main")  # new referrals on the dashboard
    page.get_by_role("link", name="Robin Ashford").click()
    page.locator("a", has_text="Record consent").click()
    page.check("input[name=participation][value=yes]")
    page.check("input[name=share][value=contact_details]")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Consented" in page.inner_text("main")
    page.locator("a", has_text="Change status").click()
    page.select_option("select[name=to_status]", "waitlisted")
    page.fill("input[name=reason]", "Ready for a peer supporter")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Waitlisted" in page.inner_text("main")
    screenshot(page, "foundation-enrolled-desktop")
    enrolment = Client.objects.get(family_name="Ashford").enrolments.get()
    assert enrolment.status == "waitlisted"
    assert [h.to_status for h in enrolment.history.all()] == ["referred", "consented",
                                                               "waitlisted"]


@pytest.mark.django_db(transaction=True)
def test_ward_staff_set_expected_discharge_inline(live_server, world, phone):
    from datetime import timedelta

    stay = world.client_a.stays.first()
    new = timezone.localdate() + timedelta(days=12)
    sign_in(phone, live_server.url, "staff_a")
    form = phone.locator("form.inline-date").first
    form.locator("input[name=expected_discharge_on]").fill(new.isoformat())
    form.locator("button").click()
    phone.locator("form.inline-date .saved").first.wait_for()
    stay.refresh_from_db()
    assert stay.expected_discharge_on == new
    assert phone.url.endswith("/clients/ward/")  # updated in place, no page load
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "foundation-ward-phone")
