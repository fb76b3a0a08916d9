"""Assembles the evaluation: measures from the database, statistics and series for one scope.

Everything returned is aggregate and JSON-safe (charts get it through json_script); no client
identifier ever leaves this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from bridgeway.core.models import ProgramSite

from . import fidelity, its, measures, selectors, stats
from .measures import day_number

COMPARISONS = ("usual_care", "before")
SUBGROUPS = ("all", "lonely", "not_lonely")
LONELY = ("neutral", "unsatisfied")
ITS_MONTHS_BEFORE = 36
ITS_MONTHS_AFTER = 24
SERIES = ("median_los", "readmit_rate", "ed_per_discharge")


@dataclass
class Filters:
    sites: list[ProgramSite]
    start: date
    end: date
    cutoff: date
    ward_type: str = ""
    comparison: str = "usual_care"
    subgroup: str = "all"
    window: int = 30

    @property
    def site_ids(self) -> list[int]:
        return [s.id for s in self.sites]


def clean(value: Any) -> Any:
    """NaN/inf and numpy scalars to JSON-safe Python values, recursively."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def load(filters: Filters) -> pd.DataFrame:
    frame = measures.compute(cutoff=filters.cutoff, site_ids=filters.site_ids)
    frame["age"] = frame["age_days"].astype(float) / 365.25
    if filters.ward_type:
        frame = frame[frame.ward_type == filters.ward_type]
    return frame


