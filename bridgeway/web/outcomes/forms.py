"""Forms: the evaluation filters, per-diems, reflections, coding and the codebook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bridgeway.core.models import Organisation, ProgramSite, Ward
from bridgeway.outcomes.models import (
    DataSource,
    Descriptor,
    RespondentRole,
    Subtheme,
    Theme,
    WardAssignment,
)
from bridgeway.web import bounds

ALL = "all"


class FilterForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"), required=False)
    ward_type = forms.ChoiceField(label=_("Ward type"), required=False,
                                  choices=[("", _("All ward types")), *Ward.WardType.choices])
    start = bounds.DateField(kind="plan", label=_("Admitted from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = bounds.DateField(kind="plan", label=_("Admitted to"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    comparison = forms.ChoiceField(label=_("Compare with"), required=False, choices=[
        ("usual_care", _("Usual care on the same wards")),
        ("before", _("Before the program started"))])
    subgroup = forms.ChoiceField(label=_("Program clients"), required=False, choices=[
        ("all", _("All")), ("lonely", _("Lonely at baseline (neutral/unsatisfied)")),
        ("not_lonely", _("Satisfied with relationships at baseline"))])
    window = forms.TypedChoiceField(label=_("Readmission within"), required=False, coerce=int,
                                    empty_value=None, choices=[(30, _("30 days")),
                                                             (90, _("90 days")),
                                                             (365, _("365 days"))])

    def __init__(self, *args: Any, sites: list[ProgramSite], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = sites
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        site_field.choices = [(ALL, _("All my sites")), *[(s.code, s.name) for s in sites]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period must be after its start."))
        return data

    def selected_sites(self) -> list[ProgramSite]:
        code = self.cleaned_data.get("site") if self.is_valid() else None
        if code and code != ALL:
            return [s for s in self.sites if s.code == code]
        return list(self.sites)


class CoverageForm(forms.Form):
    """Where one source's data are complete, for one or more hospitals."""

    source = forms.ChoiceField(label=_("Data source"), choices=DataSource.choices)
    hospitals = bounds.ModelMultipleChoiceField(label=_("Hospitals"),
                                               queryset=Organisation.objects.none())
    period_start = bounds.DateField(kind="plan", label=_("Records from"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    period_end = bounds.DateField(kind="plan", label=_("Records to"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    complete_up_to = bounds.DateField(kind="plan",
        label=_("Complete up to"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day for which every record has arrived; follow-up ends here."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, hospitals: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hospitals"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        field.queryset = Organisation.objects.filter(id__in=[h.id for h in hospitals])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, upto = data.get("period_start"), data.get("period_end"), data.get("complete_up_to")
        if start and end and start > end:
            self.add_error("period_end", _("The end of the period must be after its start."))
        elif start and end and upto and not start <= upto <= end:
            self.add_error("complete_up_to",
                           _("The complete-up-to date must lie within the period of the records."))
        if upto and upto > date.today():  # noqa: DTZ011  # a calendar date, compared as such
            self.add_error("complete_up_to", _("The date cannot be in the future."))
        return data


class ProgramWardForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=ProgramSite.objects.none())
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none())
    assignment = forms.ChoiceField(label=_("Assignment"), required=False, choices=[
        ("", _("Not declared (follow referrals)")), *WardAssignment.choices])

    def __init__(self, *args: Any, sites: list[ProgramSite], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field, ward_field = self.fields["site"], self.fields["ward"]
        assert isinstance(site_field, forms.ModelChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        assert isinstance(ward_field, forms.ModelChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        site_field.queryset = ProgramSite.objects.filter(id__in=[s.id for s in sites])
        ward_field.queryset = Ward.objects.filter(
            hospital_id__in=[s.hospital_id for s in sites]).select_related("hospital")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site, ward = data.get("site"), data.get("ward")
        if site and ward and ward.hospital_id != site.hospital_id:
            self.add_error("ward", _("Choose a ward of this site's hospital."))
        return data


class PerDiemForm(forms.Form):
    hospital = forms.ModelChoiceField(label=_("Hospital"), queryset=Organisation.objects.none())
    ward_type = forms.ChoiceField(label=_("Ward type"), choices=Ward.WardType.choices)
    amount = forms.DecimalField(label=_("Cost per bed-day (CAD)"), min_value=Decimal("0"),
                                max_value=Decimal("100000"), max_digits=10, decimal_places=2)
    source = forms.CharField(label=_("Source of the figure"), max_length=200, required=False)

    def __init__(self, *args: Any, hospitals: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hospital"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        field.queryset = Organisation.objects.filter(id__in=[h.id for h in hospitals])


class ReflectionForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=ProgramSite.objects.none())
    respondent_role = forms.ChoiceField(label=_("Respondents"), choices=RespondentRole.choices)
    timepoint_months = forms.TypedChoiceField(
        label=_("Time point"), coerce=int,
        choices=[(6, _("6 months")), (12, _("12 months")), (18, _("18 months")),
                 (24, _("24 months"))])
    collected_on = bounds.DateField(kind="event", label=_("Collected on"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    worked_well = forms.CharField(label=Descriptor.WORKED_WELL.label, required=False, max_length=bounds.LONG_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("One excerpt per line."))
    not_so_well = forms.CharField(label=Descriptor.NOT_SO_WELL.label, required=False, max_length=bounds.LONG_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    suggestions = forms.CharField(label=Descriptor.SUGGESTIONS.label, required=False, max_length=bounds.LONG_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, sites: list[ProgramSite], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        field.queryset = ProgramSite.objects.filter(id__in=[s.id for s in sites])

    def clean_collected_on(self) -> date:
        value: date = self.cleaned_data["collected_on"]
        if value > date.today():  # noqa: DTZ011  # a calendar date, compared as such
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(k) or "").strip() for k in ("worked_well", "not_so_well",
                                                         "suggestions")):
            raise forms.ValidationError(_("Write at least one excerpt."))
        return data


class CodeExcerptForm(forms.Form):
    subtheme = forms.ModelChoiceField(label=_("Subtheme"), queryset=Subtheme.objects.none(),
                                      required=False, empty_label=_("Not coded"))
    exemplar = forms.BooleanField(label=_("Exemplar quote"), required=False)

    def __init__(self, *args: Any, subthemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subtheme"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        field.queryset = subthemes


class ThemeForm(forms.Form):
    descriptor = forms.ChoiceField(label=_("Descriptor"), choices=Descriptor.choices)
    name = forms.CharField(label=_("Theme"), max_length=200)
    name_fr = forms.CharField(label=_("Theme in French (optional)"), max_length=200,
                              required=False)


class SubthemeForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    name = forms.CharField(label=_("Subtheme"), max_length=200)
    name_fr = forms.CharField(label=_("Subtheme in French (optional)"), max_length=200,
                              required=False)

    def __init__(self, *args: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # nosec B101 — narrows the type
        field.queryset = themes
