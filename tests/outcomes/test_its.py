"""Segmented regression recovers a known level change; monthly series from measure rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bridgeway.outcomes import its
from bridgeway.outcomes.measures import day_number


def test_segmented_recovers_level_change_with_autocorrelated_noise():
    rng = np.random.default_rng(11)
    hits, levels = 0, []
    for _ in range(40):
        n, k = 60, 36  # 3 years before, 2 after, like Lam et al. 2020
        e = np.zeros(n)
        for i in range(1, n):
            e[i] = 0.4 * e[i - 1] + rng.normal(0, 2)
        t = np.arange(n)
        y = 30 + 0.05 * t - 8 * (t >= k) + e
        fit = its.segmented(y.tolist(), k)
        assert fit is not None
        levels.append(fit.level_change.value)
        hits += fit.level_change.low <= -8 <= fit.level_change.high
    assert abs(np.mean(levels) + 8) < 0.8
    assert hits >= 32  # nominal 95 %; HAC with few points is a little liberal


def test_counterfactual_extends_the_pre_period_line():
    y = [10 + 1.0 * i for i in range(12)] + [5 + 1.0 * i for i in range(12, 24)]
    fit = its.segmented(y, 12, maxlags=1)
    assert fit is not None
    assert fit.level_change.value == pytest.approx(-5, abs=1e-6)
    assert fit.slope_change.value == pytest.approx(0, abs=1e-6)
    assert fit.counterfactual[:12] == [None] * 12
    assert fit.counterfactual[20] == pytest.approx(30)


def test_too_short_series_gives_none():
    assert its.segmented([1, 2, 3, 4], 2) is None
    assert its.segmented([1, 2, None, 4, 5, 6, 7], 3) is None


def test_monthly_series():
    frame = pd.DataFrame({
        "discharge": [day_number(pd.Timestamp(d).date()) for d in
                      ["2024-01-05", "2024-01-20", "2024-03-02"]],
        "los": [10, 20, 5], "readmit_30": [1, None, 0], "ed_visits_30": [0, 2, 1],
    })
    months = its.month_range("2024-01", "2024-03")
    m = its.monthly(frame, months)
    assert list(m.month) == ["2024-01", "2024-02", "2024-03"]
    assert list(m.discharges) == [2, 0, 1]
    assert m.median_los[0] == 15 and np.isnan(m.median_los[1])
    assert m.readmit_rate[0] == 1.0  # the unknown flag is left out
    assert m.ed_per_discharge[0] == 1.0
    assert its.start_index(months, "2024-02") == 1
