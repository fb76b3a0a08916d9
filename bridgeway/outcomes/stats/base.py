"""Crude (unadjusted) comparisons: rates with Wilson intervals, Newcombe's risk difference,
Welch's difference in means. Thin, typed wrappers over statsmodels. Pure: no Django import,
plain data in and out, so they are unit-tested and simulated without a database.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    p_value: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


@dataclass(frozen=True)
class Proportion:
    events: int
    n: int
    rate: float
    low: float
    high: float


def proportion(events: int, n: int) -> Proportion:
    """A rate with its Wilson 95 % interval."""
    if n == 0:
        return Proportion(0, 0, math.nan, math.nan, math.nan)
    low, high = proportion_confint(events, n, alpha=ALPHA, method="wilson")
    return Proportion(int(events), int(n), events / n, float(low), float(high))


def risk_difference(events_a: int, n_a: int, events_b: int, n_b: int) -> Estimate:
    """Risk in A minus risk in B, Newcombe's hybrid score interval (good at small counts)."""
    if n_a == 0 or n_b == 0:
        return Estimate(math.nan, math.nan, math.nan)
    low, high = confint_proportions_2indep(events_a, n_a, events_b, n_b, method="newcomb",
                                           compare="diff", alpha=ALPHA)
    return Estimate(events_a / n_a - events_b / n_b, float(low), float(high))


def mean_difference(a: np.ndarray | pd.Series, b: np.ndarray | pd.Series) -> Estimate:
    """Mean of A minus mean of B with a Welch t interval and p-value."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(xa) < 2 or len(xb) < 2 or (xa.var() == 0 and xb.var() == 0):
        return Estimate(float(xa.mean() - xb.mean()) if len(xa) and len(xb) else math.nan,
                        math.nan, math.nan)
    cm = CompareMeans(DescrStatsW(xa), DescrStatsW(xb))
    low, high = cm.tconfint_diff(alpha=ALPHA, usevar="unequal")
    _, p, _ = cm.ttest_ind(usevar="unequal")
    return Estimate(float(xa.mean() - xb.mean()), float(low), float(high), float(p))
