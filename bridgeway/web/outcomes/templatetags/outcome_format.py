"""Number formatting for outcome pages: percentages and estimates with intervals."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """0.183 -> "18.3%"; empty for missing values."""
    if value is None or value == "":
        return "–"
    return f"{number_format(float(value) * 100, int(digits))}%"


@register.filter
def num(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "–"
    return number_format(float(value), int(digits), force_grouping=True)


@register.simple_tag
def ci(estimate: dict[str, Any] | None, kind: str = "num", digits: int = 1) -> str:
    """"value (low to high)" for an Estimate dict; kind "pct" shows percentage points."""
    if not estimate or estimate.get("value") is None:
        return "–"
    fmt = pct if kind == "pct" else num
    return _("%(value)s (%(low)s to %(high)s)") % {
        "value": fmt(estimate["value"], digits), "low": fmt(estimate["low"], digits),
        "high": fmt(estimate["high"], digits)}


@register.filter
def ward_type_label(value: str) -> str:
    """"acute" -> "Acute" (translated); empty -> "all"."""
    from bridgeway.core.models import Ward

    if not value:
        return _("all")
    return str(dict(Ward.WardType.choices).get(value, value))
