"""Benchmark: the full outcome computation in the database vs DuckDB on a raw export.

Not a test; run it by hand:

    .venv/bin/python bench/outcomes.py [--stays 100000] [--database postgres|sqlite] [--runs 5]

1. Creates its own database: `bench_outcomes` on postgres://postgres@127.0.0.1:5432 (the
   production database; BENCH_DATABASE_URL overrides), dropped first and at the end, or with
   --database sqlite a temporary SQLite file; migrates it.
2. Generates a program with 100,000 hospital stays (~40,000 clients over 9 hospitals; repeat
   stays, ~5 % same-day transfers, open stays), enrolments with their stay at referral, ED
   visits and per-diems, with bulk_create.
3. Exports the raw tables the measures read to Parquet (timed, not in the ratio).
4. Times, interleaved --runs times (median of each): `bridgeway.outcomes.measures.compute`
   (every per-stay measure: episodes, readmission within 30/90/365 days with censoring,
   bed-days, ED visits, community days, costs, arms; rows fetched into a DataFrame), and DuckDB
   computing the same measures from the Parquet files with the same SQL text (so both sides
   compute exactly the same thing; rows fetched into a DataFrame).
5. Checks that both results are identical, then prints figures and, last:
   `outcomes: over_duckdb=<database seconds / DuckDB seconds>`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CUTOFF = date(2025, 12, 31)


def setup_database(kind: str, tmp: Path) -> str:
    if kind == "postgres":
        import psycopg

        server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_outcomes")
            conn.execute("CREATE DATABASE bench_outcomes")
        return server + "/bench_outcomes"
    return f"sqlite:///{tmp / 'bench_outcomes.sqlite3'}"


def drop_database(kind: str) -> None:
    if kind == "postgres":
        import psycopg

        server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_outcomes WITH (FORCE)")


def generate(n_stays: int, rng: random.Random) -> dict[str, int]:
    from django.utils import timezone

    from bridgeway.clients.models import Client, Enrolment, HospitalStay
    from bridgeway.core.models import Organisation, ProgramSite, Ward
    from bridgeway.outcomes.models import EDVisit, PerDiem

    hospitals = Organisation.objects.bulk_create([
        Organisation(name=f"Hospital {i}", code=f"h{i}", kind="hospital") for i in range(9)])
    wards = Ward.objects.bulk_create([
        Ward(hospital=h, name=f"{h.code}-{k}", ward_type="tertiary" if k == 2 else "acute")
        for h in hospitals for k in range(3)])
    ProgramSite.objects.bulk_create([
        ProgramSite(code=f"s{i}", name=f"Site {i}", hospital=h,
                    program_start_date=date(2023, 1 + i, 1)) for i, h in enumerate(hospitals)])
    sites = {s.hospital_id: s for s in ProgramSite.objects.all()}
    PerDiem.objects.bulk_create([PerDiem(hospital=h, ward_type="acute", amount=1200)
                                 for h in hospitals[:4]])
    by_hospital = {h.id: [w for w in wards if w.hospital_id == h.id] for h in hospitals}

    plans: list[list[tuple[Ward, date, date | None]]] = []
    total = 0
    while total < n_stays:
        h = rng.choice(hospitals)
        day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2400))
        stays: list[tuple[Ward, date, date | None]] = []
        for _ in range(rng.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]):
            ward = rng.choice(by_hospital[h.id])
            los = int(rng.lognormvariate(3.0, 0.6)) + 1
            end: date | None = day + timedelta(days=los)
            if end is not None and end > CUTOFF and rng.random() < 0.5:
                end = None
            stays.append((ward, day, end))
            if end is None:
                break
            if rng.random() < 0.05:  # same-day transfer to another ward
                day = end
            else:
                day = end + timedelta(days=max(1, int(rng.expovariate(1 / 150))))
        plans.append(stays[: n_stays - total])
        total += len(plans[-1])
    clients = Client.objects.bulk_create([
        Client(public_id=uuid.UUID(int=rng.getrandbits(128), version=4), given_name="Bench",
               family_name=f"Client{i}", date_of_birth=date(1950 + rng.randint(0, 50), 1, 1),
               gender=rng.choice(["man", "woman"]))
        for i in range(len(plans))], batch_size=5000)
    stay_rows = [HospitalStay(public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                              client_id=c.id, hospital_id=w.hospital_id, ward=w,
                              admitted_on=a, discharged_on=d)
                 for c, stays in zip(clients, plans, strict=True) for w, a, d in stays]
    made = HospitalStay.objects.bulk_create(stay_rows, batch_size=5000)
    first_stay: dict[int, HospitalStay] = {}
    for s in made:
        first_stay.setdefault(s.client_id, s)
    now = timezone.now()
    enrolments = []
    for c in clients:
        s = first_stay[c.id]
        site = sites[s.hospital_id]
        if s.admitted_on >= site.program_start_date and rng.random() < 0.4:
            enrolments.append(Enrolment(client_id=c.id, site=site, stay_id=s.id,
                                        status=rng.choice(["active", "finished", "withdrawn",
                                                           "declined"]),
                                        status_changed_at=now, referred_on=s.admitted_on,
                                        social_relationships=rng.choice(["", "satisfied",
                                                                         "unsatisfied"])))
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    visits = [EDVisit(client_id=c.id, hospital_id=first_stay[c.id].hospital_id,
                      visited_on=first_stay[c.id].admitted_on + timedelta(days=rng.randint(1, 700)),
                      mental_health=rng.random() < 0.9)
              for c in clients if rng.random() < 0.5]
    EDVisit.objects.bulk_create(visits, batch_size=5000)
    return {"clients": len(clients), "stays": len(made), "enrolments": len(enrolments),
            "ed_visits": len(visits)}


def export_raw(out: Path) -> dict[str, Path]:
    """The raw tables the measures read, written to Parquet."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from bridgeway.outcomes.measures import _tables
    from django.db import connection

    columns = {
        "stay": "id, client_id, hospital_id, ward_id, admitted_on, discharged_on",
        "ward": "id, hospital_id, ward_type",
        "client": "id, date_of_birth, gender",
        "enrolment": "id, client_id, site_id, stay_id, status, social_relationships",
        "site": "id, hospital_id, program_start_date",
        "ed": "id, client_id, hospital_id, visited_on, mental_health",
        "perdiem": "hospital_id, ward_type, amount",
    }
    dates = {"admitted_on", "discharged_on", "date_of_birth", "program_start_date", "visited_on"}
    paths = {}
    for key, table in _tables().items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns[key]} FROM {table}")
            names = [c[0] for c in cursor.description]
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
        for col in names:
            if col in dates:
                frame[col] = pd.to_datetime(frame[col]).dt.date
            if col == "mental_health":
                frame[col] = frame[col].astype(bool)
            if col == "amount":
                frame[col] = frame[col].astype(float)
        path = out / f"{table}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        paths[table] = path
    return paths


