"""Forms for client pages: they parse and validate input; services do the writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import (
    ConsentCategory,
    EnrolmentStatus,
    HospitalStay,
    IdentifierKind,
    Match,
)
from bridgeway.clients.validators import normalise_health_card, validate_health_card_number
from bridgeway.core.choices import Gender, Strength
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    ProgramSite,
    Ward,
    fsa_validator,
)
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web import bounds


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _upper_fsa(value: str) -> str:
    return (value or "").strip().upper()


class PreferencesMixin(forms.Form):
    """Preferences for a peer supporter; each none / preferred / required."""

    pref_gender = forms.ChoiceField(label=_("Supporter gender"), required=False,
                                    choices=[("", "—"), *Gender.choices])
    pref_gender_strength = forms.ChoiceField(label=_("How much it matters"),
                                             choices=Strength.choices, initial=Strength.NONE)
    pref_age_min = forms.IntegerField(label=_("Supporter age from"), required=False,
                                      min_value=16, max_value=100)
    pref_age_max = forms.IntegerField(label=_("Supporter age to"), required=False,
                                      min_value=16, max_value=100)
    pref_age_strength = forms.ChoiceField(label=_("How much it matters"),
                                          choices=Strength.choices, initial=Strength.NONE)
    pref_language = forms.ModelChoiceField(label=_("Supporter language"), required=False,
                                           queryset=Language.objects.all())
    pref_language_strength = forms.ChoiceField(label=_("How much it matters"),
                                               choices=Strength.choices, initial=Strength.NONE)

    def clean_preferences(self, data: dict[str, Any]) -> None:
        low, high = data.get("pref_age_min"), data.get("pref_age_max")
        if low is not None and high is not None and low > high:
            self.add_error("pref_age_max", _("The upper age is below the lower age."))
        for value, strength in (("pref_gender", "pref_gender_strength"),
                                ("pref_language", "pref_language_strength")):
            if data.get(strength) not in (None, "", Strength.NONE) and not data.get(value):
                self.add_error(value, _("Choose a value, or set “No preference”."))
        if (data.get("pref_age_strength") not in (None, "", Strength.NONE)
                and low is None and high is None):
            self.add_error("pref_age_min", _("Give an age range, or set “No preference”."))


PREFERENCE_FIELDS = ["pref_gender", "pref_gender_strength", "pref_age_min", "pref_age_max",
                     "pref_age_strength", "pref_language", "pref_language_strength"]
DETAIL_FIELDS = ["given_name", "family_name", "date_of_birth", "health_card_number", "gender",
                 "pronouns", "home_fsa", "phone", "email", "address"]


class ClientDetailsFields(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    date_of_birth = bounds.DateField(kind="birth", label=_("Date of birth"), widget=DateInput())
    health_card_number = forms.CharField(
        label=_("Health card number"), max_length=16, required=False,
        help_text=_("10 digits, optionally a 1–2 letter version code."))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices,
                               initial=Gender.UNDISCLOSED)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    home_fsa = forms.CharField(label=_("Home area (first 3 characters of postal code)"),
                               max_length=3, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    languages = bounds.ModelMultipleChoiceField(label=_("Preferred languages"), required=False,
                                               queryset=Language.objects.all(),
                                               widget=forms.CheckboxSelectMultiple)
    interests = bounds.ModelMultipleChoiceField(label=_("Interests"), required=False,
                                               queryset=Interest.objects.all(),
                                               widget=forms.CheckboxSelectMultiple)

    def clean_health_card_number(self) -> str:
        value = normalise_health_card(self.cleaned_data.get("health_card_number") or "")
        if value:
            validate_health_card_number(value)
        return value

    def clean_home_fsa(self) -> str:
        value = _upper_fsa(self.cleaned_data.get("home_fsa") or "")
        if value:
            fsa_validator(value)
        return value

    def clean_date_of_birth(self) -> date:
        value: date = self.cleaned_data["date_of_birth"]
        if value >= timezone.localdate():
            raise forms.ValidationError(_("The date of birth must be in the past."))
        if value.year < 1900:
            raise forms.ValidationError(_("Check the year of birth."))
        return value


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentifierKind.choices)
    value = forms.CharField(label=_("Number"), max_length=40)
    hospital = forms.ModelChoiceField(label=_("Hospital (for a medical record number)"),
                                      queryset=Organisation.objects.none(), required=False)
    label = forms.CharField(label=_("What identifier (for another kind)"), max_length=60,
                            required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False,
                             help_text=_("Where the number came from, e.g. the hospital's "
                                         "registration system."))

    def __init__(self, *args: Any, hospitals: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hospital"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — narrows the type for mypy  # nosec B101 — narrows the type; the field is declared above
        field.queryset = Organisation.objects.filter(pk__in=[h.pk for h in hospitals])


class ClientEditForm(ClientDetailsFields, PreferencesMixin):
    background = forms.CharField(label=_("Background the client chooses to share"),
                                 required=False, max_length=bounds.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    safety_notes = forms.CharField(label=_("Safety notes"), required=False, max_length=bounds.LONG_TEXT,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_preferences(data)
        return data


class ReferralForm(ClientDetailsFields, PreferencesMixin):
    """Refer an inpatient: a new client (identity fields) or an existing one (`existing`)."""

    site = forms.ModelChoiceField(label=_("Program site"), queryset=ProgramSite.objects.none())
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none())
    admitted_on = bounds.DateField(kind="event", label=_("Admission date"), widget=DateInput())
    expected_discharge_on = bounds.DateField(kind="plan", label=_("Expected discharge"), required=False,
                                            widget=DateInput())
    note = forms.CharField(label=_("Referral note"), required=False, max_length=bounds.LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sites: QuerySet[ProgramSite], existing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["ward"].queryset = Ward.objects.filter(  # type: ignore[attr-defined]
            hospital__sites__in=sites).select_related("hospital").distinct()
        if existing:
            for name in [*DETAIL_FIELDS, "languages", "interests", *PREFERENCE_FIELDS]:
                del self.fields[name]
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.existing:
            self.clean_preferences(data)
        site, ward = data.get("site"), data.get("ward")
        if site is not None and ward is not None and ward.hospital_id != site.hospital_id:
            self.add_error("ward", _("This ward is not at the site's hospital."))
        admitted, expected = data.get("admitted_on"), data.get("expected_discharge_on")
        if admitted and admitted > timezone.localdate():
            self.add_error("admitted_on", _("The admission date cannot be in the future."))
        if admitted and expected and expected < admitted:
            self.add_error("expected_discharge_on",
                           _("The expected discharge is before the admission."))
        return data


CONSENT_LABELS = {
    ConsentCategory.CONTACT_DETAILS: _("Contact details (phone, email, address)"),
    ConsentCategory.DISCHARGE_DATE: _("Discharge date"),
    ConsentCategory.STAY_STATUS: _("Hospital stay and readmission status"),
    ConsentCategory.BACKGROUND: _("Background the client chooses to share"),
    ConsentCategory.SAFETY_NOTES: _("Safety notes"),
}


class ConsentForm(forms.Form):
    # An explicit choice, never a default: saving "does not take part" declines or withdraws.
    participation = forms.TypedChoiceField(
        label=_("Does the client agree to take part in peer support?"),
        choices=[("yes", _("Yes, the client takes part")),
                 ("no", _("No: the client declines or withdraws (takes effect at once)"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    share = forms.MultipleChoiceField(
        label=_("The client shares with their peer supporter"), required=False,
        choices=[(c.value, CONSENT_LABELS[c]) for c in ConsentCategory],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choosing “No” above stops all sharing: the boxes are unticked for you."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("participation") is False:
            # Withdrawal in one step: nothing is shared without taking part, so "No" unticks
            # every category itself instead of asking the person to do it by hand.
            data["share"] = []
        return data


class ConfirmForm(forms.Form):
    """A confirmation with nothing to type (the event is the reason)."""


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, allowed: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (s.value, s.label) for s in EnrolmentStatus if s.value in allowed]

    def clean_reason(self) -> str:
        value = (self.cleaned_data.get("reason") or "").strip()
        if not value:
            raise forms.ValidationError(_("Say why the status changes."))
        return value


class StayAdmitForm(forms.Form):
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none())
    admitted_on = bounds.DateField(kind="event", label=_("Admission date"), widget=DateInput())
    expected_discharge_on = bounds.DateField(kind="plan", label=_("Expected discharge"), required=False,
                                            widget=DateInput())

    def __init__(self, *args: Any, wards: QuerySet[Ward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        admitted, expected = data.get("admitted_on"), data.get("expected_discharge_on")
        if admitted and admitted > timezone.localdate():
            self.add_error("admitted_on", _("The admission date cannot be in the future."))
        if admitted and expected and expected < admitted:
            self.add_error("expected_discharge_on",
                           _("The expected discharge is before the admission."))
        return data


class ExpectedDischargeForm(forms.Form):
    expected_discharge_on = bounds.DateField(kind="plan", label=_("Expected discharge"), required=False,
                                            widget=DateInput())


class DischargeForm(forms.Form):
    discharged_on = bounds.DateField(kind="event", label=_("Discharged on"), widget=DateInput())
    destination = forms.ChoiceField(label=_("Destination"), required=False,
                                    choices=[("", "—"), *HospitalStay.Destination.choices])


class SupporterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(_("%(name)s — %(free)s of %(max)s places free") % {
            "name": obj, "free": getattr(obj, "free_places", "?"), "max": obj.max_active_clients})


class MatchCreateForm(forms.Form):
    supporter = SupporterChoiceField(label=_("Peer supporter"),
                                     queryset=SupporterProfile.objects.none())
    home_visits_allowed = forms.BooleanField(label=_("Home visits allowed (with a safety plan)"),
                                             required=False)

    def __init__(self, *args: Any, supporters: QuerySet[SupporterProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = supporters  # type: ignore[attr-defined]


class MatchEndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why does the match end?"),
                               choices=Match.EndReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    do_not_rematch = forms.BooleanField(label=_("Do not match this pair again"), required=False)


class CoverForm(forms.Form):
    """A colleague covers a matched client for a period (decision 0024)."""

    supporter = forms.ModelChoiceField(label=_("Colleague who covers"),
                                       queryset=SupporterProfile.objects.none())
    starts_on = bounds.DateField(kind="plan", label=_("From"), widget=DateInput())
    ends_on = bounds.DateField(kind="plan", label=_("To (included)"), widget=DateInput())
    note = forms.CharField(label=_("Note for the colleague (optional)"), max_length=300,
                           required=False)

    def __init__(self, *args: Any, supporters: QuerySet[SupporterProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supporter"]
        field.queryset = supporters  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: str(s)  # type: ignore[attr-defined]
