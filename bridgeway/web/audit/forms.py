"""Filters of the access reports (GET forms: a bad value is a field error, never a 500)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class ReportFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[
        ("", _("All")), ("denied", _("Denied attempts only")), ("allowed", _("Allowed only"))])
    person = forms.CharField(label=_("Person (name or user name)"), required=False,
                             max_length=100)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, with_person: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        if not with_person:
            del self.fields["person"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if isinstance(day, date) and not EARLIEST <= day <= LATEST:
                self.add_error(name, ValidationError(_("Choose a date between %(a)s and %(b)s."),
                                                     params={"a": EARLIEST, "b": LATEST}))
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
