"""Forms for the matching pages: criteria, run, reject, swap, end-to-re-match."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Match
from bridgeway.clients.statuses import REMATCH_REASONS
from bridgeway.matching.engine import SOFT
from bridgeway.matching.models import MatchingCriteria

# One weight per soft criterion (engine/soft.py), between the hard switches and the spans.
CRITERIA_FIELDS = [
    "require_training", "require_hours", "require_shared_language", "max_distance_km",
    *(f"weight_{key}" for key in SOFT),
    "age_span_years", "distance_span_km", "waiting_span_days", "site_language",
]


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = MatchingCriteria
        fields = CRITERIA_FIELDS


class RunForm(forms.Form):
    enrolment = forms.UUIDField(required=False, widget=forms.HiddenInput)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class SwapForm(forms.Form):
    supporter = forms.ChoiceField(label=_("Approve this alternative instead"))

    def __init__(self, *args: object, alternatives: list[dict[str, object]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["supporter"].choices = [  # type: ignore[attr-defined]
            (str(a["supporter"]), f"{a.get('name', '')} ({a.get('score', '')})")
            for a in alternatives]


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why does the match end?"),
                               choices=[(r.value, r.label) for r in REMATCH_REASONS])
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    do_not_rematch = forms.BooleanField(label=Match._meta.get_field("do_not_rematch").verbose_name,
                                        required=False)
