"""The login page renders in Chromium and a persona can sign in."""

from __future__ import annotations

import pytest

from .conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_sign_in_on_a_phone(live_server, world, phone):
    sign_in(phone, live_server.url, "jordan")
    assert "Welcome" in phone.inner_text("h1")
    screenshot(phone, "smoke-home-phone")
