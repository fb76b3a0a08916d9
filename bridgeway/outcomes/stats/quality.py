"""The data-quality panel: problems in the records and what each measure left out, and why.
Pure: no Django. Every number is a count and goes through disclosure control."""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import disclosure
from .episodes import Coverage

WARD_TYPES = ("acute", "tertiary")


def records(stays: pd.DataFrame, s: pd.DataFrame, refs: pd.DataFrame, linked: pd.DataFrame,
            hospitals: set[int], cov: Coverage) -> dict[str, int]:
    """Counts about the records themselves, at the hospitals in scope."""
    raw = stays[stays["hospital_id"].isin(hospitals)]
    mine = s[s["hospital_id"].isin(hospitals)]
    return {
        "stays": len(raw),
        "admitted_after_data_end": int((raw["admitted"] > cov.stays_end).sum()),
        "discharged_after_data_end": int((raw["discharged"] > cov.stays_end).sum()),
        "missing_discharge": int(mine["missing_discharge"].sum()),
        "overlapping": int(mine["overlap"].sum()),
        "no_ward_type": int((~mine["ward_type"].isin(WARD_TYPES)).sum()),
        "open_at_data_end": int((mine["discharged"].isna() & ~mine["missing_discharge"]).sum()),
        "enrolments": len(refs),
        "enrolment_after_data_end": int((refs["referred"] > cov.stays_end).sum()),
        "enrolment_without_stay": int((refs["referred"] <= cov.stays_end).sum()
                                      - refs["enrolment_id"].isin(linked["enrolment_id"]).sum()),
    }


def exclusions(cohort: pd.DataFrame, counts: dict[str, int], window: int) -> list[dict[str, Any]]:
    """(measure, reason, arm, rows) for every row a measure left out."""
    rows: list[dict[str, Any]] = []
    for arm, part in cohort.groupby("arm"):
        open_ = part["end"].isna()
        done = part[~open_]
        rows += [
            {"measure": "all", "reason": "still_in_hospital", "arm": arm, "rows": int(open_.sum())},
            {"measure": f"readmit_{window}", "reason": "follow_up_short", "arm": arm,
             "rows": int(done[f"readmit_{window}"].isna().sum())},
            {"measure": "year_after", "reason": "follow_up_short", "arm": arm,
             "rows": int(done["bed_days_365"].isna().sum())},
            {"measure": "ed_year", "reason": "ed_data_short", "arm": arm,
             "rows": int(done["ed_365"].isna().sum())},
            {"measure": "cost_stay", "reason": "no_ward_type", "arm": arm,
             "rows": int(done["cost"].isna().sum())},
        ]
    rows += [
        {"measure": "groups", "reason": "referred_before_index", "arm": "",
         "rows": counts.get("referred_before_index", 0)},
        {"measure": "groups", "reason": "missing_discharge", "arm": "",
         "rows": counts.get("missing_discharge_index", 0)},
        {"measure": "groups", "reason": "crossover", "arm": "usual_care",
         "rows": counts.get("crossovers", 0)},
        {"measure": "groups", "reason": "before_referred_straddler", "arm": "before",
         "rows": counts.get("before_referred_straddlers", 0)},
    ]
    return rows


def present(record_counts: dict[str, int], excluded: list[dict[str, Any]], threshold: int
            ) -> dict[str, Any]:
    return {"records": {k: disclosure.show(v, threshold) for k, v in record_counts.items()},
            "exclusions": [r | {"rows": disclosure.show(r["rows"], threshold)} for r in excluded
                           if r["rows"]]}
