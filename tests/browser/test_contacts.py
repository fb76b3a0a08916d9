"""On a 390x844 phone, Jordan logs a contact for Daniel and ticks off a goal step."""

from __future__ import annotations

import pytest

from bridgeway.contacts.models import Contact, GoalStep, RecoveryGoal

from .conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_supporter_logs_a_contact_and_a_goal_step_on_a_phone(live_server, world, phone):
    goal = RecoveryGoal.objects.create(client=world.client_a, site=world.site_a, domain="school",
                                       title="Go back to college part time",
                                       created_by=world.supporter.user)
    step = GoalStep.objects.create(goal=goal, title="Visit the college's open house", position=0)

    sign_in(phone, live_server.url, "jordan")
    phone.goto(f"{live_server.url}/contacts/")
    card = phone.locator(f"article[data-client='{world.client_a.public_id}']")
    assert "Daniel Tremblay" in card.inner_text()
    assert "Go back to college part time" in card.inner_text()
    screenshot(phone, "contacts-caseload-phone")
    # Nothing on the page is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # Log a contact: met, by phone, 20 minutes, one activity, save.
    card.get_by_role("button", name="Log contact").click()
    phone.wait_for_selector("#log-form")
    phone.check("input[name=outcome][value=met]")  # a new form starts blank (decision 0022)
    phone.check("input[name=mode][value=phone]")
    phone.check("input[name=setting][value=community]")
    phone.fill("input[name=duration_minutes]", "20")
    phone.check("input[name=activities][value=emotional_support]")
    phone.fill("textarea[name=note]", "Checked in about the week.")
    screenshot(phone, "contacts-log-phone")
    phone.get_by_role("button", name="Save contact").click()
    phone.wait_for_url(f"{live_server.url}/contacts/")
    assert "Contact with Daniel logged." in phone.inner_text("main")
    contact = Contact.objects.get()
    assert (contact.mode, contact.duration_minutes, contact.activities) == (
        "phone", 20, ["emotional_support"])
    assert contact.supporter == world.supporter

    # A bad duration is refused next to the field, not with an error page.
    phone.goto(f"{live_server.url}/contacts/clients/{world.client_a.public_id}/log/")
    phone.fill("input[name=duration_minutes]", "0")
    phone.get_by_role("button", name="Save contact").click()
    assert "at least 1 minute" in phone.inner_text("#errors-duration_minutes")
    assert Contact.objects.count() == 1

    # Tick off the goal's first step and add the next one.
    phone.goto(f"{live_server.url}/contacts/")
    phone.locator(f"article[data-client='{world.client_a.public_id}']").get_by_role(
        "link", name="Go back to college part time").click()
    phone.locator(f"li[data-step='{step.public_id}']").get_by_role("button", name="Done").click()
    phone.wait_for_selector(f"li.done[data-step='{step.public_id}']")
    phone.fill("#step-form input[name=title]", "Ask about bursaries")
    phone.locator("#step-form").get_by_role("button", name="Add step").click()
    phone.wait_for_selector("text=Ask about bursaries")
    screenshot(phone, "contacts-goal-phone")
    step.refresh_from_db()
    assert step.done_on is not None
    assert list(goal.steps.values_list("title", flat=True)) == [
        "Visit the college's open house", "Ask about bursaries"]
    assert "Step done" in phone.inner_text(".timeline")


@pytest.mark.django_db(transaction=True)
def test_coordinator_sees_hours_and_gaps_on_a_phone(live_server, world, phone):
    sign_in(phone, live_server.url, "coord_a")
    phone.goto(f"{live_server.url}/contacts/site/")
    assert "Daniel Tremblay" in phone.inner_text("#lapsed")  # never contacted yet
    assert "Jordan Peer" in phone.inner_text("#supporters")
    assert "0 min / 1 h" in phone.inner_text("#supporters")
    screenshot(phone, "contacts-site-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
