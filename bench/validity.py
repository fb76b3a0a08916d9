"""Validity: do the dashboard's estimates recover known program effects, with intervals that
hold? Not a test; run it by hand:

    .venv/bin/python bench/validity.py [--runs 200] [--seed 2026]

Each run simulates a program (bridgeway.outcomes.stats.simulate: six sites with staggered
starts, acute and tertiary wards, a comparison ward at two sites; the traps listed in that
module) and runs `bridgeway.outcomes.stats.pipeline.run`, the function the dashboard, the PDF
and the exports compute with (the dashboard only loads the same tables from the database
first). Each estimate is compared with the truth the simulator kept:

* 30-day readmission risk difference, program vs usual care, adjusted for site and ward type:
  the truth is the mean over the analysed program clients of (risk with the program - risk
  without it);
* length of stay, adjusted difference: mean over the analysed program clients of (length of
  stay with the program - without it);
* interrupted time series, level change of the pooled acute and pooled tertiary 30-day
  readmission series: the truth is the segmented line through each month's expected rate
  (the mean true risk of that month's discharges), fitted with the same weights and
  autocorrelation as the estimate, so that the monthly shocks (autocorrelated) count as error
  and the chance mix of who was discharged does not. The expected rate is not a straight line
  after the start (the program reaches more of the ward as it grows), so "the" level change
  is the one the segmented model describes.

Prints a table and, last:
`validity: rd_bias_pp=<x> los_bias_days=<x> rd_coverage=<p> los_coverage=<p> its_level_coverage=<p>`.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bridgeway.outcomes.stats import its, pipeline, series, simulate  # noqa: E402 — after the path is set


def its_truth(result: pipeline.Result, truth: simulate.Truth, raw: pipeline.RawData,
              options: pipeline.Options) -> dict[str, float]:
    """Level change of the segmented line through each pooled month's expected rate."""
    pop = series.population(result.prepared.groups.episodes, raw.coverage)
    risk = truth.episodes.set_index("first_stay_id")["p1"]
    pop = pop.assign(readmit_30=np.where(pop["readmit_30"].notna(),
                                         pop["first_stay_id"].map(risk), np.nan))
    out = {}
    for s in result.results["its"]["pooled"]:
        rel = [int(r) for r in s["months"]]
        data = pop[pop["site_id"].isin(result.results["its"]["pooled_sites"])
                   & (pop["ward_type"] == s["ward_type"])]
        table = its.monthly(data, "rel", rel, min_count=options.min_count)
        y, w = table["readmit_rate"].to_numpy(), table["w_readmit_rate"].to_numpy()
        t = np.arange(len(rel), dtype=float)
        k = s["start_index"]
        x = np.column_stack([np.ones_like(t), t, t >= k, (t - k) * (t >= k)])
        # The months the estimate used (enough discharges), weighted and correlated as it was.
        ok = ~np.isnan(y) & (w > 0)
        beta = its._gls(y[ok], x[ok], t[ok], w[ok], s["series"]["readmit_rate"]["rho"])[0]
        out[s["ward_type"]] = float(beta[2])
    return out


