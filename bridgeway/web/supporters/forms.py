"""Forms for peer supporter profiles and training records (validation only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgeway.core.choices import AVAILABILITY_CHOICES, Gender
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    ProgramSite,
    TrainingModule,
    User,
    fsa_validator,
)
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web import bounds


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SupporterForm(forms.Form):
    employment = forms.ChoiceField(label=_("Paid or volunteer"),
                                   choices=SupporterProfile.Employment.choices)
    hours_per_week = forms.DecimalField(label=_("Hours available per week"), min_value=0,
                                        max_value=60, max_digits=4, decimal_places=1)
    max_active_clients = forms.IntegerField(label=_("Maximum active clients"), min_value=0,
                                            max_value=30)
    availability = forms.MultipleChoiceField(label=_("Days and times available"),
                                             choices=AVAILABILITY_CHOICES, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    date_of_birth = bounds.DateField(kind="birth", label=_("Date of birth"), required=False, widget=DateInput())
    home_fsa = forms.CharField(label=_("Home area (first 3 characters of postal code)"),
                               max_length=3, required=False)
    languages = bounds.ModelMultipleChoiceField(label=_("Languages"), required=False,
                                               queryset=Language.objects.all(),
                                               widget=forms.CheckboxSelectMultiple)
    interests = bounds.ModelMultipleChoiceField(label=_("Interests"), required=False,
                                               queryset=Interest.objects.all(),
                                               widget=forms.CheckboxSelectMultiple)
    sites = bounds.ModelMultipleChoiceField(label=_("Sites served"),
                                           queryset=ProgramSite.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("Status"), choices=SupporterProfile.Status.choices)
    status_reason = forms.CharField(label=_("Reason for status"), max_length=200, required=False)

    def __init__(self, *args: Any, sites: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the sites the signed-in person manages can be ticked or unticked here.
        sites_field = self.fields["sites"]
        assert isinstance(sites_field, forms.ModelMultipleChoiceField)  # noqa: S101 — declared above  # nosec B101 — narrows the type for mypy; the field is declared above
        sites_field.queryset = sites if sites is not None else ProgramSite.objects.none()

    def clean_home_fsa(self) -> str:
        value = (self.cleaned_data.get("home_fsa") or "").strip().upper()
        if value:
            fsa_validator(value)
        return value

    def clean_date_of_birth(self) -> date | None:
        value: date | None = self.cleaned_data.get("date_of_birth")
        if value is not None and value >= timezone.localdate():
            raise forms.ValidationError(_("The date of birth must be in the past."))
        return value


class TrainingForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Training"), queryset=TrainingModule.objects.all())
    completed_on = bounds.DateField(kind="event", label=_("Completed on"), widget=DateInput())
    expires_on = bounds.DateField(kind="far", label=_("Expires on"), required=False, widget=DateInput(),
                                 help_text=_("Leave empty to use the training's usual validity."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        done, expires = data.get("completed_on"), data.get("expires_on")
        if done and done > timezone.localdate():
            self.add_error("completed_on", _("A training cannot be completed in the future."))
        if done and expires and expires < done:
            self.add_error("expires_on", _("Expiry is before completion."))
        return data


class NewSupporterForm(SupporterForm):
    """A new peer supporter: the account (they set their password from the invitation), the
    organisation they belong to, then the same profile fields as the edit form."""

    field_order = ["first_name", "last_name", "email", "username", "preferred_language",
                   "organisation", "sites"]
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             help_text=_("The invitation to set a password is sent here."))
    username = forms.CharField(label=_("Username"), max_length=150,
                               validators=[User.username_validator])
    preferred_language = forms.ChoiceField(label=_("Preferred language"),
                                           choices=[("en", "English"), ("fr", "Français")])
    organisation = forms.ModelChoiceField(label=_("Peer organisation"),
                                          queryset=Organisation.objects.none())

    def __init__(self, *args: Any, sites: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, sites=sites, **kwargs)
        del self.fields["status"], self.fields["status_reason"]
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)  # noqa: S101 — declared above  # nosec B101 — narrows the type for mypy; the field is declared above
        org_field.queryset = Organisation.objects.filter(
            kind=Organisation.Kind.PEER_ORGANISATION,
            served_sites__in=sites if sites is not None else ProgramSite.objects.none(),
        ).distinct()


class TrainingEditForm(forms.Form):
    completed_on = bounds.DateField(kind="event", label=_("Completed on"), widget=DateInput())
    expires_on = bounds.DateField(kind="far", label=_("Expires on"), required=False, widget=DateInput(),
                                 help_text=_("Leave empty if it never expires."))
