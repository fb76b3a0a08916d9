"""Statistics wrappers: known answers, and a simulation that must recover known effects."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bridgeway.outcomes import stats


def test_risk_difference_known_values():
    rd = stats.risk_difference(18, 100, 25, 100)
    assert rd.value == pytest.approx(-0.07)
    assert rd.low < -0.07 < rd.high
    assert rd.low == pytest.approx(-0.1837, abs=2e-3)  # Newcombe (hybrid Wilson), textbook value
    assert math.isnan(stats.risk_difference(1, 0, 1, 10).value)


def test_kaplan_meier_and_logrank():
    curve = stats.kaplan_meier([10, 20, 30, 40], [1, 1, 0, 1], "x", horizon=60)
    assert curve.survival[0] == 1.0
    assert curve.survival[15] == pytest.approx(0.75)   # after the day-10 event
    assert curve.survival[35] == pytest.approx(0.5)    # day-30 censoring does not drop the curve
    lr = stats.logrank([5, 6, 7, 8, 9], [1, 1, 1, 1, 1], [50, 60, 70, 80, 90], [1, 1, 1, 1, 0])
    assert lr.p_value < 0.05


def test_simulation_recovers_known_effects():
    """50 cohorts of 600 with a known readmission and LOS effect: bias small, coverage ~95 %."""
    rng = np.random.default_rng(20240101)
    true_rd, true_los = 0.18 - 0.25, -8.0
    rd_hits = los_hits = 0
    rd_err, los_err = [], []
    reps = 50
    for _ in range(reps):
        frame = stats.simulate_cohort(rng, n=600, p_control=0.25, p_program=0.18,
                                      los_control=30.0, los_effect=true_los)
        rd, los = _light_compare(frame)  # the estimators compare() uses, without KM/Cox
        rd_err.append(rd.value - true_rd)
        los_err.append(los.value - true_los)
        rd_hits += rd.low <= true_rd <= rd.high
        los_hits += los.low <= true_los <= los.high
    bias_rd, bias_los = float(np.mean(rd_err)), float(np.mean(los_err))
    print(f"risk difference: bias {bias_rd:+.4f}, coverage {rd_hits / reps:.2f}; "
          f"LOS: bias {bias_los:+.3f} days, coverage {los_hits / reps:.2f}")
    assert abs(bias_rd) < 0.01
    assert abs(bias_los) < 0.5
    assert rd_hits / reps >= 0.86   # 95 % nominal; 50 replicates allow binomial noise
    assert los_hits / reps >= 0.86


def _light_compare(frame):
    prog = frame[frame.arm == "program"]
    comp = frame[frame.arm != "program"]
    rd = stats.risk_difference(int(prog.readmit_30.sum()), len(prog),
                               int(comp.readmit_30.sum()), len(comp))
    return rd, stats.mean_difference(prog.los, comp.los)


def test_cox_recovers_hazard_ratio():
    """Cox on 10 simulated cohorts with HR 0.6: the mean log-HR is close, CIs cover."""
    rng = np.random.default_rng(7)
    logs, hits = [], 0
    for _ in range(10):
        frame = stats.simulate_cohort(rng, n=800, p_control=0.25, p_program=0.18,
                                      los_control=30, los_effect=-8, hazard_ratio=0.6)
        result = stats.cox(frame)
        assert result is not None
        hr = result.hazard_ratio
        logs.append(math.log(hr.value))
        hits += hr.low <= 0.6 <= hr.high
        assert set(result.covariates) >= {"program", "age_decades", "woman", "tertiary",
                                          "prior_stays"}
    assert abs(float(np.mean(logs)) - math.log(0.6)) < 0.08
    assert hits >= 8


def test_compare_end_to_end_on_a_simulated_cohort():
    rng = np.random.default_rng(3)
    frame = stats.simulate_cohort(rng, n=1000, p_control=0.25, p_program=0.12,
                                  los_control=30, los_effect=-8, hazard_ratio=0.5)
    c = stats.compare(frame)
    assert c.readmit_difference.high < 0
    assert c.los_difference.high < 0
    assert c.logrank.p_value < 0.01
    assert c.cox is not None and c.cox.hazard_ratio.high < 1
    assert {cv.label for cv in c.curves} == {"program", "comparison"}
