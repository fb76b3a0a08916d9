"""The evaluation dashboard draws its charts in Chromium, each with its table of numbers."""

from __future__ import annotations

import pytest

from tests.outcomes.conftest import program_data  # noqa: F401  # fixture

from .conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_site_lead_sees_dashboard_charts(live_server, world, program_data, desktop):  # noqa: F811 — pytest fixtures imported by name
    sign_in(desktop, live_server.url, "lead_a")
    errors: list[str] = []
    desktop.on("pageerror", lambda exc: errors.append(str(exc)))
    desktop.goto(f"{live_server.url}/outcomes/?site=riverside&start=2022-01-01")
    for chart in ("chart-km", "chart-its-0-median_los", "chart-its-0-readmit_rate",
                  "chart-fidelity", "chart-hours"):
        desktop.wait_for_selector(f"canvas#{chart}[data-rendered='1']")
    # Chart.js drew something: the KM canvas has non-blank pixels.
    drawn = desktop.evaluate(
        """() => { const c = document.getElementById('chart-km');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
                   return n; }""")
    assert drawn > 500
    assert not errors, errors
    headline = desktop.inner_text("#headline table")
    # 4 of the 12 followed program clients were readmitted: a small count, hidden.
    assert "Readmitted within 30 days" in headline and "<5/12" in headline
    assert desktop.locator("#its table").first.is_visible()
    screenshot(desktop, "outcomes-dashboard-desktop")
    assert "Aurelio" not in desktop.content()  # no client names on an outcome page


@pytest.mark.django_db(transaction=True)
def test_evaluator_dashboard_on_a_phone(live_server, world, program_data, phone):  # noqa: F811 — pytest fixtures imported by name
    sign_in(phone, live_server.url, "evaluator")
    phone.goto(f"{live_server.url}/outcomes/?site=riverside&start=2022-01-01")
    phone.wait_for_selector("canvas#chart-km[data-rendered='1']")
    assert phone.locator("h1").inner_text() == "Evaluation"
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "outcomes-dashboard-phone")
    phone.goto(f"{live_server.url}/outcomes/feedback/?site=riverside")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
