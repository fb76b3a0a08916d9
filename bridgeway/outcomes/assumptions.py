"""The definitions behind every figure, in short form: printed on the dashboard, the Per-diems
page, the PDF and inside the Parquet file's metadata (docs/outcomes.md says them in full)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ASSUMPTIONS = [
    _("Each client counts once, at their index stay: the first stay on a program ward "
      "admitted on or after the site's program start (the same rule for both groups)."),
    _("Program (intention to treat): referred during the index stay, whatever happened next. "
      "Usual care: not referred during the index stay, even if referred at a later stay. "
      "Stays admitted before the start and discharged after it are shown apart."),
    _("Status (consented, matched) is the one recorded on the index discharge day."),
    _("Readmission: first admission after the discharge; within 30 days includes day 30. A "
      "within-N-days flag exists only for discharges with N days of follow-up; measures over "
      "the year after only for discharges with a full year."),
    _("Follow-up ends where each data source is declared complete (Evaluation settings); "
      "time to readmission is censored there."),
    _("Adjusted estimates compare program and usual-care clients of the same site and ward "
      "type, weighted to the program's clients; intervals allow for clustering by ward."),
    _("Cost = bed-days × per-diem of the hospital and ward type (site value, or the default: "
      "acute $1,100, tertiary $750 per day, CAD)."),
    _("Counts under the disclosure threshold are shown as <5, with complementary suppression."),
]
