"""Benchmark: the whole evaluation dashboard computation vs an analyst's own script.

Not a test; run it by hand:

    .venv/bin/python bench/outcomes.py [--stays 100000] [--database postgres|sqlite] [--runs 3]

1. Creates its own database (`bench_outcomes_eval` on postgres://postgres@127.0.0.1:5432;
   BENCH_DATABASE_URL overrides), dropped first and at the end, or a temporary SQLite file.
2. Generates a program: 100,000 hospital stays over 9 hospitals (27 wards, staggered program
   starts), repeat stays, same-day transfers and open stays; referrals with their status
   history; matches and their contacts (on the ward and in the community); ED visits,
   per-diems, bridging records; data declared complete up to 2025-12-31.
3. Exports the raw tables to Parquet (timed apart, not in the ratio).
4. Times, interleaved --runs times (median of each):
   * ours: `bridgeway.outcomes.analysis.evaluate` without its cache, i.e. the first load of
     the dashboard: loading the tables from the database, episodes, groups, every measure,
     the adjusted comparisons, Kaplan–Meier, log-rank, the Cox model with its
     proportional-hazards check, subgroups, the time series per site and pooled, the
     ward-level comparison, data quality, fidelity, contact hours, drop-outs, waiting times,
     all through disclosure control;
   * theirs: `bench/outcomes_analyst.py`, the same analysis written afresh as an analyst would
     (measures in DuckDB SQL over the Parquet files, groups in pandas, the same statistical
     libraries for the models: lifelines, statsmodels, scipy).
5. Checks that both find the same groups and events and close estimates, then prints the
   figures and, last: `outcomes: over_duckdb=<our seconds / their seconds>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CUTOFF = date(2025, 12, 31)
DB = "bench_outcomes_eval"


def setup_database(kind: str, tmp: Path) -> str:
    if kind == "postgres":
        import psycopg

        server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB}")
        return f"{server}/{DB}"
    return f"sqlite:///{tmp / 'bench_outcomes.sqlite3'}"


def drop_database(kind: str) -> None:
    if kind == "postgres":
        import psycopg

        server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stays", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outcomes-") as tmpdir:
        tmp = Path(tmpdir)
        os.environ["DATABASE_URL"] = setup_database(args.database, tmp)
        os.environ["DJANGO_SETTINGS_MODULE"] = "bridgeway.settings.test"
        import django

        django.setup()
        import warnings

        import outcomes_analyst as analyst
        import outcomes_data
        from django.core.management import call_command
        from django.db import connection

        warnings.simplefilter("ignore")
        try:
            call_command("migrate", verbosity=0)
            t0 = time.perf_counter()
            sizes = outcomes_data.generate(args.stays, CUTOFF)
            gen_s = time.perf_counter() - t0
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"database: {connection.vendor}; generated {sizes} in {gen_s:.1f}s")

            from bridgeway.core.models import ProgramSite
            from bridgeway.outcomes import analysis

            sites = list(ProgramSite.objects.select_related("hospital").order_by("name"))
            filters = analysis.Filters(sites=sites, scope=sites, start=date(2023, 1, 1),
                                       end=CUTOFF, today=CUTOFF)
            t = time.perf_counter()
            paths = outcomes_data.export_raw(tmp)
            export_s = time.perf_counter() - t
            ours_t, theirs_t = [], []
            for _ in range(args.runs):  # interleaved: both sides see the same machine load
                t = time.perf_counter()
                ev = analysis.evaluate(filters, use_cache=False)
                ours_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                theirs = analyst.analyse(paths, CUTOFF)
                theirs_t.append(time.perf_counter() - t)
            agreement = analyst.compare(ev, theirs)
            ours_s, theirs_s = statistics.median(ours_t), statistics.median(theirs_t)
            hl = ev.headline
            print(f"groups: program {hl['n_program']}, usual care {hl['n_comparison']}; "
                  f"30-day readmission {hl['readmit']['program']['rate']:.4f} vs "
                  f"{hl['readmit']['comparison']['rate']:.4f}")
            print(f"agreement with the analyst's script: {agreement}")
            print(f"ours (analysis.evaluate, no cache): median {ours_s:.2f}s of "
                  f"{[round(x, 2) for x in ours_t]}")
            print(f"analyst (DuckDB + pandas + same models): median {theirs_s:.2f}s of "
                  f"{[round(x, 2) for x in theirs_t]}")
            print(f"raw export to Parquet: {export_s:.2f}s (not in the ratio)")
            print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print(f"outcomes: over_duckdb={ours_s / theirs_s:.2f}")
        finally:
            connection.close()
            if not args.keep:
                drop_database(args.database)


if __name__ == "__main__":
    main()
