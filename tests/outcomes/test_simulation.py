"""A small, seeded version of bench/validity.py: simulated programs with known effects and the
traps of issue 13, run through the same pipeline as the dashboard (pure, no database)."""

from __future__ import annotations

import warnings

import numpy as np

from bridgeway.outcomes.stats import pipeline, simulate

RUNS = 8


def test_known_effects_are_recovered_with_intervals_that_hold():
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(20261201)
    params = simulate.Params(sites=4, admissions_per_month={"acute": 6.0, "tertiary": 2.5})
    rd_err, los_err, crude_los_err, rd_hits, los_hits = [], [], [], 0, 0
    for _ in range(RUNS):
        raw, truth = simulate.simulate(rng, params)
        options = pipeline.Options(window=(int(raw.sites["start"].min()), raw.coverage.stays_end))
        result = pipeline.run(raw, options)
        h = result.results["headline"]
        c = pipeline.select(result.prepared.cohort, options)
        prog = c[(c["arm"] == "program") & c["end"].notna()]
        t = truth.episodes.set_index("first_stay_id").loc[prog["first_stay_id"]]
        known = prog["readmit_30"].notna().to_numpy()
        rd_true = float((t["p1"] - t["p0"])[known].mean())
        los_true = float((t["los1"] - t["los0"]).mean())
        rd, los = h["readmit"]["adjusted"], h["los"]["adjusted"]
        rd_err.append(rd["value"] - rd_true)
        los_err.append(los["value"] - los_true)
        crude_los_err.append(h["los"]["crude"]["value"] - los_true)
        rd_hits += rd["low"] <= rd_true <= rd["high"]
        los_hits += los["low"] <= los_true <= los["high"]
        # Usual care never holds a straddling stay, nor a client referred at the index stay.
        usual = c[c["arm"] == "usual_care"]
        assert (usual["start"] >= usual["site_start"]).all() and not usual["is_referred"].any()
    assert abs(np.mean(rd_err)) < 0.02  # 2 points; bench/validity.py: 0.03 points over 100 runs
    assert abs(np.mean(los_err)) < 2.0  # days; bench: 0.22
    assert np.mean(crude_los_err) > 4.0  # the confounded crude difference misses by far more
    assert rd_hits >= RUNS - 2 and los_hits >= RUNS - 2
