"""How numbers are written on the dashboard, in the PDF and in the exports: one place, so the
same figure never reads 7.1 % on screen and 7.2 % on paper.

Values are rounded half away from zero (Decimal ROUND_HALF_UP) to the digits shown *before*
Django localises them (its number_format cuts extra digits off instead of rounding);
p-values under 0.001 read "p < 0.001"; hidden counts ("<5") pass through unchanged.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

DASH = "–"


def rounded(value: float, digits: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and not math.isfinite(value))


def number(value: Any, digits: int = 1) -> str:
    """12345.678 -> "12,345.7" (localised); hidden counts as they are; missing: a dash."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return DASH
    return number_format(rounded(value, digits), digits, force_grouping=True)


def percent(value: Any, digits: int = 1) -> str:
    """0.0715 -> "7.2%"."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return DASH
    # French puts a non-breaking space before the sign ("7,1 %"): the catalogue says so.
    return _("%(value)s%%") % {"value": number(float(value) * 100, digits)}


def points(value: Any, digits: int = 1) -> str:
    """A difference of proportions in percentage points: -0.052 -> "-5.2"."""
    if _missing(value):
        return DASH
    return number(float(value) * 100, digits)


def count(value: Any) -> str:
    """A count or its hidden label ("<5")."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return DASH
    return number(int(value), 0)


def p_value(value: Any) -> str:
    if _missing(value):
        return DASH
    if float(value) < 0.001:
        return _("p < 0.001")
    return _("p = %(p)s") % {"p": number(value, 3)}


def estimate(est: dict[str, Any] | None, kind: str = "num", digits: int = 1) -> str:
    """"value (low to high)"; kind "pts" writes proportions as percentage points, "pct" as
    percentages, "num" as numbers."""
    if not est or _missing(est.get("value")):
        return DASH
    fmt = {"pts": points, "pct": percent}.get(kind, number)
    if _missing(est.get("low")):
        return fmt(est["value"], digits)
    return _("%(value)s (%(low)s to %(high)s)") % {
        "value": fmt(est["value"], digits), "low": fmt(est["low"], digits),
        "high": fmt(est["high"], digits)}
