"""Disclosure control: small counts hidden, and no hidden count recoverable by subtraction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bridgeway.outcomes.stats import disclosure, tables

COUNT_KEYS = {"n", "events", "n_program", "n_comparison", "clients", "followed", "readmitted",
              "discharges", "known", "matched", "ended", "dropped_out", "contacts", "rows",
              "program", "usual_care", "before", "crossovers", "straddling", "at_risk",
              "straddling_referred", "still_in_hospital", "ed_visits_year"}


def shown_counts(value: Any, key: str = "") -> list[int]:
    """Every count a figure shows, walking a result (dicts, lists)."""
    if isinstance(value, dict):
        return [n for k, v in value.items() for n in shown_counts(v, k)]
    if isinstance(value, list):
        return [n for v in value for n in shown_counts(v, key)]
    if key in COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return [value]
    return []


def assert_safe(values: list[float], hidden: np.ndarray, totals_hidden: np.ndarray,
                lines: list[list[int]], threshold: int = 5) -> None:
    for v, h in zip(values, hidden, strict=True):
        assert h or not 0 < v < threshold
    for line, th in zip(lines, totals_hidden, strict=True):
        if th:
            continue
        concealed = [i for i in line if hidden[i] and values[i] > 0]
        assert len(concealed) != 1, f"line {line}: one hidden part is its total minus the rest"


def test_primary_and_complementary_suppression():
    values = [3, 10, 20, 0]
    hidden, totals = disclosure.protect(values, [[0, 1, 2, 3]], 5)
    assert list(hidden) == [True, True, False, False]  # the smallest other non-zero part
    assert not totals[0]
    assert_safe(values, hidden, totals, [[0, 1, 2, 3]])


def test_a_total_made_of_one_small_part_is_hidden_itself():
    hidden, totals = disclosure.protect([3, 0, 0], [[0, 1, 2]], 5)
    assert list(hidden) == [True, False, False] and totals[0]


def test_crossing_lines_are_protected_until_stable():
    # A 2 x 3 grid published with its row and column totals.
    values = [2, 9, 30, 12, 7, 40]
    lines = [[0, 1, 2], [3, 4, 5], [0, 3], [1, 4], [2, 5]]
    hidden, totals = disclosure.protect(values, lines, 5)
    assert hidden[0] and hidden.sum() >= 4  # the complement in its row pulls in its column
    assert_safe(values, hidden, totals, lines)


def test_unpublished_parts_count_as_hidden():
    # Lonely + satisfied + not recorded = all: not recorded is never shown.
    hidden, _ = disclosure.protect([3, 30, 6], [[0, 1, 2]], 5, unpublished=[2])
    assert list(hidden) == [True, False, False]


def test_events_and_non_events_are_both_counts():
    assert disclosure.events_hidden(3, 40, 5) and disclosure.events_hidden(38, 40, 5)
    assert not disclosure.events_hidden(10, 40, 5) and not disclosure.events_hidden(0, 40, 5)


def test_aggregates_grid_cannot_be_undone_by_any_published_total():
    rng = np.random.default_rng(8)
    rows = []
    for site in (1, 2, 3):
        for wt in ("acute", "tertiary"):
            for arm in ("program", "usual_care"):
                for _ in range(int(rng.integers(0, 12))):
                    rows.append({"site_id": site, "ward_type": wt, "arm": arm,
                                 "readmit_30": float(rng.random() < 0.3), "los": 10.0,
                                 "bed_days_365": 1.0, "ed_365": 0.0})
    cohort = pd.DataFrame(rows)
    agg = tables.aggregates(cohort, [1, 2, 3], arms=("program", "usual_care"), window=30,
                            threshold=5)
    cells = [(s, wt, a) for s in (1, 2, 3) for wt in ("acute", "tertiary")
             for a in ("program", "usual_care")]
    counts = cohort.groupby(["site_id", "ward_type", "arm"]).size()
    values = [int(counts.get(c, 0)) for c in cells]
    shown = agg.set_index(["site_id", "ward_type", "arm"])["clients"]
    hidden = np.array([shown.loc[c] == "<5" for c in cells])
    idx = {c: i for i, c in enumerate(cells)}
    arms = ("program", "usual_care")
    lines = ([[idx[c] for c in cells if c[2] == a] for a in arms]
             + [[idx[(s, wt, a)] for wt in ("acute", "tertiary")] for s in (1, 2, 3) for a in arms]
             + [[idx[(s, wt, a)] for s in (1, 2, 3)] for wt in ("acute", "tertiary") for a in arms])
    assert hidden.any()
    assert_safe(values, hidden, np.zeros(len(lines), bool), lines)
    for c, v in zip(cells, values, strict=True):
        assert shown.loc[c] == ("<5" if hidden[idx[c]] else v)


def test_monthly_series_cannot_be_undone_by_the_pooled_totals():
    """Per-site monthly discharges by ward type, the site totals and the pooled totals: no
    published total minus its shown parts gives a hidden count away (pure, simulated)."""
    from bridgeway.outcomes.stats import pipeline, simulate

    rng = np.random.default_rng(5)
    params = simulate.Params(sites=3, admissions_per_month={"acute": 3.0, "tertiary": 1.0})
    raw, _truth = simulate.simulate(rng, params)
    window = (int(raw.sites["start"].min()), raw.coverage.stays_end)
    prepared = pipeline.prepare(raw, window)
    by_type = {wt: pipeline.run(raw, pipeline.Options(window=window, ward_type=wt),
                                prepared).results["its"] for wt in ("acute", "tertiary")}
    both = pipeline.run(raw, pipeline.Options(window=window), prepared).results["its"]
    assert both["pooled"] and any(
        "<5" in s["discharges"] for s in by_type["tertiary"]["sites"])  # small months exist
    counts = shown_counts(by_type) + shown_counts(both)
    assert all(n == 0 or n >= 5 for n in counts)
    for wt in ("acute", "tertiary"):
        pooled = next(p for p in by_type[wt]["pooled"])
        for j, rel in enumerate(pooled["months"]):
            if pooled["discharges"][j] == "<5":
                continue
            parts = []
            for site in by_type[wt]["sites"]:
                start = site["start_index"]
                k = start + int(rel)
                if 0 <= k < len(site["discharges"]):
                    parts.append(site["discharges"][k])
            assert sum(p == "<5" for p in parts) != 1, (wt, rel, parts)
    for site_both, site_a, site_t in zip(both["sites"], by_type["acute"]["sites"],
                                         by_type["tertiary"]["sites"], strict=True):
        for total, a, t in zip(site_both["discharges"], site_a["discharges"],
                               site_t["discharges"], strict=True):
            if total != "<5":
                assert (a == "<5") == (t == "<5") or 0 in (a, t), (total, a, t)
