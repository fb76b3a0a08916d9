"""Sign-in through the real form: lockout per account and per address, unlock, audit."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from bridgeway.audit.models import AuditEvent
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def _try(http: HttpClient, username: str, password: str, address: str = "203.0.113.7") -> int:
    response = http.post(LOGIN, {"username": username, "password": password},
                         REMOTE_ADDR=address)
    return int(response.status_code)


def _events(action: str, **filters: object) -> int:
    return AuditEvent.objects.filter(category="sign_in", action=action, **filters).count()


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES = 12
    settings.BRIDGEWAY_2FA_ENFORCED = False  # this file is about the password step
    return settings


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(world, limits):
    http = HttpClient()
    statuses = [_try(http, "staff_a", f"wrong-{i}") for i in range(30)]
    assert statuses[:4] == [200] * 4  # the form again, with an error
    assert set(statuses[4:]) == {429}  # locked from the fifth failure on
    assert _try(http, "staff_a", PASSWORD) == 429
    assert "_auth_user_id" not in http.session
    assert _events("sign_in_failed") == 31  # every attempt, the refused ones too
    assert _events("lockout") == 1
    assert _events("sign_in") == 0
    event = AuditEvent.objects.filter(action="sign_in_failed").last()
    assert event is not None and str(world.staff_a.public_id) in event.detail
    assert "wrong" not in event.detail and PASSWORD not in event.detail


def test_lockout_of_one_account_holds_from_another_address(world, limits):
    for i in range(5):
        _try(HttpClient(), "staff_a", f"wrong-{i}", address="203.0.113.7")
    assert _try(HttpClient(), "staff_a", PASSWORD, address="198.51.100.9") == 429
    # Another account from the first address still signs in.
    assert _try(HttpClient(), "staff_b", PASSWORD, address="203.0.113.7") == 302


def test_one_address_is_locked_across_accounts(world, limits):
    names = ["coord_a", "coord_b", "lead_a", "staff_a", "staff_b", "evaluator"]
    statuses = [_try(HttpClient(), names[i % len(names)], "wrong") for i in range(12)]
    assert statuses == [200] * 11 + [429]  # no account reached 5; the address reached 12
    assert _try(HttpClient(), "jordan", PASSWORD) == 429
    assert _try(HttpClient(), "jordan", PASSWORD, address="198.51.100.9") == 302


def test_an_administrator_unlocks_an_account_with_an_audit(world, limits, login):
    for i in range(5):
        _try(HttpClient(), "staff_a", f"wrong-{i}")
    detail = login("admin").get(f"/accounts/staff/{world.staff_a.public_id}/")
    assert detail.context["locked"]
    # A site lead may not unlock.
    lead = HttpClient()
    lead.force_login(world.lead_a)
    assert lead.post("/accounts/staff/lockouts/unlock/",
                     {"username": "staff_a"}).status_code == 403
    assert _try(HttpClient(), "staff_a", PASSWORD) == 429
    admin = login("admin")
    assert admin.get("/accounts/staff/lockouts/").status_code == 200
    assert admin.post("/accounts/staff/lockouts/unlock/",
                      {"username": "staff_a"}).status_code == 302
    assert _events("unlock") == 1
    assert _try(HttpClient(), "staff_a", PASSWORD) == 302


def test_sign_in_and_sign_out_are_audited(world, limits):
    http = HttpClient()
    assert _try(http, "staff_a", PASSWORD) == 302
    assert http.post("/accounts/logout/").status_code == 302
    assert _events("sign_in", outcome="allowed") == 1
    assert _events("sign_out") == 1


def test_unknown_usernames_are_not_stored(world, limits):
    _try(HttpClient(), "correct-horse-typed-in-the-wrong-box", "x")
    event = AuditEvent.objects.get(action="sign_in_failed")
    assert "correct-horse" not in event.detail and "unknown-account" in event.detail


def test_log_lines_name_no_one(world, limits, caplog):
    for i in range(6):
        _try(HttpClient(), "staff_a", f"wrong-{i}")
    text = caplog.text
    assert "staff_a" not in text and "203.0.113.7" not in text
