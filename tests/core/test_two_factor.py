"""Two-step verification: who must use it, set-up with a TOTP app, codes, recovery codes."""

from __future__ import annotations

import time

import pytest
from django.test import Client as HttpClient
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bridgeway.audit.models import AuditEvent
from bridgeway.core import twofactor
from tests.factories import PASSWORD


def _sign_in(username: str) -> HttpClient:
    """The password step, through the real form."""
    http = HttpClient()
    response = http.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return http


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.BRIDGEWAY_2FA_ENFORCED = True
    settings.BRIDGEWAY_2FA_ALL = False
    # django-otp waits 1, 2, 4… seconds after each wrong code; the tests below type a right
    # code right after a wrong one. test_wrong_codes_slow_down_the_next_try keeps the delay.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_wrong_codes_slow_down_the_next_try(world, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 1
    codes = twofactor.recovery_codes_renew(user=world.staff_a)
    assert twofactor.verify_any(user=world.staff_a, token="wrongcode") is None
    assert twofactor.verify_any(user=world.staff_a, token=codes[0]) is None  # too soon


@pytest.mark.parametrize("persona", ["admin", "coord_a", "lead_a", "evaluator"])
def test_staff_with_wide_access_are_sent_to_set_up(world, persona):
    http = _sign_in(world.persona(persona).username)
    response = http.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/setup/")
    assert http.get("/accounts/two-factor/setup/").status_code == 200


def test_others_are_offered_it_and_a_setting_requires_it_for_all(world, settings):
    http = _sign_in("staff_a")
    assert http.get("/clients/ward/").status_code == 200
    assert http.get("/accounts/security/").status_code == 200
    settings.BRIDGEWAY_2FA_ALL = True
    assert http.get("/clients/ward/").url.startswith("/accounts/two-factor/setup/")


def test_set_up_with_an_authenticator_then_sign_in_with_a_code(world):
    http = _sign_in("coord_a")
    page = http.get("/accounts/two-factor/setup/")
    assert "otpauth://totp/" in page.content.decode()
    qr = http.get("/accounts/two-factor/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=world.coord_a, confirmed=False)
    wrong = http.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["token"]
    done = http.post("/accounts/two-factor/setup/", {"token": _code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert http.get("/supporters/sites/riverside/").status_code == 200  # verified now
    # A new sign-in asks for a code; a code from the app works once.
    again = _sign_in("coord_a")
    assert again.get("/supporters/").url.startswith("/accounts/two-factor/?")
    code = _code(device, offset_steps=1)
    assert again.post("/accounts/two-factor/", {"token": "123"}).status_code == 200
    response = again.post("/accounts/two-factor/", {"token": code, "next": "/supporters/"})
    assert response.status_code == 302 and response.url == "/supporters/"
    assert again.get("/supporters/sites/riverside/").status_code == 200
    third = _sign_in("coord_a")
    assert third.post("/accounts/two-factor/", {"token": code}).status_code == 200  # replay
    # A recovery code works once.
    assert third.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 302
    fourth = _sign_in("coord_a")
    assert fourth.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 200
    actions = list(AuditEvent.objects.filter(category="sign_in").values_list("action", flat=True))
    assert actions.count("2fa_enabled") == 1
    assert actions.count("2fa_verified") == 2 and actions.count("2fa_failed") == 3


def test_an_unverified_session_reaches_nothing_but_the_second_step(world):
    http = _sign_in("admin_user")
    for path in ("/", "/administration/", "/accounts/staff/", "/admin/"):
        response = http.get(path)
        assert response.status_code == 302 and "/accounts/two-factor/" in response.url, path
    assert http.post("/accounts/logout/").status_code == 302


def test_next_cannot_send_elsewhere(world):
    http = _sign_in("admin_user")
    page = http.get("/accounts/two-factor/setup/", {"next": "https://evil.example/"})
    assert page.context["next"] == "/"


def test_an_administrator_removes_a_lost_device(world, login):
    twofactor.totp_start(user=world.staff_a)
    device = TOTPDevice.objects.get(user=world.staff_a)
    twofactor.totp_confirm(user=world.staff_a, token=_code(device))
    assert twofactor.has_device(world.staff_a)
    url = f"/accounts/staff/{world.staff_a.public_id}/two-factor/remove/"
    lead = HttpClient()
    lead.force_login(world.lead_a)
    assert lead.post(url).status_code == 403
    assert login("admin").post(url).status_code == 302
    assert not twofactor.has_device(world.staff_a)
    assert AuditEvent.objects.filter(action="2fa_removed").count() == 1


def test_recovery_codes_renewed_replace_the_old_ones(world):
    twofactor.totp_start(user=world.staff_a)
    device = TOTPDevice.objects.get(user=world.staff_a)
    old = twofactor.totp_confirm(user=world.staff_a, token=_code(device))
    assert old is not None
    new = twofactor.recovery_codes_renew(user=world.staff_a)
    assert twofactor.verify_any(user=world.staff_a, token=old[0]) is None
    assert twofactor.verify_any(user=world.staff_a, token=new[0]) is not None
    assert twofactor.verify_any(user=world.staff_a, token=new[0]) is None  # used once


def _verified_with_totp(username: str) -> tuple[HttpClient, TOTPDevice]:
    http = _sign_in(username)
    http.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    assert http.post("/accounts/two-factor/setup/", {"token": _code(device)}).status_code == 200
    assert http.get("/administration/").status_code == 200
    return http, device


def test_the_second_factor_costs_no_query_of_its_own(world):
    """The session's device is read with the user (access/backends.py): no device query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http, _ = _verified_with_totp("admin_user")
    with CaptureQueriesContext(connection) as ctx:
        assert http.get("/administration/").status_code == 200
    device_reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "otp_')]
    assert not device_reads


@pytest.mark.parametrize("how", ["removed", "unconfirmed", "another_users"])
def test_a_session_stops_being_verified_when_its_device_goes(world, how):
    http, device = _verified_with_totp("admin_user")
    if how == "removed":
        device.delete()
    elif how == "unconfirmed":
        device.confirmed = False
        device.save()
    else:
        device.user = world.coord_a
        device.save()
    response = http.get("/administration/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response.url
