"""One way to write dates, times and numbers per language (bridgeway/formats/, issue 15)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from bridgeway.outcomes import formatting

TEMPLATES = Path(__file__).resolve().parents[2] / "bridgeway" / "web"
NBSP = "\u00a0"


def render(text: str, **context: object) -> str:
    return Template(text).render(Context(context))


@pytest.mark.parametrize(("lang", "day", "expected"), [
    ("fr", date(2026, 12, 1), "1er décembre 2026"),
    ("fr", date(2026, 12, 2), "2 décembre 2026"),
    ("fr", date(2026, 11, 21), "21 novembre 2026"),
    ("en", date(2026, 12, 1), "December 1, 2026"),
])
def test_long_dates(lang, day, expected):
    with translation.override(lang):
        assert render("{{ d|longdate }}", d=day) == expected


def test_times_and_datetimes_in_local_time():
    moment = datetime(2026, 12, 1, 19, 30, tzinfo=ZoneInfo("UTC"))  # 14:30 in Toronto
    with translation.override("fr"):
        assert render("{{ t|clock }}", t=moment) == "14 h 30"
        assert render("{{ t|longdatetime }}", t=moment) == "1er décembre 2026, 14 h 30"
        assert render("{{ t|monthday }}", t=moment) == "mar 1er décembre"
    with translation.override("en"):
        assert render("{{ t|longdatetime }}", t=moment) == "December 1, 2026, 14:30"


def test_numbers_and_percentages():
    with translation.override("fr"):
        assert formatting.percent(0.0714) == f"7,1{NBSP}%"
        assert formatting.number(12345.678) == f"12{NBSP}345,7"
        assert formatting.p_value(0.0001) == "p < 0,001"
    with translation.override("en"):
        assert formatting.percent(0.0714) == "7.1%"
        assert formatting.number(12345.678) == "12,345.7"


def test_pages_use_the_shared_formats():
    """No page writes its own date pattern (inputs keep ISO; the audit trail keeps seconds)."""
    own = []
    for path in TEMPLATES.rglob("*.html"):
        if "audit" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r'\|date:"', line) and 'value="' not in line:
                own.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert not own, own
