"""Estimates adjusted for site and ward type, with intervals that allow for clustering by ward.
Pure: no Django.

The primary estimate is *standardised to the program's clients* (the effect of the program on
the people it reached): within each stratum (site x ward type) the program mean is compared
with the usual-care mean, and the differences are averaged with the program's share of clients
in each stratum as weights. Program clients in a stratum without any usual-care client cannot
be compared and are left out (counted). Ratios (risk ratio, ratio of geometric means) are the
same standardised means divided instead of subtracted.

Intervals come from each client's influence on the estimate, summed within wards (a
cluster-robust sandwich), with Student's t on (wards - 1) degrees of freedom: clients of one
ward share its staff and its discharge habits, so they are not independent. With fewer than
MIN_CLUSTERS wards the cluster sum is unreliable; clients are then treated as independent
and the result says so.

Mantel–Haenszel risk difference (Sato's variance) and risk ratio (Greenland–Robins variance)
over the same strata are reported beside it as a check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from .base import ALPHA, Estimate

MIN_CLUSTERS = 10


@dataclass(frozen=True)
class Standardised:
    difference: Estimate
    ratio: Estimate | None  # for positive outcomes (risk ratio, ratio of geometric means)
    program_mean: float
    comparison_mean: float  # usual care, standardised to the program's strata
    n_program: int
    n_comparison: int
    dropped_program: int  # program clients in strata without a comparison client
    clusters: int  # wards the variance was summed over (0: clients taken as independent)


def _interval(value: float, se: float, df: float, log: bool = False) -> Estimate:
    if not math.isfinite(se) or se <= 0:
        return Estimate(math.nan, math.nan, math.nan)
    t = float(sps.t.ppf(1 - ALPHA / 2, df)) if math.isfinite(df) else float(sps.norm.ppf(1 - ALPHA / 2))
    p = float(2 * (sps.t.sf(abs(value) / se, df) if math.isfinite(df) else sps.norm.sf(abs(value) / se)))
    if log:
        return Estimate(math.exp(value), math.exp(value - t * se), math.exp(value + t * se), p)
    return Estimate(value, value - t * se, value + t * se, p)


def standardised(y: np.ndarray | pd.Series, program: np.ndarray | pd.Series,
                 stratum: np.ndarray | pd.Series, cluster: np.ndarray | pd.Series | None = None,
                 *, ratio: bool = False) -> Standardised | None:
    """Program minus usual care, standardised to the program's strata (see module doc)."""
    y = np.asarray(y, dtype=float)
    treat = np.asarray(program, dtype=bool)
    strata = pd.factorize(np.asarray(stratum))[0]
    groups = np.arange(len(y)) if cluster is None else pd.factorize(np.asarray(cluster))[0]
    ok = ~np.isnan(y)
    y, treat, strata, groups = y[ok], treat[ok], strata[ok], groups[ok]
    if len(y) == 0:
        return None
    k = strata.max() + 1
    n1 = np.bincount(strata, weights=treat, minlength=k)
    n0 = np.bincount(strata, weights=~treat, minlength=k)
    usable = (n1 > 0) & (n0 > 0)
    dropped = int(n1[~usable].sum())
    keep = usable[strata]
    if not keep.any():
        return None
    y, treat, strata, groups = y[keep], treat[keep], strata[keep], groups[keep]
    n_total1 = n1[usable].sum()
    s1 = np.bincount(strata, weights=y * treat, minlength=k)
    s0 = np.bincount(strata, weights=y * ~treat, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean1_s = np.where(n1 > 0, s1 / n1, 0.0)
        mean0_s = np.where(n0 > 0, s0 / n0, 0.0)
    w = np.where(usable, n1 / n_total1, 0.0)
    m1 = float((w * mean1_s).sum())
    m0 = float((w * mean0_s).sum())
    # Each client's influence on m1 and on m0 (the weights are estimated too).
    if1 = np.where(treat, (y - m1) / n_total1, 0.0)
    if0 = np.where(treat, (mean0_s[strata] - m0) / n_total1,
                   w[strata] * (y - mean0_s[strata]) / np.maximum(n0[strata], 1))
    n_clusters = len(np.unique(groups))
    clustered = cluster is not None and n_clusters >= MIN_CLUSTERS
    if not clustered:
        groups = np.arange(len(y))
        n_clusters = len(y)
    df = float(n_clusters - 1) if clustered else math.inf
    correction = n_clusters / max(n_clusters - 1, 1)

    def se(influence: np.ndarray) -> float:
        summed = np.bincount(groups, weights=influence)
        return math.sqrt(correction * float((summed ** 2).sum()))

    diff = _interval(m1 - m0, se(if1 - if0), df)
    rat = None
    if ratio and m1 > 0 and m0 > 0:
        rat = _interval(math.log(m1 / m0), se(if1 / m1 - if0 / m0), df, log=True)
    return Standardised(difference=diff, ratio=rat, program_mean=m1, comparison_mean=m0,
                        n_program=int(treat.sum()), n_comparison=int((~treat).sum()),
                        dropped_program=dropped, clusters=n_clusters if clustered else 0)


def geometric_ratio(los: np.ndarray | pd.Series, program: np.ndarray | pd.Series,
                    stratum: np.ndarray | pd.Series, cluster: np.ndarray | pd.Series | None = None
                    ) -> Estimate | None:
    """Ratio of geometric mean lengths of stay, standardised like `standardised` (a same-day
    discharge counts as half a day so that its logarithm exists)."""
    logs = np.log(np.maximum(np.asarray(los, dtype=float), 0.5))
    res = standardised(logs, program, stratum, cluster)
    if res is None or not math.isfinite(res.difference.value):
        return None
    d = res.difference
    return Estimate(math.exp(d.value), math.exp(d.low), math.exp(d.high), d.p_value)


@dataclass(frozen=True)
class MantelHaenszel:
    risk_difference: Estimate
    risk_ratio: Estimate | None
    strata: int


def mantel_haenszel(events: np.ndarray | pd.Series, program: np.ndarray | pd.Series,
                    stratum: np.ndarray | pd.Series) -> MantelHaenszel | None:
    """Mantel–Haenszel risk difference (Sato 1989 variance) and risk ratio (Greenland and
    Robins 1985 variance) over strata; strata with one arm only carry no information."""
    e = np.asarray(events, dtype=float)
    treat = np.asarray(program, dtype=bool)
    ok = ~np.isnan(e)
    e, treat = e[ok], treat[ok]
    codes = pd.factorize(np.asarray(stratum)[ok])[0]
    k = int(codes.max()) + 1 if len(codes) else 0
    a = np.bincount(codes, weights=e * treat, minlength=k)
    b = np.bincount(codes, weights=e * ~treat, minlength=k)
    n1 = np.bincount(codes, weights=treat, minlength=k).astype(float)
    n0 = np.bincount(codes, weights=~treat, minlength=k).astype(float)
    use = (n1 > 0) & (n0 > 0)
    a, b, n1, n0 = a[use], b[use], n1[use], n0[use]
    if len(a) == 0:
        return None
    n = n1 + n0
    wsum = (n1 * n0 / n).sum()
    rd = float(((a * n0 - b * n1) / n).sum() / wsum)
    p_ = (n1 ** 2 * b - n0 ** 2 * a + n1 * n0 * (n0 - n1) / 2) / n ** 2
    q_ = (a * (n0 - b) + b * (n1 - a)) / (2 * n)
    var_rd = (rd * p_.sum() + q_.sum()) / wsum ** 2
    rd_est = _interval(rd, math.sqrt(var_rd) if var_rd > 0 else math.nan, math.inf)
    r_num, r_den = (a * n0 / n).sum(), (b * n1 / n).sum()
    rr_est = None
    if r_num > 0 and r_den > 0:
        var_log = ((n1 * n0 * (a + b) - a * b * n) / n ** 2).sum() / (r_num * r_den)
        rr_est = _interval(math.log(r_num / r_den), math.sqrt(max(var_log, 0.0)), math.inf, log=True)
    return MantelHaenszel(risk_difference=rd_est, risk_ratio=rr_est, strata=int(len(a)))
