"""Ward-level (cluster) comparison, for programs that assign whole wards (Forchuk et al.
2005 randomised 26 wards). Pure: no Django.

Everyone admitted to a program ward during the program period is compared with everyone
admitted to a comparison ward of the same type (acute with acute, tertiary with tertiary),
whether or not they were referred (intention to treat at the ward level). Wards, not people,
were assigned, so the analysis is at ward level: each ward's mean outcome, program-ward means
against comparison-ward means with Welch's t on the ward means (each ward counts once; valid
with few wards, where cluster-robust errors are not).
Time to discharge (admission to discharge, still in hospital censored at the data end) is a
Cox model stratified by site with errors clustered by ward.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import base, disclosure, survival
from .compare import est

MIN_WARDS_EACH = 2


def _ward_means(frame: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    known = frame.dropna(subset=[col])
    means = known.groupby(["ward_id", "arm"])[col].mean().reset_index()
    return (means.loc[means["arm"] == "program", col].to_numpy(float),
            means.loc[means["arm"] != "program", col].to_numpy(float))


def compare(cohort: pd.DataFrame, *, window: int, threshold: int) -> dict[str, Any] | None:
    """None when no comparison wards were declared (or too few wards to compare)."""
    if cohort.empty:
        return None
    frame = cohort.assign(arm=np.where(cohort["cluster_arm"] == "program_ward", "program",
                                       "comparison"))
    # Only ward types that have wards on both sides are compared.
    types = frame.groupby("ward_type")["arm"].nunique()
    frame = frame[frame["ward_type"].isin(types[types == 2].index)]
    if frame.empty:
        return None
    wards = frame.groupby("arm")["ward_id"].nunique()
    n_prog_wards, n_comp_wards = int(wards.get("program", 0)), int(wards.get("comparison", 0))
    n1, n0 = int((frame["arm"] == "program").sum()), int((frame["arm"] != "program").sum())
    out: dict[str, Any] = {"wards_program": n_prog_wards, "wards_comparison": n_comp_wards,
                           "ward_types": sorted(frame["ward_type"].unique()),
                           "n_program": disclosure.show(n1, threshold),
                           "n_comparison": disclosure.show(n0, threshold),
                           "readmit": None, "los": None, "time_to_discharge": None}
    if min(n_prog_wards, n_comp_wards) < MIN_WARDS_EACH:
        return out
    discharged = frame[frame["end"].notna()]
    for key, col in (("readmit", f"readmit_{window}"), ("los", "los")):
        a, b = _ward_means(discharged, col)
        known = discharged.dropna(subset=[col])
        small = disclosure.any_small(threshold, *known.groupby("arm").size().tolist())
        if key == "readmit":
            events = known.groupby("arm")[col].agg(["sum", "size"])
            small = small or any(disclosure.events_hidden(r["sum"], r["size"], threshold)
                                 for _, r in events.iterrows())
        if small or len(a) < MIN_WARDS_EACH or len(b) < MIN_WARDS_EACH:
            continue
        out[key] = {"program_mean": float(a.mean()), "comparison_mean": float(b.mean()),
                    "difference": est(base.mean_difference(a, b))}
    durations = (frame["end"].fillna(frame["data_end"]) - frame["start"]).clip(lower=0.5)
    timed = frame.assign(days=durations, discharged=frame["end"].notna().astype(int))
    fit = survival.cox(timed, duration="days", event="discharged", ph_check=False)
    if fit is not None and math.isfinite(fit.hazard_ratio.value):
        out["time_to_discharge"] = {"hazard_ratio": est(fit.hazard_ratio), "clusters": fit.clusters}
    return out
