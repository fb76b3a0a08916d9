"""Program vs comparison on every headline outcome: crude figures, estimates adjusted for site
and ward type, survival, and the subgroups. Pure: no Django.

Input: the cohort (one index episode per client, `groups.decide` plus client attributes), with
arm "program" and the comparison arm ("usual_care" or "before"). Output: plain dicts, already
through disclosure control (`disclosure`), ready for the page, the PDF and the exports.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import pandas as pd

from . import adjusted, base, disclosure, survival
from .base import Estimate

LONELY = ("neutral", "unsatisfied")
SUBGROUPS = ("all", "lonely", "not_lonely")
# Continuous outcomes: (key, column, compare ratios of geometric means too).
CONTINUOUS = (("los", "los", True), ("cost_stay", "cost", False),
              ("cost_year", "cost_365", False), ("bed_days", "bed_days_365", False),
              ("community", "community_days_365", False), ("ed_year", "ed_365", False))


def est(e: Estimate | None) -> dict[str, float | None] | None:
    if e is None:
        return None
    return {k: (None if v is None or not math.isfinite(v) else float(v)) for k, v in asdict(e).items()}


def _strata(frame: pd.DataFrame) -> pd.Series:
    return frame["site_id"].astype("int64").astype(str) + ":" + frame["ward_type"].astype(str)


def binary(frame: pd.DataFrame, col: str, threshold: int) -> dict[str, Any]:
    """A yes/no outcome (e.g. readmitted within 30 days) by arm: counts, rates, differences."""
    known = frame.dropna(subset=[col])
    prog = known["arm"] == "program"
    e1, n1 = float(known.loc[prog, col].sum()), int(prog.sum())
    e0, n0 = float(known.loc[~prog, col].sum()), int((~prog).sum())
    hide1 = disclosure.events_hidden(e1, n1, threshold) or disclosure.is_small(n1, threshold)
    hide0 = disclosure.events_hidden(e0, n0, threshold) or disclosure.is_small(n0, threshold)

    def arm(e: float, n: int, hide: bool) -> dict[str, Any]:
        p = base.proportion(int(e), n)
        return {"events": disclosure.show(e, threshold, hide=hide),
                "n": disclosure.show(n, threshold),
                "rate": None if hide or n == 0 else p.rate,
                "low": None if hide or n == 0 else p.low, "high": None if hide or n == 0 else p.high}

    out: dict[str, Any] = {"program": arm(e1, n1, hide1), "comparison": arm(e0, n0, hide0),
                           "hidden": hide1 or hide0, "unknown": int(len(frame) - len(known))}
    if hide1 or hide0 or n1 == 0 or n0 == 0:
        return out | {"crude": None, "adjusted": None, "ratio": None, "mh_difference": None,
                      "mh_ratio": None, "dropped_program": None, "clusters": None}
    std = adjusted.standardised(known[col], prog, _strata(known), known["ward_id"], ratio=True)
    mh = adjusted.mantel_haenszel(known[col], prog, _strata(known))
    return out | {
        "crude": est(base.risk_difference(int(e1), n1, int(e0), n0)),
        "adjusted": est(std.difference) if std else None,
        "ratio": est(std.ratio) if std else None,
        "mh_difference": est(mh.risk_difference) if mh else None,
        "mh_ratio": est(mh.risk_ratio) if mh else None,
        "dropped_program": disclosure.show(std.dropped_program, threshold) if std else None,
        "clusters": std.clusters if std else None,
    }


def continuous(frame: pd.DataFrame, col: str, threshold: int, *, geometric: bool = False
               ) -> dict[str, Any]:
    """A measured outcome (days, dollars, visits) by arm: means, medians and differences."""
    known = frame.dropna(subset=[col])
    prog = known["arm"] == "program"
    a, b = known.loc[prog, col].astype(float), known.loc[~prog, col].astype(float)
    hide = disclosure.is_small(len(a), threshold) or disclosure.is_small(len(b), threshold)
    out: dict[str, Any] = {
        "n_program": disclosure.show(len(a), threshold),
        "n_comparison": disclosure.show(len(b), threshold),
        "unknown": int(len(frame) - len(known)), "hidden": hide,
        "program_mean": None, "comparison_mean": None, "program_median": None,
        "comparison_median": None, "crude": None, "adjusted": None, "geometric_ratio": None,
        "adjusted_comparison_mean": None}
    if hide or len(a) == 0 or len(b) == 0:
        return out
    std = adjusted.standardised(known[col], prog, _strata(known), known["ward_id"])
    out |= {"program_mean": float(a.mean()), "comparison_mean": float(b.mean()),
            "program_median": float(a.median()), "comparison_median": float(b.median()),
            "crude": est(base.mean_difference(a, b)),
            "adjusted": est(std.difference) if std else None,
            "adjusted_comparison_mean": std.comparison_mean if std else None}
    if geometric:
        out["geometric_ratio"] = est(adjusted.geometric_ratio(known[col], prog, _strata(known),
                                                              known["ward_id"]))
    return out


def curves(frame: pd.DataFrame, threshold: int) -> list[dict[str, Any]]:
    out = []
    for label, part in (("program", frame[frame["arm"] == "program"]),
                        ("comparison", frame[frame["arm"] != "program"])):
        c = survival.kaplan_meier(part["days_to_readmission"], part["readmitted"], label,
                                  min_at_risk=threshold)
        out.append(asdict(c) | {"n": disclosure.show(c.n, threshold),
                                "at_risk": [disclosure.show(n, threshold) for n in c.at_risk]})
    return out


def headline(frame: pd.DataFrame, *, window: int, threshold: int) -> dict[str, Any]:
    """Every headline comparison on one cohort (rows of both arms)."""
    discharged = frame[frame["end"].notna()]
    prog = discharged["arm"] == "program"
    n1, n0 = int((frame["arm"] == "program").sum()), int((frame["arm"] != "program").sum())
    out: dict[str, Any] = {
        "n_program": disclosure.show(n1, threshold), "n_comparison": disclosure.show(n0, threshold),
        "still_in_hospital": disclosure.show(int(frame["end"].isna().sum()), threshold),
        "readmit": binary(discharged, f"readmit_{window}", threshold),
    }
    for key, col, geometric in CONTINUOUS:
        out[key] = continuous(discharged, col, threshold, geometric=geometric)
    small = disclosure.any_small(threshold, int(prog.sum()), int((~prog).sum()),
                                 float(discharged.loc[prog, "readmitted"].sum()),
                                 float(discharged.loc[~prog, "readmitted"].sum()))
    both = prog.any() and (~prog).any()
    out["km"] = curves(discharged, threshold) if both else []
    lr = (survival.logrank(discharged.loc[prog, "days_to_readmission"],
                           discharged.loc[prog, "readmitted"],
                           discharged.loc[~prog, "days_to_readmission"],
                           discharged.loc[~prog, "readmitted"]) if both and not small else None)
    out["logrank"] = asdict(lr) if lr else None
    cox = survival.cox(discharged) if both and not small else None
    out["cox"] = None if cox is None else {
        "hazard_ratio": est(cox.hazard_ratio), "n": cox.n, "events": cox.events,
        "strata": cox.strata, "clusters": cox.clusters, "ph_p_value": cox.ph_p_value,
        "covariates": cox.covariates, "terms": {k: est(v) for k, v in cox.terms.items()}}
    out["referral_to_discharge"] = referral_to_discharge(frame, threshold)
    return out


def referral_to_discharge(frame: pd.DataFrame, threshold: int) -> dict[str, Any] | None:
    """Forchuk et al. 2005: days from enrolment (referral) to discharge for program clients,
    those still in hospital censored at the data end (Kaplan–Meier median)."""
    p = frame[(frame["arm"] == "program") & frame["referred"].notna()]
    if disclosure.is_small(len(p), threshold) or p.empty:
        return None
    end = p["end"].fillna(p["data_end"])
    days = (end - p["referred"]).clip(lower=0)
    done = p["end"].notna().astype(int)
    c = survival.kaplan_meier(days, done, "program", horizon=max(30, int(days.max()) + 1),
                              min_at_risk=threshold, step=1)
    still = int((done == 0).sum())
    return {"n": disclosure.show(len(p), threshold), "median": c.median,
            "still_in_hospital": disclosure.show(still, threshold),
            "by_ward_type": {wt: _median_days(days[p["ward_type"] == wt], done[p["ward_type"] == wt],
                                              threshold) for wt in ("acute", "tertiary")}}


def _median_days(days: pd.Series, done: pd.Series, threshold: int) -> dict[str, Any]:
    if disclosure.is_small(len(days), threshold) or days.empty:
        return {"n": disclosure.show(len(days), threshold), "median": None}
    c = survival.kaplan_meier(days, done, "x", horizon=int(days.max()) + 1, step=1)
    return {"n": disclosure.show(len(days), threshold), "median": c.median}


def _adjusted(frame: pd.DataFrame, col: str, threshold: int, *, events: bool = False
              ) -> dict[str, float | None] | None:
    """The adjusted difference alone (subgroups), hidden when a group's counts are small."""
    known = frame.dropna(subset=[col])
    prog = known["arm"] == "program"
    for part in (known[prog], known[~prog]):
        if disclosure.is_small(len(part), threshold) or (
                events and disclosure.events_hidden(float(part[col].sum()), len(part), threshold)):
            return None
    std = adjusted.standardised(known[col], prog, _strata(known), known["ward_id"])
    return est(std.difference) if std else None


