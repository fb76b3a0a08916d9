"""Words for the keys the evaluation returns (measures, reasons, statuses, record checks), in
the language of the page or the PDF."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RECORDS: dict[str, Promise] = {
    "stays": _("Hospital stays at these hospitals"),
    "admitted_after_data_end": _("Admitted after the data end (not used yet)"),
    "discharged_after_data_end": _("Discharged after the data end (still in hospital then)"),
    "missing_discharge": _("Missing discharge: a later admission exists, no discharge date"),
    "overlapping": _("Overlapping stays of one client (not a same-day transfer)"),
    "no_ward_type": _("Stays on a ward without a ward type"),
    "open_at_data_end": _("Still in hospital at the data end"),
    "enrolments": _("Referrals (enrolments)"),
    "enrolment_after_data_end": _("Referred after the data end"),
    "enrolment_without_stay": _("Referrals without a stay to attach them to"),
}
MEASURES: dict[str, Promise] = {
    "all": _("Every measure"), "readmit_30": _("Readmission within 30 days"),
    "readmit_90": _("Readmission within 90 days"), "readmit_365": _("Readmission within 365 days"),
    "year_after": _("Bed-days, cost and days in the community in the year after"),
    "ed_year": _("ED visits in the year after"), "cost_stay": _("Cost of the index stay"),
    "groups": _("Comparison groups"),
}
REASONS: dict[str, Promise] = {
    "still_in_hospital": _("still in hospital at the data end"),
    "follow_up_short": _("follow-up shorter than the window"),
    "ed_data_short": _("ED data end before the year is over"),
    "no_ward_type": _("ward without a ward type (no per-diem)"),
    "referred_before_index": _("referred at an earlier stay than the index stay: left out"),
    "missing_discharge": _("index stay without a discharge date: left out"),
    "crossover": _("not referred at the index stay, referred later: stays in usual care"),
    "before_referred_straddler": _("before-period stay referred when the program began: left out"),
}
ARMS: dict[str, Promise] = {"program": _("Program"), "usual_care": _("Usual care"),
                            "before": _("Before the program"), "": _("All")}
STATUSES: dict[str, Promise] = {
    "referred": _("Referred, not yet consented"), "consented": _("Consented"),
    "waitlisted": _("Waitlisted"), "matched": _("Matched"), "active": _("Active in community"),
    "on_hold": _("On hold"), "finished": _("Finished"), "withdrawn": _("Withdrawn"),
    "declined": _("Declined"),
}
SOURCES: dict[str, Promise] = {"stays": _("Admissions and discharges"),
                               "ed_visits": _("Emergency department visits")}


def all_labels() -> dict[str, dict[str, Promise]]:
    return {"records": RECORDS, "measures": MEASURES, "reasons": REASONS, "arms": ARMS,
            "statuses": STATUSES, "sources": SOURCES}
