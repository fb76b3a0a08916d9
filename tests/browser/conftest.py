"""Playwright driving Debian's Chromium (never a downloaded browser) against a live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("BRIDGEWAY_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`.")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _empty_audit_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a transactional test, empty the audit tables with the triggers lifted briefly:
    SQLite's flush is a DELETE, which the append-only triggers refuse (PostgreSQL flushes
    with TRUNCATE, which row triggers ignore)."""
    yield
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    from django.db import connection

    from tests.audit.forge import empty_audit_tables

    if connection.vendor == "sqlite":
        empty_audit_tables()


def _page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every browser test also proves the Content-Security-Policy blocks nothing the pages need:
    # Chromium reports each blocked script, style or image on the console (docs/decisions/0016).
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert not blocked, f"the page broke its Content-Security-Policy: {blocked}"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, DESKTOP)


def one_recovery_code(username: str) -> str:
    """A fresh single-use recovery code for `username` (a confirmed static device)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from bridgeway.core.models import User

    device, _ = StaticDevice.objects.get_or_create(user=User.objects.get(username=username),
                                                   name="browser tests", confirmed=True)
    code = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=code)
    return code


def sign_in(page: Page, base_url: str, username: str) -> None:
    """The whole sign-in: password, then the second step with a recovery code."""
    code = one_recovery_code(username)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/two-factor/" in page.url:
        page.fill("input[name=token]", code)
        page.click("form:has(input[name=token]) button[type=submit]")
        page.wait_for_load_state("networkidle")


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
