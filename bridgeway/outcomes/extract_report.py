"""What disclosure control did to a research extract, in words: for the extract page, the
README inside the download and the Parquet file's metadata (same text everywhere)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exports import Extract, to_csv
from .stats import kanon

QUASI_IDENTIFIER_LABELS: dict[str, Promise] = {
    "site": gettext_lazy("Program site"),
    "gender": gettext_lazy("Gender"),
    "age": gettext_lazy("Age"),
    "ward_type": gettext_lazy("Ward type"),
    "los": gettext_lazy("Length of stay"),
}
RUNG_LABELS: dict[str, Promise] = {
    "exact": gettext_lazy("exact"),
    "exact years": gettext_lazy("exact years"),
    "exact days": gettext_lazy("exact days"),
    "hidden": gettext_lazy("hidden (*)"),
    "woman / man / another or undisclosed": gettext_lazy(
        "woman / man / another or undisclosed"),
    "5-year bands": gettext_lazy("5-year bands (90+ top band)"),
    "10-year bands": gettext_lazy("10-year bands (90+ top band)"),
    "20-year bands": gettext_lazy("20-year bands (80+ top band)"),
    "bands 0-3, 4-7, 8-14, 15-30, 31-60, 61-90, 91-180, 181+ days": gettext_lazy(
        "bands of 0-3, 4-7, 8-14, 15-30, 31-60, 61-90, 91-180, 181+ days"),
    "bands 0-7, 8-30, 31-90, 91+ days": gettext_lazy("bands of 0-7, 8-30, 31-90, 91+ days"),
    "bands 0-30, 31+ days": gettext_lazy("bands of 0-30, 31+ days"),
}


@dataclass(frozen=True)
class Line:
    quasi_identifier: str
    shown_as: str
    generalised: bool


def lines(outcome: kanon.Outcome) -> list[Line]:
    return [Line(str(QUASI_IDENTIFIER_LABELS[qi]), str(RUNG_LABELS.get(rung, rung)),
                 outcome.levels[qi] > 0) for qi, rung in outcome.rungs.items()]


def summary(outcome: kanon.Outcome) -> list[str]:
    """The report as sentences, in the active language."""
    return [
        _("k-anonymity with k = %(k)s on program site, gender, age, ward type and length of "
          "stay: every combination of these values in the file is shared by at least %(k)s "
          "clients.") % {"k": outcome.k},
        _("One row per client (their first discharged episode in the period): %(n)s clients "
          "before disclosure control.") % {"n": outcome.rows_in},
        _("%(s)s rows suppressed (in a combination shared by fewer than %(k)s clients after "
          "generalisation); %(out)s rows kept in %(c)s combinations, the smallest of %(m)s "
          "rows.") % {"s": outcome.suppressed, "k": outcome.k, "out": outcome.rows_out,
                      "c": outcome.classes, "m": outcome.smallest_class},
        _("Dates are shifted per client by up to 182 days and given as months; pseudonyms "
          "come from a key the administrator holds, not from the application's secret key."),
    ]


def readme(extract: Extract, *, title: str) -> str:
    out = [f"# {title}", "", f"## {_('Disclosure control')}", ""]
    out += [f"- {sentence}" for sentence in summary(extract.disclosure)]
    out += ["", f"| {_('Quasi-identifier')} | {_('Shown as')} |", "|---|---|"]
    out += [f"| {line.quasi_identifier} | {line.shown_as} |"
            for line in lines(extract.disclosure)]
    return "\n".join(out) + "\n"


def metadata(extract: Extract) -> dict[str, str]:
    """For the Parquet file's key-value metadata."""
    o = extract.disclosure
    return {"disclosure": json.dumps({
        "k": o.k, "rows_in": o.rows_in, "rows_out": o.rows_out, "suppressed": o.suppressed,
        "generalisation": o.rungs, "classes": o.classes, "smallest_class": o.smallest_class,
        "dates": "shifted per client (up to 182 days), given as months"})}


def to_zip(extract: Extract, *, csv_name: str, title: str) -> bytes:
    """The CSV with its README (the disclosure report) beside it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(csv_name, to_csv(extract.frame))
        archive.writestr("README.md", readme(extract, title=title))
    return buf.getvalue()
