"""Segmented regression with AR(1) errors recovers known changes with intervals that hold;
monthly series keep empty months in place and hide small ones (pure)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bridgeway.outcomes.stats import its, series
from bridgeway.outcomes.stats.episodes import Coverage


def _ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    e = np.zeros(n)
    e[0] = rng.normal(0, 1 / math.sqrt(1 - rho ** 2))
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal()
    return e


@pytest.mark.parametrize("rho", [0.0, 0.4])
def test_level_change_recovered_and_intervals_cover(rho):
    """60 months (36 before, 24 after, as in Lam et al. 2020), AR(1) noise, months weighted by
    their discharges, a tenth of the months missing. Newey–West covered 81 % here."""
    rng = np.random.default_rng(11)
    hits, levels, reps = 0, [], 150
    for _ in range(reps):
        n, k = 60, 36
        counts = rng.integers(3, 40, n)
        t = np.arange(n)
        y = 30 + 0.05 * t - 3 * (t >= k) + 0.1 * (t - k) * (t >= k) + _ar1(rng, n, rho) \
            + rng.normal(0, 8 / np.sqrt(counts))
        y[rng.random(n) < 0.1] = np.nan
        fit = its.segmented(list(y), k, counts)
        assert fit is not None
        levels.append(fit.level_change.value)
        hits += fit.level_change.low <= -3 <= fit.level_change.high
    assert abs(np.mean(levels) + 3) < 0.3
    assert hits / reps >= 0.89  # nominal 95 %; 150 replicates (0.94-0.95 in bench runs)


def test_counterfactual_extends_the_pre_period_line_and_gaps_keep_their_place():
    y = [10 + 1.0 * i for i in range(12)] + [5 + 1.0 * i for i in range(12, 24)]
    y[5] = None  # a missing month: its neighbours are not made adjacent
    fit = its.segmented(y, 12)
    assert fit is not None
    assert fit.level_change.value == pytest.approx(-5, abs=1e-6)
    assert fit.slope_change.value == pytest.approx(0, abs=1e-6)
    assert fit.counterfactual[:12] == [None] * 12
    assert fit.counterfactual[20] == pytest.approx(30)
    assert len(fit.fitted) == 24


def test_too_short_series_gives_none():
    assert its.segmented([1, 2, 3, 4], 2) is None
    assert its.segmented([1, 2, None, 4, 5, 6, 7], 3) is None


def test_monthly_series_hides_small_months_but_keeps_them():
    frame = pd.DataFrame({"month": [0] * 6 + [2] * 2, "los": [10, 20, 5, 7, 9, 11, 3, 4],
                          "readmit_30": [1, 0, 0, None, 0, 1, 1, 0], "ed_30": [0] * 8})
    m = its.monthly(frame, "month", [0, 1, 2], min_count=5)
    assert list(m["key"]) == [0, 1, 2] and list(m["discharges"]) == [6, 0, 2]
    assert m["median_los"][0] == 9.5 and np.isnan(m["median_los"][1]) and np.isnan(m["median_los"][2])
    assert m["readmit_rate"][0] == pytest.approx(2 / 5)  # the unknown flag is left out
    assert m["w_readmit_rate"][0] == 5 and m["w_median_los"][2] == 0


def test_last_complete_month_needs_30_days_of_follow_up():
    day = (pd.Timestamp("2025-03-30") - pd.Timestamp(0)).days  # 2025-02-28 + 30
    assert its.month_label(series.last_complete(day)) == "2025-02"
    assert its.month_label(series.last_complete(day - 1)) == "2025-01"
    assert Coverage(stays_end=day, ed_end=day).stays_end == day
