"""Withdrawal in one step (issue 15, item 3): a coordinator chooses "No" with sharing boxes
still ticked and saves once; the supporter finds the match-ended notice in their inbox and no
longer has the client on their list."""

from __future__ import annotations

import pytest

from bridgeway.clients.models import Match
from bridgeway.safety.models import Alert

from .conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_coordinator_records_withdrawal_and_the_supporter_is_told(live_server, world, desktop,
                                                                 phone):
    consent = world.enrolment_a.consents.get()
    consent.share_contact_details = consent.share_stay_status = True
    consent.save()
    sign_in(desktop, live_server.url, "coord_a")
    desktop.goto(f"{live_server.url}/clients/{world.client_a.public_id}/enrolments/"
                 f"{world.enrolment_a.public_id}/consent/")
    assert desktop.locator("input[name=share][value=contact_details]").is_checked()
    desktop.locator("input[name=participation][value=no]").check()
    desktop.get_by_role("button", name="Record consent").click()
    desktop.wait_for_load_state("networkidle")
    assert "Consent recorded" in desktop.inner_text("main")
    world.match_a.refresh_from_db()
    assert world.match_a.status == Match.Status.ENDED
    assert Alert.objects.filter(rule="consent_withdrawn", client=world.client_a).exists()

    sign_in(phone, live_server.url, "jordan")
    phone.goto(f"{live_server.url}/safety/inbox/")
    inbox = phone.inner_text("main")
    assert "Your match with Daniel T. has ended" in inbox
    assert "withdr" not in inbox.lower()  # told that it ended, not why
    screenshot(phone, "withdrawal-supporter-inbox-phone")
    phone.goto(f"{live_server.url}/clients/mine/")
    assert "Daniel" not in phone.inner_text("main")