def one_run(rng: np.random.Generator) -> dict[str, float]:
    raw, truth = simulate.simulate(rng)
    options = pipeline.Options(window=(int(raw.sites["start"].min()), raw.coverage.stays_end))
    result = pipeline.run(raw, options)
    h = result.results["headline"]
    c = pipeline.select(result.prepared.cohort, options)
    prog = c[(c["arm"] == "program") & c["end"].notna()]
    t = truth.episodes.set_index("first_stay_id").loc[prog["first_stay_id"]]
    known = prog["readmit_30"].notna().to_numpy()
    row = {
        "rd_truth": float((t["p1"] - t["p0"])[known].mean()),
        "los_truth": float((t["los1"] - t["los0"]).mean()),
        "rd": h["readmit"]["adjusted"]["value"], "rd_low": h["readmit"]["adjusted"]["low"],
        "rd_high": h["readmit"]["adjusted"]["high"],
        "rd_crude": h["readmit"]["crude"]["value"],
        "los": h["los"]["adjusted"]["value"], "los_low": h["los"]["adjusted"]["low"],
        "los_high": h["los"]["adjusted"]["high"], "los_crude": h["los"]["crude"]["value"],
        "n_program": h["n_program"], "n_usual": h["n_comparison"],
    }
    truths = its_truth(result, truth, raw, options)
    for s in result.results["its"]["pooled"]:
        lc = s["series"]["readmit_rate"]["level_change"]
        wt = s["ward_type"]
        row |= {f"its_{wt}_truth": truths[wt], f"its_{wt}": lc["value"],
                f"its_{wt}_low": lc["low"], f"its_{wt}_high": lc["high"]}
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(args.seed)
    rows = []
    t0 = time.perf_counter()
    for i in range(args.runs):
        rows.append(one_run(rng))
        if (i + 1) % 20 == 0:
            print(f"  {i + 1} runs, {time.perf_counter() - t0:.0f}s", flush=True)
    f = pd.DataFrame(rows)
    cover = {
        "rd": ((f.rd_low <= f.rd_truth) & (f.rd_truth <= f.rd_high)).mean(),
        "los": ((f.los_low <= f.los_truth) & (f.los_truth <= f.los_high)).mean(),
    }
    its_hits, its_n = 0, 0
    for wt in ("acute", "tertiary"):
        if f"its_{wt}" in f:
            g = f.dropna(subset=[f"its_{wt}"])
            its_hits += int(((g[f"its_{wt}_low"] <= g[f"its_{wt}_truth"])
                             & (g[f"its_{wt}_truth"] <= g[f"its_{wt}_high"])).sum())
            its_n += len(g)
    rd_bias = 100 * float((f.rd - f.rd_truth).mean())
    los_bias = float((f.los - f.los_truth).mean())
    print(f"{args.runs} simulated programs (seed {args.seed}), {time.perf_counter() - t0:.0f}s; "
          f"mean {f.n_program.mean():.0f} program and {f.n_usual.mean():.0f} usual-care clients")
    print("| estimate | mean truth | mean estimate | bias | 95% interval covers the truth |")
    print("|---|---|---|---|---|")
    print(f"| 30-day readmission risk difference, adjusted (points) | {100 * f.rd_truth.mean():.2f} | "
          f"{100 * f.rd.mean():.2f} | {rd_bias:+.2f} | {cover['rd']:.3f} |")
    print(f"| same, crude (points) | {100 * f.rd_truth.mean():.2f} | {100 * f.rd_crude.mean():.2f} | "
          f"{100 * (f.rd_crude - f.rd_truth).mean():+.2f} | — |")
    print(f"| length of stay, adjusted (days) | {f.los_truth.mean():.2f} | {f.los.mean():.2f} | "
          f"{los_bias:+.2f} | {cover['los']:.3f} |")
    print(f"| same, crude (days) | {f.los_truth.mean():.2f} | {f.los_crude.mean():.2f} | "
          f"{(f.los_crude - f.los_truth).mean():+.2f} | — |")
    for wt in ("acute", "tertiary"):
        if f"its_{wt}" in f:
            g = f.dropna(subset=[f"its_{wt}"])
            hit = ((g[f"its_{wt}_low"] <= g[f"its_{wt}_truth"])
                   & (g[f"its_{wt}_truth"] <= g[f"its_{wt}_high"])).mean()
            print(f"| ITS level change, pooled {wt} readmission (points) | "
                  f"{100 * g[f'its_{wt}_truth'].mean():.2f} | {100 * g[f'its_{wt}'].mean():.2f} | "
                  f"{100 * (g[f'its_{wt}'] - g[f'its_{wt}_truth']).mean():+.2f} | {hit:.3f} |")
    its_cov = its_hits / its_n if its_n else float("nan")
    print(f"validity: rd_bias_pp={rd_bias:.2f} los_bias_days={los_bias:.2f} "
          f"rd_coverage={cover['rd']:.3f} los_coverage={cover['los']:.3f} "
          f"its_level_coverage={its_cov:.3f}")


if __name__ == "__main__":
    main()
