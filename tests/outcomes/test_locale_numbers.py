"""Every decimal on the evaluation pages goes through the locale: in French no "54.93" beside
"41,6", and p-values read "p < 0,001", never "p = 0,0000"."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from bridgeway.outcomes import formatting


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, chart data or attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(("lang", "value", "expected"), [
    ("fr", 0.0001, "p < 0,001"),
    ("fr", 0.0, "p < 0,001"),
    ("fr", 0.00099, "p < 0,001"),
    ("fr", 0.0423, "p = 0,042"),
    ("fr", 0.5, "p = 0,500"),
    ("en", 0.0001, "p < 0.001"),
    ("en", 0.0423, "p = 0.042"),
    ("en", None, "–"),
])
def test_p_values_follow_the_language(lang, value, expected):
    with translation.override(lang):
        assert formatting.p_value(value) == expected


@pytest.mark.parametrize("value", [0.0, 1e-9, 0.00049, 0.0009999, 0.001, 0.0014, 0.2, 1.0])
def test_a_p_value_never_reads_as_zero(value):
    for lang in ("en", "fr"):
        with translation.override(lang):
            text = formatting.p_value(value)
        assert not re.search(r"= 0[.,]0+$", text), text


@pytest.mark.parametrize("url_name", ["outcomes:dashboard", "outcomes:per_diems"])
def test_no_english_decimal_on_french_evaluation_pages(client, world, program_data, url_name):
    world.evaluator.preferred_language = "fr"
    world.evaluator.save()
    client.force_login(world.evaluator)
    page = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    text = visible_text(page)
    assert re.search(r"\d,\d", text) or url_name != "outcomes:dashboard"  # has decimals at all
    assert not re.findall(r".{30}\d\.\d.{10}", text, flags=re.S)
