"""The interrupted time series of the dashboard: per site in calendar months, and pooled over
sites for acute and for tertiary wards in months since each site's start (Lam et al. 2020
analysed acute and tertiary units apart). Pure: no Django.

Population: every discharged episode on the program wards (referred or not), by discharge
month, from 36 months before the start to 24 after. Months are *complete* when every discharge
in them has 30 days of follow-up in its source; later months are not used. The pooled series
keeps only the months every pooled site has (sites start at different times: a site dropping
out near the end would shift the level); a site with fewer than 3 complete months after its
start is left out of the pool and named.

Disclosure: a month's discharge count is a count like any other (primary and complementary
suppression over sites, ward types and the pooled totals); a rate is shown only when its
events and non-events both reach the threshold; the fits use every month with at least
`min_count` discharges, shown or not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import disclosure, its
from .compare import est
from .episodes import Coverage

MONTHS_BEFORE = 36
MONTHS_AFTER = 24
WARD_TYPES = ("acute", "tertiary")


def population(episodes: pd.DataFrame, cov: Coverage) -> pd.DataFrame:
    """Discharged episodes on program wards of sites in scope, with calendar and relative
    month of discharge."""
    e = episodes[episodes["eligible"] & episodes["in_scope"] & episodes["end"].notna()
                 & episodes["ward_type"].isin(WARD_TYPES)].copy()
    e["month"] = its.month_number(e["end"])
    e["start_month"] = its.month_number(e["site_start"])
    e["rel"] = e["month"] - e["start_month"]
    return e[(e["rel"] >= -MONTHS_BEFORE) & (e["rel"] < MONTHS_AFTER)]


def last_complete(day_end: int) -> int:
    """The last month whose discharges all have 30 days of follow-up by `day_end`."""
    month = int(its.month_number(np.array([day_end - 30]))[0])
    if its.last_day_of_month(month) + 30 > day_end:
        month -= 1
    return month


def _fit(table: pd.DataFrame, start_index: int, threshold: int, labels: list[str]
         ) -> dict[str, Any]:
    out: dict[str, Any] = {"months": labels, "start_index": start_index, "series": {}}
    for name in its.SERIES:
        fit = its.segmented(table[name].tolist(), start_index, table[f"w_{name}"].to_numpy())
        shown = []
        for value, row in zip(table[name], table.itertuples(), strict=True):
            ok = not pd.isna(value)
            if ok and name == "readmit_rate":
                events = round(value * row.w_readmit_rate)
                ok = not disclosure.events_hidden(events, row.w_readmit_rate, threshold)
            if ok and name == "ed_per_discharge":
                ok = round(value * row.w_ed_per_discharge) >= threshold
            shown.append(round(float(value), 4) if ok else None)
        out["series"][name] = {
            "values": shown, "fitted": fit.fitted if fit else [],
            "counterfactual": fit.counterfactual if fit else [],
            "level_change": est(fit.level_change) if fit else None,
            "slope_change": est(fit.slope_change) if fit else None,
            "pre_slope": est(fit.pre_slope) if fit else None, "rho": fit.rho if fit else None}
    return out


def build(episodes: pd.DataFrame, sites: pd.DataFrame, cov: Coverage, *, threshold: int,
          min_count: int, ward_type: str = "") -> dict[str, Any]:
    """{"sites": [per-site series], "pooled": [acute, tertiary], "excluded": [site ids]}."""
    pop = population(episodes, cov)
    end_month = last_complete(min(cov.stays_end, cov.ed_end))
    first_month = (None if cov.stays_start is None
                   else int(its.month_number(np.array([cov.stays_start]))[0]) + 1)
    scope = sites[sites["in_scope"].astype(bool) & sites["start"].notna()].sort_values("site_id")
    months: dict[int, list[int]] = {}
    for row in scope.itertuples():
        s0 = int(its.month_number(np.array([row.start]))[0])
        lo = s0 - MONTHS_BEFORE if first_month is None else max(s0 - MONTHS_BEFORE, first_month)
        hi = min(s0 + MONTHS_AFTER - 1, end_month)
        if hi >= lo:
            months[int(row.site_id)] = list(range(lo, hi + 1))
    # Cells (site, ward type, month) and the totals published over them.
    counts = pop.groupby(["site_id", "ward_type", "month"]).size()
    cells = [(s, wt, m) for s, ms in months.items() for wt in WARD_TYPES for m in ms]
    index = {c: i for i, c in enumerate(cells)}
    values = [int(counts.get(c, 0)) for c in cells]
    site_months = [(s, m) for s, ms in months.items() for m in ms]
    line_of = {sm: i for i, sm in enumerate(site_months)}
    lines = [[index[(s, wt, m)] for wt in WARD_TYPES] for s, m in site_months]
    start_month = {int(r.site_id): int(its.month_number(np.array([r.start]))[0])
                   for r in scope.itertuples()}
    pool = [s for s, ms in months.items() if ms[-1] - start_month[s] >= its.MIN_POINTS_EACH_SIDE - 1]
    if len(pool) < 2:  # one site's pool is that site's own series
        pool = []
    rel_lo = max((ms[0] - start_month[s] for s, ms in months.items() if s in pool), default=0)
    rel_hi = min((ms[-1] - start_month[s] for s, ms in months.items() if s in pool), default=-1)
    rel = list(range(rel_lo, rel_hi + 1))
    pooled_lines = [[index[(s, wt, start_month[s] + r)] for s in pool] for wt in WARD_TYPES for r in rel]
    hidden, total_hidden = disclosure.protect(values, lines + pooled_lines, threshold)
    shown_cell = {c: disclosure.show(values[i], threshold, hide=bool(hidden[i]))
                  for c, i in index.items()}
    types = [ward_type] if ward_type else list(WARD_TYPES)

    per_site = []
    for s, ms in months.items():
        data = pop[(pop["site_id"] == s) & pop["ward_type"].isin(types)]
        table = its.monthly(data, "month", ms, min_count=min_count)
        k = start_month[s] - ms[0]
        out = _fit(table, k, threshold, [its.month_label(m) for m in ms])
        if ward_type:
            out["discharges"] = [shown_cell[(s, ward_type, m)] for m in ms]
        else:
            out["discharges"] = [
                disclosure.show(int(n), threshold, hide=bool(total_hidden[line_of[(s, m)]]))
                for m, n in zip(ms, table["discharges"], strict=True)]
        out["site_id"] = s
        per_site.append(out)

    pooled = []
    for wt_i, wt in enumerate(WARD_TYPES):
        if (ward_type and wt != ward_type) or not pool or not rel:
            continue
        data = pop[pop["site_id"].isin(pool) & (pop["ward_type"] == wt)
                   & (pop["rel"] >= rel_lo) & (pop["rel"] <= rel_hi)]
        table = its.monthly(data, "rel", rel, min_count=min_count)
        out = _fit(table, -rel_lo, threshold, [str(r) for r in rel])
        off = len(lines) + wt_i * len(rel)
        out["discharges"] = [disclosure.show(int(n), threshold, hide=bool(total_hidden[off + j]))
                             for j, n in enumerate(table["discharges"])]
        out["ward_type"] = wt
        pooled.append(out)
    return {"sites": per_site, "pooled": pooled, "pooled_sites": pool,
            "excluded_from_pool": [s for s in months if s not in pool] if pool else []}
