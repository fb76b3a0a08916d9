"""The print stylesheet: what someone prints (client summary, caseload, evaluation) shows the
content without the menu, filters and buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import sign_in

HIDDEN_WHEN_PRINTED = "header nav, footer, button"


def _visible(page, selector: str) -> int:
    return page.evaluate(
        """s => [...document.querySelectorAll(s)].filter(
             e => getComputedStyle(e).display !== 'none' && e.offsetParent !== null).length""",
        selector)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("username", "url"), [
    ("coord_a", lambda w: reverse("clients:detail", args=[w.client_a.public_id])),
    ("jordan", lambda w: reverse("contacts:caseload")),
    ("evaluator", lambda w: reverse("outcomes:dashboard")),
], ids=["client-summary", "caseload", "evaluation"])
def test_printed_pages_show_content_only(live_server, world, desktop, username, url):
    desktop.set_default_timeout(90_000)  # the evaluation's first load computes every estimate
    sign_in(desktop, live_server.url, username)
    desktop.goto(live_server.url + url(world))
    assert _visible(desktop, HIDDEN_WHEN_PRINTED) > 0  # on screen the controls are there
    heading = desktop.inner_text("main h1")
    desktop.emulate_media(media="print")
    assert _visible(desktop, HIDDEN_WHEN_PRINTED) == 0
    assert _visible(desktop, "main h1") == 1 and desktop.inner_text("main h1") == heading
