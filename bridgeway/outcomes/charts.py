"""The numbers behind the dashboard's charts (drawn by static/outcomes/charts.js): the same,
already suppressed, figures as the tables next to them; a hidden count is a gap."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .analysis import Evaluation
from .analysis.activity import chart_number


def labels() -> dict[str, str]:
    return {"program": _("Program"), "comparison": _("Comparison"),
            "observed": _("Observed"), "fitted": _("Segmented fit"),
            "counterfactual": _("Counterfactual"), "survival": _("Not readmitted"),
            "days": _("Days since discharge"), "hours": _("Contact hours"),
            "dropped": _("Dropped out"), "ended": _("Matches ended"),
            "waiting": _("Median days from referral to match"),
            "median_los": _("Median length of stay (days)"),
            "readmit_rate": _("30-day readmission rate"),
            "ed_per_discharge": _("Mental-health ED visits within 30 days per discharge"),
            "share": _("Share met"), "months_since": _("Months since the program started")}


def _its(block: dict[str, Any]) -> dict[str, Any]:
    return {"months": block["months"], "start_index": block["start_index"],
            "series": {k: {"values": v["values"], "fitted": v["fitted"],
                           "counterfactual": v["counterfactual"]}
                       for k, v in block["series"].items()}}


def dashboard_data(ev: Evaluation) -> dict[str, Any]:
    its = ev.its
    return {
        "km": [{"label": c["label"], "n": c["n"], "times": c["times"], "survival": c["survival"],
                "low": c["low"], "high": c["high"]} for c in ev.km],
        "its": [_its(b) for b in its["pooled"]] + [_its(b) for b in its["sites"]],
        "fidelity": {"components": [{"label": c["label"], "rate": c["rate"]}
                                    for c in ev.fidelity_components["components"]]},
        "contact_hours": [{"month": r["month"], "hours": chart_number(r["hours"])}
                          for r in ev.contact_hours],
        "drop_outs": [{"month": r["month"], "ended": chart_number(r["ended"]),
                       "dropped_out": chart_number(r["dropped_out"])} for r in ev.drop_outs],
        "waiting": [{"month": r["month"], "median_days": chart_number(r["median_days"])}
                    for r in ev.waiting],
        "labels": labels(),
    }


ITS_CHART_SERIES = ("median_los", "readmit_rate")


def continuous_rows() -> list[tuple[str, str, int]]:
    """Headline rows of measured outcomes: (key, label, digits)."""
    return [("cost_stay", _("Cost of the index stay per client (CAD)"), 0),
            ("cost_year", _("Cost of stays in the year after (CAD)"), 0),
            ("bed_days", _("Bed-days in the year after"), 1),
            ("community", _("Days in the community in the year after"), 1),
            ("ed_year", _("Mental-health ED visits in the year after"), 2)]


def its_blocks(ev: Evaluation, site_names: dict[int, str]) -> list[dict[str, Any]]:
    """The series in the order the charts data holds them (pooled first), with titles and
    the monthly table rows."""
    its = ev.its
    out: list[dict[str, Any]] = []
    n_pool = len(its["pooled_sites"])
    for i, b in enumerate([*its["pooled"], *its["sites"]]):
        pooled = i < len(its["pooled"])
        if pooled:
            title = (_("Acute wards, pooled over %(n)s sites") if b["ward_type"] == "acute"
                     else _("Tertiary wards, pooled over %(n)s sites")) % {"n": n_pool}
        else:
            title = site_names.get(b["site_id"], "")
        s = b["series"]
        rows = list(zip(b["months"], b["discharges"], s["median_los"]["values"],
                        s["readmit_rate"]["values"], s["ed_per_discharge"]["values"], strict=True))
        out.append({"title": title, "block": b, "index": i, "pooled": pooled, "rows": rows})
    return out
