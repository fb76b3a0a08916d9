"""Forms parse and show errors; the rules live in services (which the forms call to validate)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Match
from bridgeway.contacts.models import (
    MAX_CONTACT_MINUTES,
    Activity,
    Appointment,
    GoalDomain,
    GroupSession,
    Mode,
    Outcome,
    RecoveryGoal,
    Setting,
)
from bridgeway.contacts.services.contacts import ContactDetails, validate_contact
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web import bounds
from bridgeway.web.common import apply_errors

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)

# Quick choices offered beside the minutes field (a datalist: any other value can be typed).
DURATIONS = [15, 30, 45, 60, 90, 120]


def _duration_field(label: Any = None, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("Minutes"), min_value=1, max_value=MAX_CONTACT_MINUTES, required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5, "list": "durations"}),
        error_messages={"min_value": _("Enter a duration of at least 1 minute."),
                        "max_value": _("A contact lasts at most 12 hours (720 minutes).")})


class ContactForm(forms.Form):
    occurred_at = bounds.DateTimeField(kind="event", label=_("When"), widget=DateTimeInput(),
                                      input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
    # Both required when the client was met (the service says so in place), empty otherwise.
    duration_minutes = _duration_field(required=False)
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, widget=forms.RadioSelect)
    setting = forms.ChoiceField(label=_("Where"), choices=Setting.choices, widget=forms.RadioSelect,
                                required=False)
    outcome = forms.ChoiceField(label=_("What happened"), choices=Outcome.choices,
                                widget=forms.RadioSelect)
    activities = forms.MultipleChoiceField(label=_("Activities"), choices=Activity.choices,
                                           widget=forms.CheckboxSelectMultiple, required=False)
    note = forms.CharField(label=_("Short note (private to you and your coordinator)"),
                           widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=2000)
    # One-time token: a second submit of the same form saves nothing new (decision 0022).
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, match: Match | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.match = match
        if not (match and match.home_visits_allowed):
            cast(forms.ChoiceField, self.fields["setting"]).choices = [c for c in Setting.choices if c[0] != Setting.HOME]
            # Still accept the value so the service can explain why it is refused.
            self.fields["setting"].valid_value = lambda v: v in Setting.values  # type: ignore[attr-defined]

    def details(self) -> ContactDetails:
        d = self.cleaned_data
        return ContactDetails(occurred_at=d["occurred_at"],
                              duration_minutes=d.get("duration_minutes"),
                              mode=d["mode"], setting=d.get("setting") or "",
                              activities=list(d.get("activities") or []), outcome=d["outcome"],
                              note=d.get("note") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                validate_contact(self.details(), match=self.match)
            except ValidationError as exc:
                apply_errors(self, exc)
        return data

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class CorrectionForm(ContactForm):
    reason = forms.CharField(label=_("What was wrong (optional)"), required=False,
                             max_length=300)


class DeleteContactForm(forms.Form):
    reason = forms.CharField(label=_("Why delete it (optional)"), required=False,
                             max_length=300)


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupSession.Kind.choices,
                             widget=forms.RadioSelect)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = bounds.DateTimeField(kind="event", label=_("Started at"), widget=DateTimeInput(),
                                    input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
    duration_minutes = _duration_field()
    facilitators = bounds.ModelMultipleChoiceField(
        label=_("Facilitators"), queryset=SupporterProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    attendees = forms.MultipleChoiceField(label=_("Clients present"), choices=[],
                                          widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False, max_length=2000)

    def __init__(self, *args: Any, facilitators: Any, attendee_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = facilitators  # type: ignore[attr-defined]
        self.fields["facilitators"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: s.user.get_full_name() or s.user.username)
        cast(forms.ChoiceField, self.fields["attendees"]).choices = attendee_choices

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class GroupScheduleForm(forms.Form):
    """A group to come, once or weekly (decision 0024)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=GroupSession.Kind.choices,
                             widget=forms.RadioSelect)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = bounds.DateTimeField(kind="appointment", label=_("Starts at"),
                                     widget=DateTimeInput(),
                                     input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
    duration_minutes = _duration_field()
    weeks = forms.IntegerField(label=_("Every week, for how many weeks"), min_value=1,
                               max_value=26, initial=1,
                               help_text=_("1 for a single session."))
    facilitators = bounds.ModelMultipleChoiceField(
        label=_("Facilitators"), queryset=SupporterProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False, max_length=2000)

    def __init__(self, *args: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = facilitators  # type: ignore[attr-defined]
        self.fields["facilitators"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: s.user.get_full_name() or s.user.username)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("weeks"):
            last = data["starts_at"] + timedelta(weeks=data["weeks"] - 1)
            try:  # the last session, too, is within the bounds of a planned date
                bounds.check_date(last.date(), "appointment")
            except ValidationError as exc:
                self.add_error("weeks", exc)
        return data

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class GroupAttendanceForm(forms.Form):
    attendees = forms.MultipleChoiceField(label=_("Clients present"), choices=[],
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, attendee_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attendees"]).choices = attendee_choices

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class AppointmentForm(forms.Form):
    starts_at = bounds.DateTimeField(kind="appointment", label=_("When"), widget=DateTimeInput(),
                                    input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
    duration_minutes = _duration_field(_("Expected length (minutes)"))
    place = forms.CharField(label=_("Place"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    reminder_minutes = forms.TypedChoiceField(label=_("Reminder"), coerce=int,
                                              choices=Appointment.Reminder.choices,
                                              initial=Appointment.Reminder.HOUR_1)
    consent_to_accompany = forms.BooleanField(
        label=_("The client agrees that I accompany them"), required=False)

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class AppointmentOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did it go?"), widget=forms.RadioSelect,
        choices=[c for c in Appointment.Outcome.choices if c[0] != Appointment.Outcome.PLANNED])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False, max_length=2000)
    log_contact = forms.BooleanField(label=_("Also log it as a contact"), required=False,
                                     initial=True)

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Area of life"), choices=GoalDomain.choices)
    title = forms.CharField(label=_("Goal, in the client's words"), max_length=200)
    target_date = bounds.DateField(kind="plan", label=_("Target date"), required=False, widget=DateInput())
    steps = forms.CharField(label=_("First steps (one per line)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class StepForm(forms.Form):
    title = forms.CharField(label=_("Next step"), max_length=200)
    due_on = bounds.DateField(kind="plan", label=_("Due"), required=False, widget=DateInput())

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RecoveryGoal.Status.choices)
    note = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class GoalNoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)

    def apply_service_error(self, exc: ValidationError) -> None:
        apply_errors(self, exc)
