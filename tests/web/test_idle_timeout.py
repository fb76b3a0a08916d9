"""The idle timeout is renewed by activity at most once a minute (bridgeway/web/sessions.py):
a page does not write the session row on every request, and the expiry still moves on."""

from __future__ import annotations

import time

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bridgeway.web import sessions


def _session_writes(http, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(path).status_code == 200
    return sum(1 for q in ctx.captured_queries
               if q["sql"].startswith(("UPDATE \"django_session\"", "INSERT INTO \"django_session\"")))


def test_activity_renews_the_expiry_at_most_once_a_minute(world, login, monkeypatch, settings):
    settings.BRIDGEWAY_SESSION_RENEW_SECONDS = 60
    http = login("coord_a")  # the sign-in stamped the session (tests/conftest.py)
    clock = [time.time() + 61]
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    page = f"/clients/{world.client_a.public_id}/"
    key = http.cookies[settings.SESSION_COOKIE_NAME].value
    assert _session_writes(http, page) == 1  # a minute after the sign-in: renewed
    expiry = Session.objects.get(session_key=key).expire_date
    clock[0] += 59
    assert _session_writes(http, page) == 0
    assert Session.objects.get(session_key=key).expire_date == expiry
    clock[0] += 2
    assert _session_writes(http, page) == 1
    assert Session.objects.get(session_key=key).expire_date > expiry


def test_an_expired_session_is_signed_out(world, login, settings):
    http = login("coord_a")
    page = f"/clients/{world.client_a.public_id}/"
    key = http.cookies[settings.SESSION_COOKIE_NAME].value
    assert http.get(page).status_code == 200
    from datetime import timedelta

    from django.utils import timezone

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = http.get(page)
    assert response.status_code == 302 and "/accounts/login/" in response.url