def subgroups(frame: pd.DataFrame, *, window: int, threshold: int) -> list[dict[str, Any]]:
    """Baseline loneliness (recorded for program clients only, so each program subgroup is
    compared with the whole comparison group) by ward type. Counts protected together: the
    subgroups and the clients without a baseline add up to the program total."""
    discharged = frame[frame["end"].notna()]
    comp = discharged[discharged["arm"] != "program"]
    prog = discharged[discharged["arm"] == "program"]
    parts = {"all": prog, "lonely": prog[prog["social"].isin(LONELY)],
             "not_lonely": prog[prog["social"] == "satisfied"]}
    out = []
    for wt in ("", "acute", "tertiary"):
        def sel(f: pd.DataFrame, wt: str = wt) -> pd.DataFrame:
            return f if not wt else f[f["ward_type"] == wt]
        counts = [len(sel(parts[k])) for k in SUBGROUPS]
        unrecorded = counts[0] - counts[1] - counts[2]
        hidden, _ = disclosure.protect([*counts[1:], unrecorded], [[0, 1, 2]], threshold,
                                       unpublished=[2])
        hide = {"all": disclosure.is_small(counts[0], threshold), "lonely": bool(hidden[0]),
                "not_lonely": bool(hidden[1])}
        for key in SUBGROUPS:
            data = pd.concat([sel(parts[key]), sel(comp)])
            n_prog = len(sel(parts[key]))
            row: dict[str, Any] = {"subgroup": key, "ward_type": wt,
                                   "n_program": disclosure.show(n_prog, threshold, hide=hide[key]),
                                   "n_comparison": disclosure.show(len(sel(comp)), threshold),
                                   "readmit_difference": None, "los_difference": None}
            if not hide[key] and n_prog and len(sel(comp)):
                row["readmit_difference"] = _adjusted(data, f"readmit_{window}", threshold,
                                                      events=True)
                row["los_difference"] = _adjusted(data, "los", threshold)
            out.append(row)
    return out
