"""Forms of the safety net: they parse and validate; services do the writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgeway.core.models import User
from bridgeway.safety import rules as r
from bridgeway.safety.models import (
    BinderEntry,
    Incident,
    OutreachCase,
    OutreachStep,
    SafetyThresholds,
)
from bridgeway.supporters.models import CheckIn, SupervisionSession, SupporterProfile
from bridgeway.web import bounds
from bridgeway.web.templatetags.dates import longdate

DATE = forms.DateInput(attrs={"type": "date"})


class AlertActionForm(forms.Form):
    ACTIONS = [("acknowledge", _("Acknowledge")), ("snooze", _("Snooze")),
               ("resolve", _("Resolve")), ("escalate", _("Escalate"))]
    action = forms.ChoiceField(choices=ACTIONS)
    until = bounds.DateField(kind="plan", label=_("Snooze until"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    to = forms.ChoiceField(label=_("Escalate to"), required=False, choices=[
        (r.OwnerRole.COORDINATOR.value, _("Coordinator")),
        (r.OwnerRole.SITE_LEAD.value, _("Site lead"))])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "snooze" and not data.get("until"):
            self.add_error("until", _("Choose a date."))
        if action == "resolve" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what was done."))
        if action == "escalate" and not data.get("to"):
            self.add_error("to", _("Choose who to escalate to."))
        return data


class BinderEntryForm(forms.ModelForm[Any]):
    class Meta:
        model = BinderEntry
        fields = ["category", "text", "staff_only"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = self.fields["text"]
        if isinstance(text, forms.CharField):  # a TextField has no length of its own
            text.max_length = bounds.LONG_TEXT
            text.validators.append(MaxLengthValidator(bounds.LONG_TEXT))


class InChargeForm(forms.Form):
    person: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("In charge of the binder"), queryset=User.objects.none(),
        # Shown inside a one-line group without a visible <label>: name it for screen readers.
        widget=forms.Select(attrs={"aria-label": _("In charge of the binder")}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ChecklistForm(forms.Form):
    met_on_ward_on = bounds.DateField(kind="event", label=_("Met on the ward"), required=False, widget=DATE)
    community_plan_agreed_on = bounds.DateField(kind="event", label=_("Community contact plan agreed"),
                                               required=False, widget=DATE)
    first_meeting_on = bounds.DateField(kind="plan", label=_("First community meeting booked for"),
                                       required=False, widget=DATE)


class BridgingStartForm(forms.Form):
    staff: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Bridging staff member"), queryset=User.objects.none())
    started_on = bounds.DateField(kind="event", label=_("Started on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people  # type: ignore[attr-defined]


class BridgingEstablishForm(forms.Form):
    established_on = bounds.DateField(kind="event",
        label=_("Relationship with community provider established on"), widget=DATE)
    provider = forms.CharField(label=_("Community provider"), max_length=200)
    agency = forms.CharField(label=_("Agency"), max_length=200)


class OutreachStepForm(forms.Form):
    taken_on = bounds.DateField(kind="event", label=_("Date"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("What was tried"), choices=OutreachStep.Method.choices)
    reached = forms.BooleanField(label=_("Reached the client"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OutreachCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OutreachCase.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=Incident.Kind.choices,
                             widget=forms.RadioSelect)
    description = forms.CharField(label=_("In a few words"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("Say in a few words what happened.")})
    severity = forms.ChoiceField(label=_("How serious"), choices=Incident.Severity.choices,
                                 widget=forms.RadioSelect)
    involved = forms.ChoiceField(label=_("Who was involved"), choices=Incident.Involved.choices,
                                 widget=forms.RadioSelect, initial=Incident.Involved.CLIENT)
    other_person = forms.CharField(label=_("Who else (a role, not a name: a visitor, a "
                                           "relative, another client)"),
                                   required=False, max_length=200)
    place = forms.ChoiceField(label=_("Where"), choices=Incident.Place.choices,
                              widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, client_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if client_label:  # "The client" names whose page it was filed from
            field = self.fields["involved"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared just above  # nosec B101 — narrows the type for mypy; the field is declared above
            field.choices = [(v, client_label if v == Incident.Involved.CLIENT else label)
                             for v, label in Incident.Involved.choices]


def incident_label(incident: Incident) -> str:
    """"December 1, 2026 · On the ward · Serious" (never "Incident object (2)")."""
    parts = [longdate(timezone.localtime(incident.occurred_at)), incident.get_kind_display(),
             incident.get_place_display() if incident.place else "", incident.severity_short]
    return " · ".join(str(p) for p in parts if p)


class FollowUpForm(forms.Form):
    ACTIONS = [("follow_up", _("Record follow-up")), ("close", _("Close"))]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(label=_("Follow-up"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionSession.Kind.choices)
    held_on = bounds.DateField(kind="event", label=_("Held on"), widget=DATE, initial=timezone.localdate)
    supporters: forms.ModelMultipleChoiceField[SupporterProfile] = (
        bounds.ModelMultipleChoiceField(label=_("Peer supporters"),
                                       queryset=SupporterProfile.objects.none(),
                                       widget=forms.CheckboxSelectMultiple))
    incident: forms.ModelChoiceField[Incident] = forms.ModelChoiceField(
        label=_("Debrief of incident"), queryset=Incident.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes (private)"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, supporters: Any, incidents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporters"].queryset = supporters  # type: ignore[attr-defined]
        self.fields["incident"].queryset = incidents  # type: ignore[attr-defined]
        self.fields["supporters"].label_from_instance = str  # type: ignore[attr-defined]
        self.fields["incident"].label_from_instance = incident_label  # type: ignore[attr-defined]

    def clean_held_on(self) -> dt.date:
        held: dt.date = self.cleaned_data["held_on"]
        if held > timezone.localdate():
            raise forms.ValidationError(_("A session cannot be recorded in the future."))
        return held


class CheckInForm(forms.Form):
    feeling = forms.ChoiceField(label=_("How are you doing?"), choices=CheckIn.Feeling.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything to add (optional)"), max_length=500,
                           required=False)


class ThresholdsForm(forms.ModelForm[Any]):
    class Meta:
        model = SafetyThresholds
        fields = r.Thresholds.names()


SUPPORTER_STATUS = SupporterProfile.Status
