from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bridgeway.web.templatetags.dates import monthday

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


@register.simple_tag
def client_badges(rows: list[Any]) -> SafeString:
    """A supporter's clients as links with this week's time (site view).

    Plain string building with html.escape rather than a template loop or format_html_join:
    the site view lists every matched client of the site and this is its hottest fragment
    (a few hundred rows). Every interpolated value is escaped.
    """
    if not rows:
        return mark_safe('<span class="muted">' + escape(_("none")) + "</span>")  # noqa: S308  # nosec B308, B703 — escaped above
    forms = {"hm": _("%(h)d h %(m)d min"), "h": _("%(h)d h"), "m": _("%(m)d min")}

    def fmt(total: int) -> str:
        hours, mins = divmod(int(total or 0), 60)
        key = "hm" if hours and mins else "h" if hours else "m"
        return forms[key] % {"h": hours, "m": mins}

    parts = [
        f'<a href="{escape(r.url)}">{escape(r.short_name)}</a> '
        f'<span class="badge {"ok" if r.at_target else "warn"}">{escape(fmt(r.minutes_week))}</span>'
        for r in rows]
    return mark_safe("<br>".join(parts))  # noqa: S308  # nosec B308, B703 — every value escaped above


@register.simple_tag
def supporter_rows(supporters: list[Any]) -> SafeString:
    """The site view's supporter table body, one <tr> per supporter (see client_badges)."""
    forms = {"hm": _("%(h)d h %(m)d min"), "h": _("%(h)d h"), "m": _("%(m)d min")}

    def fmt(total: int) -> str:
        hours, mins = divmod(int(total or 0), 60)
        key = "hm" if hours and mins else "h" if hours else "m"
        return forms[key] % {"h": hours, "m": mins}

    out = []
    for s in supporters:
        rows = s.rows
        if rows:
            done, target = s.minutes_week, s.target_minutes
            state = "ok" if done >= target else "warn"
            week = f'<span class="badge {state}">{escape(fmt(done))} / {escape(fmt(target))}</span>'
        else:
            week = "—"
        last = escape(monthday(s.last_contact)) if s.last_contact else "—"
        out.append(
            f'<tr><td><a href="{escape(s.url)}">{escape(s.name)}</a></td>'
            f"<td>{client_badges(rows)}</td><td>{week}</td>"
            f'<td class="hide-phone">{s.clients_at_target} / {len(rows)}</td><td>{last}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308  # nosec B308, B703 — every value escaped above
