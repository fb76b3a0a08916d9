"""The alert inbox in Chromium: a coordinator acknowledges and resolves; a supporter on a
phone reports an incident in two taps from the client page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bridgeway.safety.models import Alert, Incident

from .conftest import screenshot, sign_in


def _alert(world) -> Alert:
    return Alert.objects.create(rule="contact_lapse", severity="urgent", site=world.site_a,
                                subject_id=world.client_a.pk, client=world.client_a,
                                owner_role="peer_supporter", due_on=timezone.localdate())


@pytest.mark.django_db(transaction=True)
def test_coordinator_works_through_the_alert_inbox(live_server, world, desktop):
    alert = _alert(world)
    page = desktop
    sign_in(page, live_server.url, "coord_a")
    page.goto(f"{live_server.url}/safety/alerts/")
    card = page.locator(f"[data-alert='{alert.public_id}']")
    assert "Daniel T." in card.inner_text()
    card.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state("networkidle")
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    page.locator(f"[data-alert='{alert.public_id}']").get_by_role(
        "button", name="Resolve, snooze or escalate").click()
    page.fill("textarea[name=note]", "Called Daniel; meeting on Monday.")
    page.get_by_role("button", name="Resolve with this note").click()
    page.wait_for_load_state("networkidle")
    assert "Called Daniel; meeting on Monday." in page.inner_text("main")
    alert.refresh_from_db()
    assert alert.status == "resolved"
    screenshot(page, "safety-alert-resolved")
    page.goto(f"{live_server.url}/safety/alerts/")
    assert page.locator(f"[data-alert='{alert.public_id}']").count() == 0


@pytest.mark.django_db(transaction=True)
def test_supporter_reports_an_incident_and_takes_it_back(live_server, world, phone):
    sign_in(phone, live_server.url, "jordan")
    phone.goto(f"{live_server.url}/clients/{world.client_a.public_id}/")
    phone.get_by_text("Report an incident").first.click()
    phone.get_by_label("Verbal aggression").check()
    phone.get_by_label("In a few words").fill("Shouted at me in the hallway.")
    phone.get_by_label("Minor: nobody was hurt or in danger").check()
    phone.get_by_role("button", name="Report").click()
    phone.wait_for_selector("text=Withdraw this report")
    incident = Incident.objects.get(kind="verbal_aggression", reported_by=world.supporter.user)
    assert (incident.client, incident.severity) == (world.client_a, "minor")
    screenshot(phone, "safety-incident-reported-phone")
    phone.get_by_role("button", name="Withdraw this report").click()
    phone.wait_for_url(f"{live_server.url}/safety/incidents/")
    incident.refresh_from_db()
    assert incident.status == "withdrawn"


@pytest.mark.django_db(transaction=True)
def test_rule_filter_submits_on_change_without_inline_script(live_server, world, desktop):
    """The filter's select submits itself through static/bridgeway.js (no onchange=, CSP)."""
    _alert(world)
    sign_in(desktop, live_server.url, "coord_a")
    desktop.goto(f"{live_server.url}/safety/alerts/")
    desktop.select_option("select[name=rule]", "contact_lapse")
    desktop.wait_for_url("**rule=contact_lapse**")
    assert "rule=contact_lapse" in desktop.url
