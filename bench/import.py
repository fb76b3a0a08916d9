"""Benchmark: the bulk import of clients and their hospital stays against PostgreSQL COPY.

Not a test; run it by hand (PostgreSQL; about five minutes at full size):

    .venv/bin/python bench/import.py [--scale 1.0] [--keep]

1. Creates its own database (`bench_import` on postgres://postgres@127.0.0.1:5432;
   BENCH_DATABASE_URL overrides), dropped first and at the end; migrates it; adds 3 hospitals
   with 4 wards each.
2. Writes two CSV files (streamed to disk, never held in memory): 200,000 clients (names with
   accents, date of birth, gender, a valid health card number, postal area, phone, an MRN at
   one of the hospitals) and 1,000,000 stays (5 per client, 2016–2026, none overlapping, most
   discharged to a destination). `--scale 0.05` makes 10,000 and 50,000 for development.
3. Seeds what a real program has before its first import: 1 % of the same people already
   known from another source ("legacy", imported beforehand, not timed), so the timed import
   must find them by health card number and link instead of creating them again.
4. Baseline: PostgreSQL `COPY … FROM STDIN (FORMAT csv)` of both files into unindexed staging
   tables with the same columns (text and date), in this run, on this machine.
5. Ours: `bridgeway.interop.imports.engine.run_import` — the production path the command and
   the page use — for the clients file and then the stays file: decoding, per-row checks,
   staging, file-wide checks (duplicate keys and numbers, unknown clients, overlapping stays
   against the file and the database), de-duplication, encryption and blind indexes of the
   identifiers, the set-based writes, coverage declared, one audit event each.
6. Checks the result (every client and stay written once, the legacy clients linked, not
   duplicated), then prints the figures and last:
   `import: over_copy=<ours / COPY> rows=<rows imported> peak_mb=<peak resident memory>`.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "bench_import"
HOSPITALS = ("north", "south", "east")
WARDS = ("4 East", "5 West", "Tertiary A", "Short stay")
GIVEN = ("Élise", "Marc", "Ana", "Noah", "Chloé", "Jean-François", "Amira", "Liam", "Zoë",
         "Mohamed", "Sofía", "Olivia", "Wei", "Priya", "Hélène", "Omar")
FAMILY = ("Côté", "Tremblay", "Roy", "Gagnon", "Singh", "Nguyen", "O'Brien", "Lévesque",
          "Smith", "Martin", "Bouchard", "Wong", "Ahmed", "García", "Fortin", "Lee")
DESTINATIONS = ("home", "home", "home", "supported_housing", "shelter", "other")
START, END = date(2016, 1, 1), date(2026, 10, 31)


def server() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")


def recreate_database(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(server() + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB}")


def card(n: int) -> str:
    """A Luhn-valid Ontario health card number, unique per n."""
    from bridgeway.clients.validators import luhn_ok

    body = f"{100_000_000 + n:09d}"
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError


def write_files(tmp: Path, clients: int, stays_each: int, seed: int = 7) -> tuple[Path, Path]:
    rnd = random.Random(seed)
    clients_path, stays_path = tmp / "clients.csv", tmp / "stays.csv"
    span = (END - START).days
    with clients_path.open("w", newline="", encoding="utf-8") as cf, \
            stays_path.open("w", newline="", encoding="utf-8") as sf:
        cw, sw = csv.writer(cf), csv.writer(sf)
        cw.writerow(["key", "given_name", "family_name", "date_of_birth", "gender",
                     "health_card_number", "home_fsa", "phone", "mrn", "mrn_hospital"])
        sw.writerow(["key", "client_key", "hospital", "ward", "admitted_on", "discharged_on",
                     "discharge_destination"])
        for i in range(clients):
            born = date(1940, 1, 1) + timedelta(days=rnd.randrange(60 * 365))
            hospital = HOSPITALS[i % len(HOSPITALS)]
            cw.writerow([f"P{i:07d}", rnd.choice(GIVEN), rnd.choice(FAMILY), born.isoformat(),
                         rnd.choice(("woman", "man", "F", "M", "")), card(i),
                         rnd.choice(("N6A", "M5V", "K1A", "")),
                         f"519-555-{rnd.randrange(10_000):04d}", f"{hospital[:2].upper()}{i:07d}",
                         hospital])
            day = rnd.randrange(span // 3)
            for j in range(stays_each):
                admitted = START + timedelta(days=day)
                length = rnd.randrange(1, 40)
                discharged = admitted + timedelta(days=length)
                last = j == stays_each - 1 and rnd.random() < 0.02
                sw.writerow([f"A{i:07d}-{j}", f"P{i:07d}", hospital, rnd.choice(WARDS),
                             admitted.isoformat(), "" if last else discharged.isoformat(),
                             "" if last else rnd.choice(DESTINATIONS)])
                day += length + rnd.randrange(1, max(2, (span - day) // stays_each))
                day = min(day, span - 45 * (stays_each - j))
    return clients_path, stays_path


def legacy_file(clients_path: Path, tmp: Path, every: int = 100) -> Path:
    """1 % of the people, as another system knew them (its own keys, no MRN)."""
    path = tmp / "legacy.csv"
    with clients_path.open(newline="", encoding="utf-8") as src, \
            path.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        writer.writerow(next(reader)[:8])
        for n, row in enumerate(reader):
            if n % every == 0:
                writer.writerow([f"L{n}", *row[1:8]])
    return path


def copy_baseline(paths: list[Path]) -> float:
    """COPY both files into unindexed tables with the same columns, timed together."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS copy_clients, copy_stays")
        cursor.execute("CREATE TABLE copy_clients (key text, given_name text, family_name text, "
                       "date_of_birth date, gender text, health_card_number text, home_fsa text, "
                       "phone text, mrn text, mrn_hospital text)")
        cursor.execute("CREATE TABLE copy_stays (key text, client_key text, hospital text, "
                       "ward text, admitted_on date, discharged_on date, "
                       "discharge_destination text)")
    started = time.perf_counter()
    for table, path in zip(("copy_clients", "copy_stays"), paths, strict=True):
        with connection.cursor() as cursor, path.open("rb") as f, cursor.copy(
                f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE copy_clients, copy_stays")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0: 200,000 clients and 1,000,000 stays")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    clients = int(200_000 * args.scale)
    recreate_database()
    os.environ["DATABASE_URL"] = f"{server()}/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bridgeway.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bridgeway.clients.models import Client, ClientIdentifier, HospitalStay
    from bridgeway.core.actors import Actor
    from bridgeway.core.models import Organisation, Ward
    from bridgeway.interop.imports.engine import ImportResult, run_import

    def timed_import(kind: str, path: Path, source: str) -> ImportResult:
        with path.open("rb") as stream:
            result = run_import(actor=Actor.system("import"), kind=kind, stream=stream,
                                file_name=path.name, source=source,
                                size=path.stat().st_size, today=date(2026, 12, 1))
        assert result.ok, (result.problem, result.errors[:5])
        return result

    try:
        call_command("migrate", verbosity=0)
        for code in HOSPITALS:
            org = Organisation.objects.create(code=code, name=f"{code.title()} Hospital",
                                              kind=Organisation.Kind.HOSPITAL)
            for name in WARDS:
                Ward.objects.create(hospital=org, name=name, ward_type="acute")
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmpdir:
            tmp = Path(tmpdir)
            t = time.perf_counter()
            clients_path, stays_path = write_files(tmp, clients, 5)
            legacy = legacy_file(clients_path, tmp)
            sizes = {p.name: p.stat().st_size // 1_000_000 for p in (clients_path, stays_path)}
            print(f"files: {sizes} MB, written in {time.perf_counter() - t:.1f}s")
            timed_import("clients", legacy, "legacy")
            known = Client.objects.count()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            copy_s = copy_baseline([clients_path, stays_path])
            t = time.perf_counter()
            first = timed_import("clients", clients_path, "hospital")
            middle = time.perf_counter()
            second = timed_import("stays", stays_path, "hospital")
            ours_s = time.perf_counter() - t
        rows = first.rows + second.rows
        assert Client.objects.count() == clients, Client.objects.count()
        assert first.counts.created == clients - known
        # The legacy people were found by health card and linked: not created again.
        assert first.counts.updated + first.counts.unchanged == known
        assert HospitalStay.objects.count() == second.rows == clients * 5
        assert ClientIdentifier.objects.filter(kind="mrn").count() == clients
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"clients: {first.rows} rows in {middle - t:.1f}s ({first.counts.created} new, "
              f"{known} found by health card and linked); stays: {second.rows} rows in "
              f"{ours_s - (middle - t):.1f}s")
        print(f"steps (s): clients {first.steps}; stays {second.steps}")
        print(f"ours (run_import, clients + stays): {ours_s:.1f}s; COPY baseline: {copy_s:.1f}s")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"import: over_copy={ours_s / copy_s:.2f} rows={rows} peak_mb={peak_mb}")
    finally:
        connection.close()
        if not args.keep:
            recreate_database(drop_only=True)


if __name__ == "__main__":
    main()
