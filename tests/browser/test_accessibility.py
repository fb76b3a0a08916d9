"""axe-core (vendored, pinned) on every page each role can open, desktop and phone: 0 WCAG 2.1
A/AA violations.

The pages come from the access matrix (tests/access_matrix/): every GET row a persona is
expected to open with 200, outside htmx fragments, rendered in Chromium as that persona after a
real sign-in. Files (CSV, PDF, calendar feeds) are skipped by their content type. The count of
violations per page is printed, so CI's log shows where a regression landed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from tests.access_matrix import Row, collect_rows

from .conftest import DESKTOP, PHONE, sign_in

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core-4.10.2" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Persona of the access matrix -> username in tests/conftest.py's world.
PERSONAS = {
    "coord_a": "coord_a", "lead_a": "lead_a", "supporter": "jordan", "staff_a": "staff_a",
    "evaluator": "evaluator", "admin": "admin_user",
}
# Who uses Bridgeway on a phone: the supporter above all, and the nurse on a ward tablet/phone.
ON_A_PHONE = ("supporter", "staff_a")


def _pages_for(persona: str) -> list[Row]:
    rows = []
    seen: set[str] = set()
    for row in collect_rows():
        if row.method != "GET" or row.headers or row.expect.get(persona) != 200:
            continue
        if row.url_name in seen:  # one look per page; variants differ in data, not layout
            continue
        seen.add(row.url_name)
        rows.append(row)
    return rows


def _value(item: Any, world: Any) -> Any:
    return item(world) if callable(item) else item


def _url(row: Row, world: Any, base: str) -> str:
    if row.setup is not None:
        row.setup(world)
    kwargs = row.kwargs(world) if row.kwargs else None
    url = base + reverse(row.url_name, kwargs=kwargs)
    data: Mapping[str, Any] | Callable[..., Any] | None = row.data
    if data:
        query = {k: _value(v, world) for k, v in _value(data, world).items()}
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        # Only violations are reported in full: axe then skips collecting every passing node,
        # which was most of the walk's time (the rules run and judge every node all the same).
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_21_AA)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def _walk(browser: Browser, live_server: Any, world: Any, persona: str,
          viewport: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    # The test injects axe as a script tag; the site's own CSP must not stop the tool itself.
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(20_000)
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        sign_in(page, live_server.url, PERSONAS[persona])
        for row in _pages_for(persona):
            try:
                response = page.goto(_url(row, world, live_server.url))
            except PlaywrightError as exc:  # a file (CSV, PDF, calendar) is a download, not a page
                if "Download is starting" in str(exc):
                    continue
                raise
            assert response is not None
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            assert response.status == 200, f"{row.label} as {persona}: {response.status}"
            violations = _violations(page)
            print(f"axe {persona} {viewport['width']}px {row.url_name}: {len(violations)}")
            if violations:
                found[row.url_name] = violations
    finally:
        context.close()
    return found


CASES = [(p, DESKTOP) for p in PERSONAS] + [(p, PHONE) for p in ON_A_PHONE]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("persona", "viewport"), CASES,
                         ids=[f"{p}-{v['width']}px" for p, v in CASES])
def test_every_page_has_no_wcag_violation(browser, live_server, world, persona, viewport):
    found = _walk(browser, live_server, world, persona, viewport)
    assert not found, "axe violations (WCAG 2.1 AA):\n" + "\n".join(
        f"{page}: {v['id']} ({v['impact']}) {v['help']} at {v['targets']}"
        for page, vs in found.items() for v in vs)


def test_every_role_reaches_some_pages():
    """The walk is not vacuous: each persona has pages to check."""
    for persona in PERSONAS:
        assert len(_pages_for(persona)) >= 3, persona
