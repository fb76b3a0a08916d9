"""Adjusted estimates: known answers, and simulations with confounding and clustering (pure)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from bridgeway.outcomes.stats import adjusted


def test_standardised_to_the_program_by_hand():
    # Stratum a: program 1,1,0 (2/3), comparison 0,0,1,0 (1/4); stratum b: program 1 (1/1),
    # comparison 1,0 (1/2); stratum c has program clients only and is left out.
    y = [1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1]
    prog = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1]
    strata = ["a"] * 7 + ["b"] * 3 + ["c"] * 2
    res = adjusted.standardised(y, np.array(prog, bool), strata, ratio=True)
    assert res is not None
    w_a, w_b = 3 / 4, 1 / 4
    assert res.program_mean == pytest.approx(w_a * 2 / 3 + w_b * 1)
    assert res.comparison_mean == pytest.approx(w_a * 1 / 4 + w_b * 1 / 2)
    assert res.difference.value == pytest.approx(res.program_mean - res.comparison_mean)
    assert res.ratio.value == pytest.approx(res.program_mean / res.comparison_mean)
    assert res.dropped_program == 2 and res.clusters == 0


def test_one_stratum_without_clusters_is_the_plain_difference():
    rng = np.random.default_rng(3)
    prog = rng.random(4000) < 0.4
    y = (rng.random(4000) < np.where(prog, 0.12, 0.2)).astype(float)
    res = adjusted.standardised(y, prog, np.zeros(4000))
    p1, p0 = y[prog].mean(), y[~prog].mean()
    se = math.sqrt(p1 * (1 - p1) / prog.sum() + p0 * (1 - p0) / (~prog).sum())
    assert res.difference.value == pytest.approx(p1 - p0)
    assert (res.difference.high - res.difference.low) / (2 * 1.96) == pytest.approx(se, rel=0.01)


def test_mantel_haenszel_matches_statsmodels_and_the_textbook():
    rng = np.random.default_rng(4)
    n = 3000
    strata = rng.integers(0, 3, n)
    prog = rng.random(n) < 0.3 + 0.1 * strata
    y = (rng.random(n) < 0.1 + 0.05 * strata - 0.04 * prog).astype(float)
    tables = [np.array([[y[(strata == k) & prog].sum(), (1 - y[(strata == k) & prog]).sum()],
                        [y[(strata == k) & ~prog].sum(), (1 - y[(strata == k) & ~prog]).sum()]])
              for k in range(3)]
    mh = adjusted.mantel_haenszel(y, prog, strata)
    assert mh.risk_ratio.value == pytest.approx(StratifiedTable(tables).riskratio_pooled)
    one = adjusted.mantel_haenszel(y, prog, np.zeros(n))
    p1, p0 = y[prog].mean(), y[~prog].mean()
    se = math.sqrt(p1 * (1 - p1) / prog.sum() + p0 * (1 - p0) / (~prog).sum())
    assert one.risk_difference.value == pytest.approx(p1 - p0)
    assert (one.risk_difference.high - one.risk_difference.low) / (2 * 1.96) == pytest.approx(se, rel=0.02)


def _confounded(rng: np.random.Generator, n_wards: int = 24, per_ward: int = 150):
    """Wards in 6 strata; riskier strata refer more; each ward has its own level and its own
    referral habit, so clients of a ward are not independent and the arms differ by ward."""
    ward = np.repeat(np.arange(n_wards), per_ward)
    stratum = ward % 6
    ward_effect = rng.normal(0, 0.08, n_wards)[ward]
    base = 0.10 + 0.03 * stratum + ward_effect
    habit = rng.uniform(-0.2, 0.2, n_wards)[ward]
    refer = rng.random(len(ward)) < 0.2 + 0.1 * stratum + habit
    p0 = np.clip(base, 0.01, 0.9)
    p1 = p0 * 0.6
    y = (rng.random(len(ward)) < np.where(refer, p1, p0)).astype(float)
    truth = float((p1 - p0)[refer].mean())
    return y, refer, stratum, ward, truth


def test_standardised_removes_confounding_and_its_intervals_hold():
    rng = np.random.default_rng(2026)
    errs, crude_errs, hits, naive_hits, widths = [], [], 0, 0, []
    reps = 200
    for _ in range(reps):
        y, refer, stratum, ward, truth = _confounded(rng)
        res = adjusted.standardised(y, refer, stratum, ward)
        naive = adjusted.standardised(y, refer, stratum)  # clients taken as independent
        errs.append(res.difference.value - truth)
        crude_errs.append(y[refer].mean() - y[~refer].mean() - truth)
        hits += res.difference.low <= truth <= res.difference.high
        naive_hits += naive.difference.low <= truth <= naive.difference.high
        widths.append((res.difference.high - res.difference.low)
                      / (naive.difference.high - naive.difference.low))
        assert res.clusters == 24
    assert abs(np.mean(errs)) < 0.005  # unbiased to half a point
    assert np.mean(crude_errs) > 0.02  # the crude difference is confounded
    assert hits / reps >= 0.90  # nominal 95 %; 200 replicates
    # Summed by ward, the variance includes the wards' own differences: wider on average than
    # treating clients as independent, and still covering.
    assert np.mean(widths) > 1.1 and naive_hits <= hits


def test_few_wards_fall_back_to_independent_clients():
    rng = np.random.default_rng(1)
    y, refer, stratum, ward, _ = _confounded(rng, n_wards=6)
    assert adjusted.standardised(y, refer, stratum, ward).clusters == 0


def test_geometric_ratio_recovers_a_multiplicative_effect():
    rng = np.random.default_rng(9)
    prog = rng.random(5000) < 0.5
    strata = rng.integers(0, 2, 5000)
    los = np.exp(np.log(15) + 1.5 * strata + rng.normal(0, 0.6, 5000)) * np.where(prog, 0.7, 1)
    gm = adjusted.geometric_ratio(los, prog, strata)
    assert gm.low < 0.7 < gm.high and gm.value == pytest.approx(0.7, abs=0.03)
