"""The whole evaluation from plain tables: episodes, groups, comparisons, time series, the
ward-level comparison and the data-quality panel. Pure: no Django.

`run` is what the dashboard, the PDF and the exports compute (through
`bridgeway.outcomes.analysis`, which only loads the tables from the database), and what
bench/validity.py and the simulation tests run on simulated programs with known effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import cluster, compare, disclosure, groups, quality, series, tables
from .episodes import Coverage, build_episodes, ed_visits


@dataclass
class RawData:
    """Day numbers for dates; see each module for the columns."""

    stays: pd.DataFrame  # stay_id, client_id, hospital_id, ward_id, ward_type, admitted, discharged
    sites: pd.DataFrame  # site_id, hospital_id, start, in_scope
    declared_wards: pd.DataFrame  # site_id, ward_id, assignment
    referrals: pd.DataFrame  # enrolment_id, client_id, site_id, stay_id, referred, social
    history: pd.DataFrame  # enrolment_id, day, status
    current: pd.DataFrame  # enrolment_id, day, status (enrolments without history)
    clients: pd.DataFrame  # client_id, birth, gender
    ed: pd.DataFrame  # client_id, day, mental_health
    per_diem: pd.DataFrame  # hospital_id, ward_type, amount
    coverage: Coverage


@dataclass
class Options:
    window: tuple[int, int]  # admissions from, to (day numbers)
    comparison: str = "usual_care"  # or "before"
    sites: list[int] | None = None  # chosen sites (None: the whole scope)
    ward_type: str = ""
    subgroup: str = "all"  # program clients: all, lonely, not_lonely
    readmit_days: int = 30
    threshold: int = 5
    min_count: int = 5


@dataclass
class Prepared:
    stays: pd.DataFrame
    groups: groups.Groups
    cohort: pd.DataFrame  # index episodes of every arm, with client attributes
    linked: pd.DataFrame


@dataclass
class Result:
    results: dict[str, Any]
    program: pd.DataFrame  # program index episodes (for fidelity)
    prepared: Prepared = field(repr=False)


def prepare(raw: RawData, window: tuple[int, int]) -> Prepared:
    cov = raw.coverage
    s, ep = build_episodes(raw.stays, raw.per_diem, cov)
    ep = ep.join(ed_visits(ep, raw.ed, cov))
    scope = groups.Scope(sites=raw.sites, window=window, declared_wards=raw.declared_wards)
    g = groups.decide(s, ep, raw.referrals, scope, cov)
    linked = groups.link_referrals(raw.referrals, s, raw.sites, cov)
    c = g.cohort.merge(raw.clients, on="client_id", how="left")
    c["age"] = (c["start"] - c["birth"]) / 365.25
    c["prior_episodes"] = c["episode_no"]
    c["data_end"] = float(cov.stays_end)
    c["site_id"] = c["site_id"].astype("int64")
    c["ward_id"] = c["ward_id"].astype("int64")
    program = c["arm"] == "program"
    c["status_at_discharge"] = ""
    if program.any():
        c.loc[program, "status_at_discharge"] = groups.status_at(c[program], raw.history, raw.current)
    return Prepared(stays=s, groups=g, cohort=c, linked=linked)


def select(cohort: pd.DataFrame, options: Options) -> pd.DataFrame:
    """Program rows and the chosen comparison, for the chosen sites, ward type and subgroup."""
    c = cohort[cohort["arm"].isin(("program", options.comparison))]
    if options.sites is not None:
        c = c[c["site_id"].isin(options.sites)]
    if options.ward_type:
        c = c[c["ward_type"] == options.ward_type]
    if options.subgroup == "lonely":
        c = c[(c["arm"] != "program") | c["social"].isin(compare.LONELY)]
    elif options.subgroup == "not_lonely":
        c = c[(c["arm"] != "program") | (c["social"] == "satisfied")]
    return c


def group_sizes(p: Prepared, options: Options) -> dict[str, Any]:
    """How many clients each group holds, straddling stays apart, status at discharge."""
    t = options.threshold

    def show(n: int) -> int | str | None:
        return disclosure.show(n, t)

    c = p.cohort
    if options.sites is not None:
        c = c[c["site_id"].isin(options.sites)]
    if options.ward_type:
        c = c[c["ward_type"] == options.ward_type]
    st = p.groups.straddling
    st = st[st["site_id"].isin(options.sites)] if options.sites is not None else st
    if options.ward_type:
        st = st[st["ward_type"] == options.ward_type]
    status = c.loc[c["arm"] == "program", "status_at_discharge"].value_counts()
    return {
        "program": show(int((c["arm"] == "program").sum())),
        "usual_care": show(int((c["arm"] == "usual_care").sum())),
        "before": show(int((c["arm"] == "before").sum())),
        "crossovers": show(int(c["crossover"].sum())),
        "straddling": show(len(st)),
        "straddling_referred": show(int(st["is_referred"].sum())),
        "straddling_mean_los": (float(st["los"].mean()) if st["los"].notna().sum() >= t
                                else None),
        "status": {k: show(int(v)) for k, v in status.items()},
    }


def run(raw: RawData, options: Options, prepared: Prepared | None = None) -> Result:
    """Everything the dashboard shows about outcomes, through disclosure control."""
    p = prepared or prepare(raw, options.window)
    cov = raw.coverage
    t = options.threshold
    chosen = select(p.cohort, options)
    scope_ids = [int(i) for i in raw.sites.loc[raw.sites["in_scope"].astype(bool), "site_id"]]
    arms = ("program", options.comparison)
    agg = tables.aggregates(p.cohort[p.cohort["site_id"].isin(scope_ids)], scope_ids, arms=arms,
                            window=options.readmit_days, threshold=t)
    if options.sites is not None:
        agg = agg[agg["site_id"].isin(options.sites)]
    if options.ward_type:
        agg = agg[agg["ward_type"] == options.ward_type]
    its_out = series.build(p.groups.episodes, raw.sites, cov, threshold=t,
                           min_count=max(options.min_count, t), ward_type=options.ward_type)
    if options.sites is not None:
        its_out["sites"] = [s for s in its_out["sites"] if s["site_id"] in options.sites]
        if len(options.sites) < 2:
            its_out["pooled"] = []
    scope_hospitals = set(raw.sites.loc[raw.sites["in_scope"].astype(bool), "hospital_id"])
    record_counts = quality.records(raw.stays, p.stays, raw.referrals, p.linked,
                                    scope_hospitals, cov)
    full = select(p.cohort, Options(window=options.window, comparison=options.comparison,
                                    sites=options.sites, ward_type=options.ward_type))
    results = {
        "headline": compare.headline(chosen, window=options.readmit_days, threshold=t),
        "subgroups": compare.subgroups(full, window=options.readmit_days, threshold=t),
        "groups": group_sizes(p, options),
        "aggregates": agg.to_dict("records"),
        "its": its_out,
        "cluster": cluster.compare(p.groups.cluster.merge(raw.clients, on="client_id", how="left")
                                   .assign(age=lambda f: (f["start"] - f["birth"]) / 365.25,
                                           prior_episodes=lambda f: f["episode_no"],
                                           data_end=float(cov.stays_end))
                                   if len(p.groups.cluster) else p.groups.cluster,
                                   window=options.readmit_days, threshold=t),
        "quality": quality.present(record_counts,
                                   quality.exclusions(full, p.groups.counts, options.readmit_days),
                                   t),
        "program_wards": {str(k): v for k, v in p.groups.program_wards.items()},
        "coverage": {"stays_end": cov.stays_end, "ed_end": cov.ed_end,
                     "stays_start": cov.stays_start},
    }
    program = chosen[chosen["arm"] == "program"]
    return Result(results=clean(results), program=program, prepared=p)


def clean(value: Any) -> Any:
    """NaN/inf and numpy scalars to JSON-safe Python values, recursively."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
