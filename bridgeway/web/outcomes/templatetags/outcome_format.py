"""Number formatting for outcome pages: the same functions as the PDF (outcomes.formatting)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from bridgeway.outcomes import formatting

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """0.183 -> "18.3%"; hidden counts pass through; missing: a dash."""
    return formatting.percent(value, int(digits))


@register.filter
def num(value: Any, digits: int = 1) -> str:
    return formatting.number(value, int(digits))


@register.filter
def count(value: Any) -> str:
    return formatting.count(value)


@register.filter
def pval(value: Any) -> str:
    return formatting.p_value(value)


@register.simple_tag
def ci(estimate: dict[str, Any] | None, kind: str = "num", digits: int = 1) -> str:
    """"value (low to high)" for an Estimate dict; kind "pts": percentage points, "pct"."""
    return formatting.estimate(estimate, kind, int(digits))


@register.filter
def ward_type_label(value: str) -> str:
    """"acute" -> "Acute" (translated); empty -> "all"."""
    from bridgeway.core.models import Ward

    if not value:
        return _("all")
    return str(dict(Ward.WardType.choices).get(value, value))


@register.filter
def get(mapping: Any, name: str) -> Any:
    """mapping[name] in a template (dict keys that are variables)."""
    try:
        return mapping[name]
    except (KeyError, IndexError, TypeError):
        return None
