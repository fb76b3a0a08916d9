"""Phone first (issue 15, item 7): on a 390x844 phone a supporter reaches log contact, call
and report an incident without scrolling, logs a contact from "My clients", and finds a new
match in their inbox."""

from __future__ import annotations

import pytest

from bridgeway.contacts.models import Contact
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from bridgeway.matching import services as matching
from bridgeway.matching.models import MatchingRun, Proposal
from tests import factories as f

from .conftest import PHONE, screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_supporter_works_from_the_first_screen_of_a_phone(live_server, world, phone):
    # A coordinator approves a proposal for a second client: the match is announced.
    newcomer = f.ClientFactory(given_name="Léa", family_name="Roy")
    enrolment = f.EnrolmentFactory(client=newcomer, site=world.site_a, status="waitlisted")
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
    world.supporter.max_active_clients = 3
    world.supporter.save(update_fields=["max_active_clients"])
    run = MatchingRun.objects.create(site=world.site_a, created_by=world.coord_a)
    proposal = Proposal.objects.create(
        run=run, enrolment=enrolment, supporter=world.supporter, site=world.site_a, score=50.0)
    matching.proposal_approve(actor=Actor(user=world.coord_a, role=Role.COORDINATOR,
                                          site_code=world.site_a.code), proposal=proposal)

    sign_in(phone, live_server.url, "jordan")
    phone.goto(f"{live_server.url}/clients/{world.client_a.public_id}/")
    quick = phone.locator("nav.quick-actions")
    actions = [quick.get_by_role("button", name="Log contact"),
               quick.get_by_role("button", name="Call 519-555-0100"),
               quick.get_by_role("button", name="Report an incident")]
    assert phone.evaluate("window.scrollY") == 0
    for action in actions:
        box = action.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert actions[1].get_attribute("href") == "tel:519-555-0100"
    screenshot(phone, "phone-first-client-page")

    # My clients (the supporter's home) → the fast log form → saved.
    phone.goto(f"{live_server.url}/clients/mine/")
    card = phone.locator(f"article[data-client='{world.client_a.public_id}']")
    card.get_by_role("button", name="Log contact").click()
    phone.wait_for_selector("#log-form")
    phone.check("input[name=outcome][value=met]")  # a new form starts blank (decision 0022)
    phone.check("input[name=mode][value=phone]")
    phone.check("input[name=setting][value=community]")
    phone.fill("input[name=duration_minutes]", "15")
    phone.check("input[name=activities][value=emotional_support]")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Save contact").click()
    contact = Contact.objects.get()
    assert (contact.client, contact.duration_minutes) == (world.client_a, 15)

    # The new match is in the inbox, and opens the new client's page.
    phone.goto(f"{live_server.url}/safety/inbox/")
    notice = phone.get_by_role("button", name="New match: Léa R.")
    assert notice.is_visible()
    notice.click()
    phone.wait_for_url(f"{live_server.url}/clients/{newcomer.public_id}/")
    assert "Léa Roy" in phone.inner_text("h1")
