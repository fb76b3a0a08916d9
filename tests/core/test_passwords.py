"""Password reset by e-mail (Django's views, rate-limited, audited) and password change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient

from bridgeway.audit.models import AuditEvent
from tests.factories import PASSWORD, signs_in


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _ask(http: HttpClient, email: str) -> int:
    return http.post("/accounts/password/reset/", {"email": email}).status_code


def test_reset_by_email_sets_a_new_password(world):
    world.coord_a.email = "sam@example.org"
    world.coord_a.save()
    http = HttpClient()
    assert http.get("/accounts/login/").content.decode().count("/accounts/password/reset/") == 1
    assert _ask(http, "sam@example.org") == 302
    (message,) = mail.outbox
    assert "Sam" not in message.subject and "coord_a" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)  # type: ignore[union-attr]
    form = http.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    target = form.redirect_chain[-1][0]
    response = http.post(target, {"new_password1": "fresh-secret-password-7",
                                  "new_password2": "fresh-secret-password-7"})
    assert response.status_code == 302
    assert signs_in("coord_a", "fresh-secret-password-7")
    assert http.get(link, follow=True).context["validlink"] is False  # single use
    actions = set(AuditEvent.objects.filter(category="accounts").values_list("action", flat=True))
    assert {"password_reset_request", "password_reset"} <= actions


def test_unknown_address_answers_the_same_and_sends_nothing(world):
    assert _ask(HttpClient(), "nobody@example.org") == 302
    assert not mail.outbox
    event = AuditEvent.objects.get(action="password_reset_request")
    assert "nobody" not in event.detail


def test_reset_requests_are_rate_limited_per_email(world, settings):
    world.coord_a.email = "sam@example.org"
    world.coord_a.save()
    settings.BRIDGEWAY_RESET_LIMIT_PER_EMAIL = 3
    http = HttpClient()
    statuses = [_ask(http, "sam@example.org") for _ in range(6)]
    assert statuses == [302] * 6  # the same answer every time
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="password_reset_request", outcome="denied").count() == 3


def test_reset_requests_are_rate_limited_per_address(world, settings):
    settings.BRIDGEWAY_RESET_LIMIT_PER_ADDRESS = 2
    settings.BRIDGEWAY_RESET_LIMIT_PER_EMAIL = 100
    for user in (world.coord_a, world.coord_b, world.lead_a):
        user.email = f"{user.username}@example.org"
        user.save()
    http = HttpClient()
    for user in (world.coord_a, world.coord_b, world.lead_a):
        _ask(http, user.email)
    assert len(mail.outbox) == 2


def test_change_password_checks_the_old_one_and_the_rules(world, login):
    http = login("staff_a")
    response = http.post("/accounts/password/change/", {
        "old_password": "wrong", "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert {"old_password", "new_password2"} <= set(response.context["form"].errors)
    response = http.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "a-new-and-long-one-3",
        "new_password2": "a-new-and-long-one-3"})
    assert response.status_code == 302
    assert http.get("/accounts/password/change/done/").status_code == 200  # still signed in
    assert signs_in("staff_a", "a-new-and-long-one-3")
    assert AuditEvent.objects.filter(action="password_change", outcome="allowed").count() == 1
