from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bridgeway.interop.imports.kinds import KINDS

# The page's own ceiling; the command line has none (it streams any size).
MAX_UPLOAD_MB = 200


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"),
                             choices=[(k.name, k.label) for k in KINDS.values()])
    source = forms.SlugField(label=_("Source system"), max_length=40, initial="default",
                             help_text=_("The system whose keys the rows carry, e.g. riverside-adt."))
    complete_up_to = forms.DateField(
        label=_("Complete up to"), required=False,
        help_text=_("Stays and emergency visits: the last day for which every record has "
                    "arrived (empty: the last date in the file)."),
        widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("Files over %(mb)d MB are imported with the command "
                                          "line (docs/import.md).") % {"mb": MAX_UPLOAD_MB})
        return upload