def in_period(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return frame[(frame.discharge >= day_number(start)) & (frame.discharge <= day_number(end))]


def cohort(frame: pd.DataFrame, filters: Filters, subgroup: str | None = None) -> pd.DataFrame:
    """One row per client and arm: program vs the chosen comparison group."""
    first = frame[frame.first_in_arm == 1]
    program = in_period(first[first.arm == "program"], filters.start, filters.end)
    sub = subgroup or filters.subgroup
    if sub == "lonely":
        program = program[program.social.isin(LONELY)]
    elif sub == "not_lonely":
        program = program[program.social == "satisfied"]
    if filters.comparison == "before":
        comparison = first[first.arm == "before"]
    else:
        comparison = in_period(first[first.arm == "usual_care"], filters.start, filters.end)
    return pd.concat([program, comparison], ignore_index=True)


def _estimate(e: stats.Estimate | None) -> dict[str, Any] | None:
    return None if e is None else clean(e.as_dict())


def headline(c: stats.Comparison, data: pd.DataFrame) -> dict[str, Any]:
    prog, comp = data[data.arm == "program"], data[data.arm != "program"]
    cost = stats.mean_difference(prog.episode_cost + prog.cost_after,
                                 comp.episode_cost + comp.cost_after)
    return clean({
        "n_program": c.n_program, "n_comparison": c.n_comparison,
        "readmit_program": vars(c.readmit_program), "readmit_comparison": vars(c.readmit_comparison),
        "readmit_difference": _estimate(c.readmit_difference),
        "los_program": c.los_program_mean, "los_comparison": c.los_comparison_mean,
        "los_difference": _estimate(c.los_difference),
        "bed_days_difference": _estimate(c.bed_days_difference),
        "cost_program": float((prog.episode_cost + prog.cost_after).mean()) if len(prog) else None,
        "cost_comparison": float((comp.episode_cost + comp.cost_after).mean()) if len(comp) else None,
        "cost_difference": _estimate(cost),
        "ed_program": float(prog.ed_visits_after.mean()) if len(prog) else None,
        "ed_comparison": float(comp.ed_visits_after.mean()) if len(comp) else None,
        "community_program": float(prog.community_days.mean()) if len(prog) else None,
        "community_comparison": float(comp.community_days.mean()) if len(comp) else None,
        "logrank": vars(c.logrank),
        "cox": None if c.cox is None else {
            "hazard_ratio": _estimate(c.cox.hazard_ratio), "n": c.cox.n, "events": c.cox.events,
            "covariates": c.cox.covariates,
            "terms": {k: _estimate(v) for k, v in c.cox.terms.items()}},
    })


def subgroups(frame: pd.DataFrame, filters: Filters) -> list[dict[str, Any]]:
    out = []
    for key in SUBGROUPS:
        data = cohort(frame, filters, subgroup=key)
        for ward_type in ("", "acute", "tertiary"):
            d = data if not ward_type else data[data.ward_type == ward_type]
            if filters.ward_type and ward_type and ward_type != filters.ward_type:
                continue
            p, c = d[d.arm == "program"], d[d.arm != "program"]
            pk, ck = p[f"readmit_{filters.window}"].dropna(), c[f"readmit_{filters.window}"].dropna()
            rd = stats.risk_difference(int(pk.sum()), len(pk), int(ck.sum()), len(ck))
            los = stats.mean_difference(p.los, c.los)
            out.append(clean({"subgroup": key, "ward_type": ward_type, "n_program": len(p),
                              "n_comparison": len(c), "readmit_difference": rd.as_dict(),
                              "los_difference": los.as_dict()}))
    return out


def its_for_site(frame: pd.DataFrame, site: ProgramSite, cutoff: date) -> dict[str, Any] | None:
    """Monthly series 36 months before to 24 after the program start, with segmented fits."""
    if site.program_start_date is None:
        return None
    start_month = site.program_start_date.replace(day=1)
    first = start_month - relativedelta(months=ITS_MONTHS_BEFORE)
    last = min(start_month + relativedelta(months=ITS_MONTHS_AFTER - 1), cutoff.replace(day=1))
    months = its.month_range(first.strftime("%Y-%m"), last.strftime("%Y-%m"))
    # The last month is only complete for readmission if 30 days of follow-up exist.
    data = frame[(frame.site_id == site.id) & frame.arm.isin(["before", "program", "usual_care",
                                                               "other"])]
    series = its.monthly(data, months)
    k = its.start_index(months, start_month.strftime("%Y-%m"))
    out: dict[str, Any] = {"site": site.name, "site_code": site.code, "months": months,
                           "start_index": k, "start_month": start_month.strftime("%Y-%m"),
                           "discharges": series.discharges.tolist(), "series": {}}
    for name in SERIES:
        values = [None if pd.isna(v) else round(float(v), 4) for v in series[name]]
        fit = its.segmented(values, k)
        out["series"][name] = {
            "values": values,
            "fitted": fit.fitted if fit else [],
            "counterfactual": fit.counterfactual if fit else [],
            "level_change": _estimate(fit.level_change) if fit else None,
            "slope_change": _estimate(fit.slope_change) if fit else None,
            "pre_slope": _estimate(fit.pre_slope) if fit else None,
            "maxlags": fit.maxlags if fit else None,
        }
    return clean(out)


@dataclass
class Evaluation:
    filters: Filters
    headline: dict[str, Any]
    km: list[dict[str, Any]]
    subgroups: list[dict[str, Any]]
    its: list[dict[str, Any]]
    fidelity_components: dict[str, Any]
    fidelity_ward_month: list[dict[str, Any]]
    contact_hours: list[dict[str, Any]]
    drop_outs: list[dict[str, Any]]
    waiting: list[dict[str, Any]]
    per_diems: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


def evaluate(filters: Filters) -> Evaluation:
    frame = load(filters)
    data = cohort(frame, filters)
    comp = stats.compare(data, window=filters.window)
    km = [clean(vars(c)) for c in comp.curves]
    its_rows = [r for r in (its_for_site(frame, s, filters.cutoff) for s in filters.sites) if r]
    program = in_period(frame[frame.arm == "program"], filters.start, filters.end)
    fid = fidelity.per_client(program, cutoff=filters.cutoff)
    components: dict[str, Any] = {
        "n": len(fid),
        "components": [{"key": k, "label": str(label),
                        "rate": clean(float(fid[k].mean())) if len(fid) else None,
                        "known": int(fid[k].notna().sum()) if len(fid) else 0}
                       for k, label in fidelity.COMPONENTS.items()],
        "score": clean(float(fid.score.mean())) if len(fid) else None,
    }
    wm = fidelity.per_ward_month(in_period(frame, filters.start, filters.end), fid)
    ward_names = {w.id: str(w) for s in filters.sites for w in s.hospital.wards.all()}
    ward_month = [clean({**r, "ward": ward_names.get(int(r["ward_id"]), "")})
                  for r in wm.to_dict("records")]
    return Evaluation(
        filters=filters, headline=headline(comp, data), km=km,
        subgroups=subgroups(frame, filters), its=its_rows,
        fidelity_components=components, fidelity_ward_month=ward_month,
        contact_hours=selectors.contact_hours_by_month(filters.site_ids, filters.start, filters.end),
        drop_outs=selectors.drop_outs_by_month(filters.site_ids, filters.start, filters.end),
        waiting=selectors.waiting_times(filters.site_ids, filters.start, filters.end),
        per_diems=selectors.per_diems_for(filters.sites),
    )
