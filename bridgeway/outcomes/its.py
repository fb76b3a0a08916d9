"""Interrupted time series: monthly series and segmented regression. Pure (no Django).

Model (Wagner et al. 2002; as in Lam et al. 2020):
    y_t = b0 + b1 * t + b2 * post_t + b3 * (t - k) * post_t + e_t
where t counts months, k is the first month on or after the program start and post_t = 1
from month k. b2 is the change in level and b3 the change in slope at the start. Standard
errors are Newey–West (HAC), robust to autocorrelation up to `maxlags` months. The
counterfactual is the pre-period line b0 + b1 * t carried on after the start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .stats import ALPHA, Estimate

MIN_POINTS_EACH_SIDE = 3


def month_key(day_numbers: pd.Series) -> pd.Series:
    """Day numbers (days since 1970-01-01) to "YYYY-MM"."""
    return pd.to_datetime(day_numbers.astype("int64"), unit="D").dt.strftime("%Y-%m")


def month_range(first: str, last: str) -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(first, last, freq="M")]


def monthly(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per discharge month: discharges, median LOS, 30-day readmission rate, ED visits.

    `frame` holds index discharges (measures.compute). Readmission rate counts only
    discharges with enough follow-up to know; ED visits are mental-health ED visits in the
    30 days after discharge, per discharge.
    """
    out = pd.DataFrame(index=pd.Index(months, name="month"))
    if frame.empty:
        for col in ("discharges", "median_los", "readmit_rate", "ed_per_discharge"):
            out[col] = np.nan
        out["discharges"] = 0
        return out.reset_index()
    f = frame.assign(month=month_key(frame["discharge"]))
    g = f.groupby("month")
    out["discharges"] = g.size().reindex(months).fillna(0).astype(int)
    out["median_los"] = g["los"].median().reindex(months)
    known = f.dropna(subset=["readmit_30"]).groupby("month")["readmit_30"]
    out["readmit_rate"] = known.mean().reindex(months)
    out["ed_per_discharge"] = g["ed_visits_30"].mean().reindex(months)
    return out.reset_index()


@dataclass
class Segmented:
    n_pre: int
    n_post: int
    pre_slope: Estimate
    level_change: Estimate
    slope_change: Estimate
    fitted: list[float | None] = field(default_factory=list)
    counterfactual: list[float | None] = field(default_factory=list)
    maxlags: int = 0


def _est(res: sm.regression.linear_model.RegressionResultsWrapper, i: int) -> Estimate:
    ci = res.conf_int(alpha=ALPHA)
    return Estimate(float(res.params[i]), float(ci[i][0]), float(ci[i][1]), float(res.pvalues[i]))


def segmented(values: list[float | None] | np.ndarray, start_index: int,
              maxlags: int | None = None) -> Segmented | None:
    """Fit the segmented regression; months with no value are skipped. None if too short."""
    y = np.asarray([math.nan if v is None else v for v in values], dtype=float)
    t = np.arange(len(y), dtype=float)
    ok = ~np.isnan(y)
    post = (t >= start_index).astype(float)
    n_pre, n_post = int((ok & (post == 0)).sum()), int((ok & (post == 1)).sum())
    if n_pre < MIN_POINTS_EACH_SIDE or n_post < MIN_POINTS_EACH_SIDE:
        return None
    since = (t - start_index) * post
    x = np.column_stack([np.ones_like(t), t, post, since])
    n = int(ok.sum())
    lags = maxlags if maxlags is not None else max(1, int(4 * (n / 100) ** (2 / 9)))
    res = sm.OLS(y[ok], x[ok]).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    b = res.params
    fitted = x @ b
    counterfactual = b[0] + b[1] * t
    return Segmented(
        n_pre=n_pre, n_post=n_post, pre_slope=_est(res, 1), level_change=_est(res, 2),
        slope_change=_est(res, 3), maxlags=lags,
        fitted=[round(float(v), 3) for v in fitted],
        counterfactual=[round(float(v), 3) if i >= start_index else None
                        for i, v in enumerate(counterfactual)],
    )


def start_index(months: list[str], program_start_month: str) -> int:
    for i, m in enumerate(months):
        if m >= program_start_month:
            return i
    return len(months)
