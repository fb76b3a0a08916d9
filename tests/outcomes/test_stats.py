"""Crude comparisons and survival: known answers, and Cox models that recover known hazard
ratios and notice non-proportional hazards (pure)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bridgeway.outcomes.stats import base, survival


def test_risk_difference_known_values():
    rd = base.risk_difference(18, 100, 25, 100)
    assert rd.value == pytest.approx(-0.07)
    assert rd.low == pytest.approx(-0.1837, abs=2e-3)  # Newcombe (hybrid Wilson), textbook value
    assert math.isnan(base.risk_difference(1, 0, 1, 10).value)


def test_kaplan_meier_logrank_and_the_at_risk_floor():
    curve = survival.kaplan_meier([10, 20, 30, 40], [1, 1, 0, 1], "x", horizon=60)
    assert curve.survival[0] == 1.0
    assert curve.survival[15] == pytest.approx(0.75)  # after the day-10 event
    assert curve.survival[35] == pytest.approx(0.5)  # day-30 censoring does not drop the curve
    floored = survival.kaplan_meier([10, 20, 30, 40], [1, 1, 0, 1], "x", horizon=60,
                                    min_at_risk=3)
    assert floored.survival[15] == pytest.approx(0.75) and floored.survival[25] is None
    lr = survival.logrank([5, 6, 7, 8, 9], [1, 1, 1, 1, 1], [50, 60, 70, 80, 90], [1, 1, 1, 1, 0])
    assert lr.p_value < 0.05


def _cohort(rng: np.random.Generator, n: int, hr: float, late_hr: float | None = None) -> pd.DataFrame:
    site = rng.integers(1, 5, n)
    ward = site * 10 + rng.integers(0, 4, n)
    prog = rng.random(n) < 0.2 + 0.1 * site  # sites differ in referral and in baseline risk
    base_rate = 0.004 * site
    rate = base_rate * np.where(prog, hr, 1.0)
    t = rng.exponential(1 / rate)
    if late_hr is not None:  # the effect wears off: after day 60 the program hazard is late_hr
        late = t > 60
        t = np.where(prog & late, 60 + (t - 60) * hr / late_hr, t)
    return pd.DataFrame({
        "arm": np.where(prog, "program", "usual_care"), "site_id": site, "ward_id": ward,
        "days_to_readmission": np.minimum(t, 365.0), "readmitted": (t <= 365).astype(int),
        "age": rng.normal(42, 12, n), "gender": np.where(rng.random(n) < 0.5, "man", "woman"),
        "ward_type": np.where(ward % 2, "acute", "tertiary"), "prior_episodes": rng.poisson(1, n)})


def test_cox_stratified_by_site_recovers_the_hazard_ratio():
    rng = np.random.default_rng(7)
    logs, hits = [], 0
    for _ in range(8):
        res = survival.cox(_cohort(rng, 1500, 0.6))
        assert res is not None and res.strata == 4 and res.clusters == 16
        logs.append(math.log(res.hazard_ratio.value))
        hits += res.hazard_ratio.low <= 0.6 <= res.hazard_ratio.high
        assert {"program", "age_decades", "woman", "tertiary", "prior_episodes"} <= set(res.covariates)
    assert abs(float(np.mean(logs)) - math.log(0.6)) < 0.08
    assert hits >= 6


def test_proportional_hazards_check_flags_an_effect_that_wears_off():
    rng = np.random.default_rng(3)
    steady = survival.cox(_cohort(rng, 3000, 0.5))
    fading = survival.cox(_cohort(rng, 3000, 0.4, late_hr=1.2))
    assert steady is not None and fading is not None
    assert steady.ph_p_value > 0.01
    assert fading.ph_p_value < 0.01


def test_cox_needs_two_groups_and_enough_events():
    rng = np.random.default_rng(1)
    frame = _cohort(rng, 200, 0.6)
    assert survival.cox(frame.assign(arm="program")) is None
    assert survival.cox(frame.assign(readmitted=0)) is None
