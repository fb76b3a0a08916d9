"""Keyboard only (issue 15): a supporter logs a contact, reports an incident and checks in, and
a coordinator approves a proposal, with Tab, Shift+Tab, Enter, Space and the arrow keys — no
click anywhere — and every stop shows where the focus is (an outline)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from bridgeway.contacts.models import Contact
from bridgeway.matching.models import MatchingRun, Proposal
from bridgeway.safety.models import Incident
from bridgeway.supporters.models import CheckIn
from tests import factories as f

from .conftest import one_recovery_code

# What has focus, and whether it is drawn: an outline of at least 1px that is not "none".
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '',
          type: e.getAttribute('type') || '', value: e.value || '',
          text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 80),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1,
          visible: r.width > 0 && r.height > 0};
}"""


def focused(page: Page) -> dict[str, Any] | None:
    info: dict[str, Any] | None = page.evaluate(FOCUSED)
    return info


def tab_to(page: Page, css: str, *, back: bool = False, limit: int = 80) -> dict[str, Any]:
    """Tab (or Shift+Tab) until the focused element matches `css` (it may have it already,
    e.g. by autofocus); every stop on the way must show its focus. Past the last element the
    focus leaves the page once (the browser's own controls), then comes back to the first."""
    here = focused(page)
    if here is not None and page.evaluate("css => document.activeElement.matches(css)", css):
        return here
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = focused(page)
        if info is None:
            continue
        assert info["outline"] and info["visible"], f"focus not visible on {info}"
        if page.evaluate("css => document.activeElement.matches(css)", css):
            return info
    raise AssertionError(f"{css} not reached by keyboard")


def sign_in_by_keyboard(page: Page, base: str, username: str) -> None:
    code = one_recovery_code(username)
    page.goto(f"{base}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(f.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if "/accounts/two-factor/" in page.url:
        tab_to(page, "input[name=token]")
        page.keyboard.type(code)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "/accounts/" not in page.url, page.url


def submit(page: Page, css: str) -> None:
    tab_to(page, css)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_walk(live_server, world, desktop):
    page, base = desktop, live_server.url
    client_page = f"{base}/clients/{world.client_a.public_id}/"
    sign_in_by_keyboard(page, base, "jordan")

    # The skip link comes first and takes the focus past the navigation.
    page.goto(client_page)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    page.keyboard.press("Enter")
    first = tab_to(page, "main a, main button, main input", limit=1)
    assert first["text"] == "Log contact"  # the first thing in the page, as on a phone

    # Log a contact: radios with Space and the arrow keys, a checkbox with Space.
    page.keyboard.press("Enter")
    page.wait_for_selector("#log-form")
    tab_to(page, "input[name=outcome]")
    page.keyboard.press("Space")  # Met
    tab_to(page, "input[name=mode]")
    page.keyboard.press("Space")  # In person
    page.keyboard.press("ArrowRight")  # Phone
    tab_to(page, "input[name=setting]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=duration_minutes]")
    page.keyboard.type("25")
    page.keyboard.press("Escape")  # closes the suggested durations (a datalist)
    tab_to(page, "input[name=activities]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=note]")
    page.keyboard.type("Talked on the phone.")
    tab_to(page, "input[name=duration_minutes]", back=True)  # Shift+Tab goes back up
    submit(page, "#log-form button[type=submit]")
    contact = Contact.objects.get()
    assert (contact.mode, contact.duration_minutes, contact.note) == (
        "phone", 25, "Talked on the phone.")

    # Report an incident from the client page's third action.
    page.goto(client_page)
    tab_to(page, "nav.quick-actions a.quick-incident")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "input[name=kind]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=description]")
    page.keyboard.type("Raised voices in the hallway.")
    tab_to(page, "input[name=severity]")
    page.keyboard.press("Space")
    submit(page, "main form button[type=submit]")
    incident = Incident.objects.get()
    assert incident.description == "Raised voices in the hallway."

    # Check in.
    page.goto(f"{base}/safety/check-in/")
    tab_to(page, "input[name=feeling]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=note]")
    page.keyboard.type("Good week.")
    submit(page, "main form button[type=submit]")
    assert CheckIn.objects.get(supporter=world.supporter).note == "Good week."

    # The coordinator approves a proposal.
    newcomer = f.EnrolmentFactory(client=f.ClientFactory(given_name="Léa", family_name="Roy"),
                                  site=world.site_a, status="waitlisted")
    f.ConsentFactory(enrolment=newcomer, version=1, recorded_by=world.coord_a)
    world.supporter.max_active_clients = 3
    world.supporter.save(update_fields=["max_active_clients"])
    run = MatchingRun.objects.create(site=world.site_a, created_by=world.coord_a)
    proposal = Proposal.objects.create(run=run, enrolment=newcomer, supporter=world.supporter,
                                       site=world.site_a, score=50.0)
    page.context.clear_cookies()
    sign_in_by_keyboard(page, base, "coord_a")
    page.goto(f"{base}/matching/site/{world.site_a.code}/proposals/")
    submit(page, f"button.approve[data-proposal='{proposal.public_id}']")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
