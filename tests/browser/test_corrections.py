"""Corrections with a trail, in Chromium (decision 0022): log a contact, press Back, save the
same form again -> still one contact (the second save lands on it); correct it; read the
earlier version."""

from __future__ import annotations

import pytest

from bridgeway.contacts.models import Contact

from .conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_back_then_save_again_makes_one_contact_then_correct_it(live_server, world, desktop):
    page = desktop
    sign_in(page, live_server.url, "jordan")
    page.goto(f"{live_server.url}/contacts/clients/{world.client_a.public_id}/log/")
    page.check("input[name=outcome][value=met]")
    page.check("input[name=mode][value=in_person]")
    page.check("input[name=setting][value=community]")
    page.fill("input[name=duration_minutes]", "40")
    page.fill("textarea[name=note]", "Coffee at the library.")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"{live_server.url}/contacts/")
    assert Contact.objects.count() == 1

    page.go_back()
    page.wait_for_selector("#log-form")
    # Whatever the browser restored, the same form is submitted again.
    if not page.is_checked("input[name=outcome][value=met]"):
        page.check("input[name=outcome][value=met]")
        page.check("input[name=mode][value=in_person]")
        page.check("input[name=setting][value=community]")
        page.fill("input[name=duration_minutes]", "40")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_selector("text=This contact was already saved")
    contact = Contact.objects.get()
    assert page.url.endswith(f"/contacts/entries/{contact.public_id}/")

    page.get_by_role("button", name="Correct", exact=True).click()
    page.fill("input[name=duration_minutes]", "25")
    page.fill("input[name=reason]", "It was shorter")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_selector("text=Earlier versions")
    main = page.inner_text("main")
    assert "Corrected on" in main and "It was shorter" in main and "40 min" in main
    contact.refresh_from_db()
    assert (contact.duration_minutes, contact.version, Contact.objects.count()) == (25, 2, 1)