def duckdb_measures(paths: dict[str, Path]):  # type: ignore[no-untyped-def]
    import duckdb
    from bridgeway.outcomes.measures import COLUMNS, day_number, measures_sql

    con = duckdb.connect()
    for table, path in paths.items():
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    sql = measures_sql("duckdb") % {"cut": day_number(CUTOFF), "true": "TRUE"}
    frame = con.execute(sql).df()
    con.close()
    frame.columns = COLUMNS
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stays", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true",
                        help="keep the bench database (PostgreSQL) for EXPLAIN ANALYZE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outcomes-") as tmpdir:
        tmp = Path(tmpdir)
        os.environ["DATABASE_URL"] = setup_database(args.database, tmp)
        os.environ["DJANGO_SETTINGS_MODULE"] = "bridgeway.settings.test"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        try:
            # The test settings keep the real database name (not test_*), which is what we want.
            call_command("migrate", verbosity=0)
            t0 = time.perf_counter()
            sizes = generate(args.stays, random.Random(20251125))
            gen_s = time.perf_counter() - t0
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"database: {connection.vendor}; generated {sizes} in {gen_s:.1f}s")

            from bridgeway.outcomes import measures

            t = time.perf_counter()
            paths = export_raw(tmp)
            export_s = time.perf_counter() - t
            # Interleaved, so that both sides see the same machine load.
            db_times, db_cpu, duck_times, duck_cpu = [], [], [], []
            for _ in range(args.runs):
                t, c = time.perf_counter(), time.process_time()
                ours = measures.compute(cutoff=CUTOFF)
                db_times.append(time.perf_counter() - t)
                db_cpu.append(time.process_time() - c)
                t, c = time.perf_counter(), time.process_time()
                theirs = duckdb_measures(paths)
                duck_times.append(time.perf_counter() - t)
                duck_cpu.append(time.process_time() - c)

            a = ours.sort_values("stay_id").reset_index(drop=True)
            b = theirs.sort_values("stay_id").reset_index(drop=True)
            assert len(a) == len(b), (len(a), len(b))
            for col in measures.COLUMNS:
                left, right = a[col], b[col]
                if col in ("episode_cost", "cost_after"):
                    assert ((left.astype(float) - right.astype(float)).abs() < 1e-6).all(), col
                else:
                    same = (left.astype(str).replace({"None": "nan", "<NA>": "nan"})
                            .str.replace(r"\.0$", "", regex=True)
                            == right.astype(str).replace({"None": "nan", "<NA>": "nan"})
                            .str.replace(r"\.0$", "", regex=True))
                    assert same.all(), (col, a[~same][col].head(), b[~same][col].head())
            db_s, duck_s = statistics.median(db_times), statistics.median(duck_times)
            print(f"index discharges: {len(a):,}; readmitted within 30 days: "
                  f"{int(a.readmit_30.fillna(0).sum()):,}; program arm: {(a.arm == 'program').sum():,}")
            print(f"database computation: median {db_s:.3f}s of {[round(x, 3) for x in db_times]}")
            print(f"raw export to Parquet: {export_s:.3f}s (not in the ratio)")
            print(f"DuckDB from the export: median {duck_s:.3f}s of "
                  f"{[round(x, 3) for x in duck_times]}")
            print("results identical: yes")
            if connection.vendor == "sqlite":  # in-process: CPU time is comparable too
                print(f"CPU time (all threads of this process): database "
                      f"{statistics.median(db_cpu):.3f}s, DuckDB {statistics.median(duck_cpu):.3f}s, "
                      f"ratio {statistics.median(db_cpu) / statistics.median(duck_cpu):.2f}")
            print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print(f"outcomes: over_duckdb={db_s / duck_s:.2f}")
        finally:
            connection.close()
            if not args.keep:
                drop_database(args.database)


if __name__ == "__main__":
    main()
