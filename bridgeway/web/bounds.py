"""Plausible ranges for what people type in, so a slip of the keyboard is a field error.

Every date and date-time field of every page form is one of these (forms.py files use them
instead of Django's own), and every free-text field has a maximum length. The ranges, and why
(docs/privacy.md "Bounds on what is entered", decision 0016):

- a date of birth: 1900-01-01 to today;
- a date something happened (admission, discharge, contact, outreach step, bridging…): from
  2000-01-01 (before the program's records) to tomorrow (a late shift on the other side of
  midnight);
- a planned date (expected discharge, snooze, goal target, first meeting) or a filter date: from
  2000-01-01 to two years ahead;
- an appointment: within two years either side of today;
- an expiry (a training certificate): from 2000-01-01 to ten years ahead.

A stay's expected discharge is also at most two years after its admission (checked by the
services in bridgeway/clients/services/, whichever door the date comes through).

A date-time is checked on its local wall-clock value before anything converts it to UTC, so
9999-12-31 23:59 is an error on its field, not an OverflowError and a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

EARLIEST = dt.date(2000, 1, 1)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
LONG_TEXT = 4000  # a note, a background, a reflection: about two pages
YEARS_AHEAD = 2


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def today() -> dt.date:
    return timezone.localdate()


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def years_ahead() -> dt.date:
    return _years(today(), YEARS_AHEAD)


def years_ago() -> dt.date:
    return _years(today(), -YEARS_AHEAD)


Bound = Callable[[], dt.date]
# (earliest, latest) per kind of date.
KINDS: dict[str, tuple[Bound, Bound]] = {
    "birth": (lambda: EARLIEST_BIRTH, today),
    "event": (lambda: EARLIEST, tomorrow),
    "plan": (lambda: EARLIEST, years_ahead),
    "appointment": (years_ago, years_ahead),
    "far": (lambda: EARLIEST, lambda: _years(today(), 10)),
}


def check_date(day: dt.date, kind: str) -> None:
    earliest, latest = (bound() for bound in KINDS[kind])
    if day < earliest:
        raise ValidationError(_("Enter a date from %(earliest)s on.") % {
            "earliest": formats.date_format(earliest)}, code="too_early")
    if day > latest:
        if kind == "birth":
            message = _("A date of birth must be in the past.")
        elif kind == "event":
            message = _("This cannot be in the future: enter a date up to %(latest)s.") % {
                "latest": formats.date_format(latest)}
        else:
            message = _("Enter a date up to %(latest)s.") % {"latest": formats.date_format(latest)}
        raise ValidationError(message, code="too_late")


class DateField(forms.DateField):
    def __init__(self, *args: Any, kind: str = "plan", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values:
            check_date(value, self.kind)


class DateTimeField(forms.DateTimeField):
    def __init__(self, *args: Any, kind: str = "event", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def to_python(self, value: Any) -> dt.datetime | None:
        # Django makes the value aware in the current zone; a value near the end of year 9999
        # may not fit in UTC at all. Check the wall-clock date first.
        if isinstance(value, str) and value.strip():
            try:
                naive = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                naive = None
            if naive is not None:
                check_date(naive.date(), self.kind)
        result = super().to_python(value)
        if result is not None:
            check_date(timezone.localtime(result).date() if timezone.is_aware(result)
                       else result.date(), self.kind)
        return result


# The largest key a database integer column holds (PostgreSQL bigint; SQLite's INTEGER).
_MAX_KEY = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows, refusing a key no integer column can hold before it
    reaches the database: Django's own field passes 99999999999999999999999999 to the query,
    where SQLite overflows and PostgreSQL refuses the parameter, a 500 instead of a field error."""

    # django-stubs leave out this method of Django's field; it is what clean() calls.
    def _check_values(self, value: Any) -> Any:
        key, model = self.to_field_name or "pk", getattr(self.queryset, "model", None)
        field = None if model is None else (
            model._meta.pk if key == "pk" else model._meta.get_field(key))
        if field is not None and field.get_internal_type() in {"AutoField", "BigAutoField", "IntegerField",
                                         "BigIntegerField", "SmallAutoField"}:
            for item in value:
                text = str(item).strip()
                if text.lstrip("-").isdigit() and not 0 < int(text) <= _MAX_KEY:
                    raise ValidationError(self.error_messages["invalid_choice"],
                                          code="invalid_choice", params={"value": item})
        return super()._check_values(value)  # type: ignore[misc]  # missing from django-stubs
