from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes(value: int | None) -> str:
    """90 -> "1 h 30 min"."""
    total = int(value or 0)
    hours, mins = divmod(total, 60)
    if hours and mins:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": mins}
