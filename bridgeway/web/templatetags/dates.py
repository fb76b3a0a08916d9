"""Dates and times written one way per language, from the format modules (bridgeway/formats/).

Loaded as a template builtin (settings TEMPLATES), so every page writes `{{ d|longdate }}`
instead of its own `date:"..."` pattern. French takes the ordinal on the first of the month
("1er décembre 2026"), which Django's format characters cannot express.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()


def _format(value: Any, name: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    fmt = str(get_format(name))
    if (get_language() or "").startswith("fr") and isinstance(value, date) and value.day == 1:
        fmt = fmt.replace("j", r"j\e\r", 1)
    return dateformat.format(value, fmt)


@register.filter
def longdate(value: Any) -> str:
    """December 1, 2026 · 1er décembre 2026"""
    return _format(value, "DATE_FORMAT")


@register.filter
def longdatetime(value: Any) -> str:
    """December 1, 2026, 14:30 · 1er décembre 2026, 14 h 30"""
    return _format(value, "DATETIME_FORMAT")


@register.filter
def monthday(value: Any) -> str:
    """Tue, December 1 · mar. 1er décembre (a day near today, when the year goes without saying)"""
    return _format(value, "MONTH_DAY_FORMAT")


@register.filter
def clock(value: Any) -> str:
    """14:30 · 14 h 30"""
    return _format(value, "TIME_FORMAT")
