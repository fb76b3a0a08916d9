"""Benchmark: audited client pages under concurrency, and tampering found by `audit verify`.

Not a test; run it by hand (it needs PostgreSQL and takes about five minutes). The program it
builds is in audit_data.py, the tamperings in audit_tampering.py.

    .venv/bin/python bench/audit.py [--server postgres://postgres@127.0.0.1:5432] [--seconds 30]
                                    [--slice 10] [--skip-old-design]

1. Creates its own database (`bench_audit_<pid>`, dropped at the end) and migrates it.
2. Builds a program: one site with 16 coordinators, 3,200 enrolled clients (each with a stay
   and consent, half of them matched with one of 20 supporters).
3. Serves the app with gunicorn (4 sync workers, 127.0.0.1, a random free port) under
   production-like settings written to a temporary directory (DEBUG off, persistent database
   connections, sessions saved on every request, the audit chain keyed and sealed after commit).
4. From this process, 16 threads, each signed in as its own coordinator, request client pages
   (`/clients/<id>/`, each thread its own 200 clients in turn) for `--seconds` seconds per mode:
   - audit off: `BRIDGEWAY_BENCH_DISABLE_AUDIT_WRITES` (read only by the writer, set only by
     these settings: true while a file exists, so one server switches between modes),
   - audit on: the product as it runs (one INSERT per page, sealing after commit),
   - for the record, the old design emulated: a trigger takes main's global advisory lock and
     reads the newest row before every insert, as the old writer did, held to commit.
   The modes alternate in slices of `--slice` seconds (rotating order), each slice starting
   with all 16 threads together and ending when the last request in flight has returned, so
   that load from elsewhere on a shared machine falls on every mode alike.
   Throughput = pages served / slice time, summed per mode. Ratio = audit on / audit off.
   For the record too: audited writes alone (16 threads in this process, one transaction per
   event, 5 s each), new design against the emulated global lock.
5. Seals and verifies the whole trail, exports the head, then applies each tampering of a
   prepared set (in a transaction, with the triggers off, as a database superuser would) and
   checks that verify, given the exported head, names it; each is rolled back after.
6. Last line: `audit: concurrent_over_unaudited=<ratio> tamper_found=<k>/<n>`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# bench/ is on sys.path when this file runs as a script.
from audit_data import CLIENTS_PER_THREAD, THREADS, build, page_queries
from audit_tampering import check_tampering

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
WORKERS = 4

SETTINGS = '''
import os
from bridgeway.settings.base import *  # noqa: F403 — bench settings extend the base settings
from bridgeway.settings.base import database_from_url
DEBUG = False
SECRET_KEY = "bench-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
DATABASES["default"]["CONN_MAX_AGE"] = 600
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_AGE = 3600
BRIDGEWAY_AUDIT_KEYS = {1: "bench-only-audit-key-0123456789abcdef0123456789"}
BRIDGEWAY_AUDIT_HEAD_FILE = os.environ["BENCH_AUDIT_HEAD_FILE"]


class _WhileFileExists:
    """True while the benchmark runs its baseline slice (it creates and removes the file)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __bool__(self) -> bool:
        return os.path.exists(self.path)


# This benchmark's unaudited baseline; bridgeway/audit/writer.py is the only reader.
BRIDGEWAY_BENCH_DISABLE_AUDIT_WRITES = _WhileFileExists(os.environ["BENCH_AUDIT_OFF_FILE"])
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}
'''

# The old writer (main before decision 0008) took this advisory lock and read the chain's
# newest row inside every audited transaction; emulated on the new schema for the record.
OLD_DESIGN_ON = """
CREATE FUNCTION bench_old_chain_lock() RETURNS trigger AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1112031577);
  PERFORM seq FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER bench_old_chain_lock BEFORE INSERT ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION bench_old_chain_lock();
"""
OLD_DESIGN_OFF = """
DROP TRIGGER bench_old_chain_lock ON audit_auditevent;
DROP FUNCTION bench_old_chain_lock();
"""


def log(message: str) -> None:
    print(message, flush=True)


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- load ----------------------------------------------------------------------------------

def fetch(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310  # loopback only
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  # loopback only
        body, status = response.read(), response.status
    # The client's given name is on their page whatever the layout (bench/audit_data.py).
    if status != 200 or b"Given" not in body:
        raise RuntimeError(f"{url}: {status}")
    return time.perf_counter() - started


class Load:
    """THREADS threads, each signed in as its own coordinator, requesting its own clients'
    pages in slices: all start together, stop issuing at the slice's end, and the slice ends
    when the last request in flight has returned (so a mode switch never meets traffic)."""

    def __init__(self, base: str, cookies: list[str], ids: list[list[str]]) -> None:
        self.base, self.cookies, self.ids = base, cookies, ids
        self.start = threading.Barrier(THREADS + 1)
        self.done = threading.Barrier(THREADS + 1)
        self.deadline = 0.0
        self.stop = False
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.pool = [threading.Thread(target=self._worker, args=(t,), daemon=True)
                     for t in range(THREADS)]
        for thread in self.pool:
            thread.start()

    def _worker(self, t: int) -> None:
        i = t * 7
        while True:
            self.start.wait()
            if self.stop:
                return
            while time.perf_counter() < self.deadline:
                client_id = self.ids[t][i % len(self.ids[t])]
                i += 1
                try:
                    elapsed = fetch(f"{self.base}/clients/{client_id}/", self.cookies[t])
                except (urllib.error.URLError, RuntimeError, OSError) as exc:
                    with self.lock:
                        self.errors.append(str(exc))
                    continue
                with self.lock:
                    self.latencies.append(elapsed)
            self.done.wait()

    def slice(self, seconds: float) -> tuple[int, float, list[float]]:
        """(pages served, wall time until the last one returned, their latencies)."""
        self.latencies = []
        self.deadline = time.perf_counter() + seconds
        began = time.perf_counter()
        self.start.wait()
        self.done.wait()
        return len(self.latencies), time.perf_counter() - began, self.latencies

    def close(self) -> None:
        self.stop = True
        self.start.wait()


class Modes:
    """Switches the running server between the three modes while no request is in flight."""

    def __init__(self, db_url: str, off_file: Path) -> None:
        self.db_url, self.off_file, self.current = db_url, off_file, "audited"

    def set(self, mode: str) -> None:
        if mode == self.current:
            return
        if self.current == "global_lock":
            psql(self.db_url, OLD_DESIGN_OFF)
        self.off_file.unlink(missing_ok=True)
        if mode == "unaudited":
            self.off_file.touch()
        elif mode == "global_lock":
            psql(self.db_url, OLD_DESIGN_ON)
        self.current = mode


def measure(env: dict[str, str], db_url: str, off_file: Path, cookies: list[str],
            ids: list[list[str]], modes: list[str], seconds: float, slice_s: float
            ) -> dict[str, float]:
    """Pages per second per mode, the modes interleaved slice by slice in rotating order."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603  # fixed argv: this venv's gunicorn
        [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--timeout", "60", "--log-level", "warning", "bridgeway.wsgi:application"],
        env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    switch = Modes(db_url, off_file)
    load: Load | None = None
    served = dict.fromkeys(modes, 0)
    spent = dict.fromkeys(modes, 0.0)
    latencies: dict[str, list[float]] = {m: [] for m in modes}
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited")
            try:
                fetch(f"{base}/clients/{ids[0][0]}/", cookies[0])
                break
            except (urllib.error.URLError, ConnectionError, RuntimeError):
                time.sleep(0.1)
        load = Load(base, cookies, ids)
        for mode in modes:  # warm every worker in every mode
            switch.set(mode)
            load.slice(2)
        slices = max(1, round(seconds / slice_s))
        for k in range(slices):
            for mode in modes[k % len(modes):] + modes[:k % len(modes)]:
                switch.set(mode)
                n, wall, lat = load.slice(seconds / slices)
                served[mode] += n
                spent[mode] += wall
                latencies[mode] += lat
        switch.set("audited")
    finally:
        if load is not None:
            load.close()
        server.terminate()
        server.wait(timeout=30)
        off_file.unlink(missing_ok=True)
    if load is not None and load.errors:
        log(f"bench: {len(load.errors)} failed requests, first: {load.errors[0]}")
    rates = {}
    for mode in modes:
        ordered = sorted(latencies[mode])
        rates[mode] = served[mode] / spent[mode]
        log(f"bench: {mode:11s} pages={served[mode]} in {spent[mode]:.1f}s "
            f"pages_per_s={rates[mode]:.2f} median={statistics.median(ordered) * 1000:.0f}ms "
            f"p90={ordered[int(len(ordered) * 0.9)] * 1000:.0f}ms")
    return rates


def writes_alone(db_url: str, seconds: float) -> dict[str, float]:
    """Audited writes per second from THREADS threads in this process (one connection each,
    one transaction per event), new design against the old global lock (emulated)."""
    from django.db import connections, transaction

    from bridgeway.audit.writer import SYSTEM, record

    rates = {}
    for mode in ("new", "global_lock"):
        if mode == "global_lock":
            psql(db_url, OLD_DESIGN_ON)
        counts = [0] * THREADS
        deadline = time.perf_counter() + seconds

        def writer(t: int, counts: list[int] = counts, deadline: float = deadline) -> None:
            try:
                while time.perf_counter() < deadline:
                    with transaction.atomic():
                        record(who=SYSTEM, category="identity", action="view", detail=f"bench:{t}")
                    counts[t] += 1
            finally:
                connections.close_all()

        pool = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        if mode == "global_lock":
            psql(db_url, OLD_DESIGN_OFF)
        rates[mode] = sum(counts) / seconds
    log(f"bench: audited writes alone, {THREADS} threads, {seconds:g}s each: "
        f"new={rates['new']:.0f}/s global_lock={rates['global_lock']:.0f}/s "
        f"(old design emulated; ratio {rates['global_lock'] / rates['new']:.2f})")
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/"),
        help="PostgreSQL server URL without a database name")
    parser.add_argument("--seconds", type=float, default=30, help="per mode, in slices")
    parser.add_argument("--slice", type=float, default=10, help="seconds per slice")
    parser.add_argument("--skip-old-design", action="store_true")
    args = parser.parse_args()
    parts = urllib.parse.urlsplit(args.server)
    server = f"{parts.scheme}://{parts.netloc}"
    database = f"bench_audit_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="bench_audit_"))
    (tmp / "bench_audit_settings.py").write_text(SETTINGS)
    db_url = f"{server}/{database}"
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "bench_audit_settings",
           "BENCH_AUDIT_HEAD_FILE": str(tmp / "audit-head.txt"),
           "BENCH_AUDIT_OFF_FILE": str(tmp / "audit-off"),
           "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                           "BENCH_AUDIT_HEAD_FILE", "BENCH_AUDIT_OFF_FILE")})
    sys.path[:0] = [str(tmp), str(ROOT)]
    psql(f"{server}/postgres", f'CREATE DATABASE "{database}"')
    try:
        log(f"bench: migrating {database}")
        subprocess.run(  # noqa: S603  # fixed argv: this venv's python, no user input
            [str(VENV_BIN / "python"), "-m", "bridgeway.manage", "migrate", "-v0"],
            env=env, check=True, cwd=ROOT)
        import django

        django.setup()
        cookies, ids = build()
        log(f"bench: {THREADS} coordinators, {THREADS * CLIENTS_PER_THREAD:,} clients; client "
            f"page: {page_queries(ids[0][1])} queries with the audit on")
        from django.db import connections

        connections.close_all()
        modes = ["unaudited", "audited"] + ([] if args.skip_old_design else ["global_lock"])
        rates = measure(env, db_url, tmp / "audit-off", cookies, ids, modes, args.seconds,
                        args.slice)
        from bridgeway.audit.models import AuditEvent, AuditSeal

        pending = AuditEvent.objects.count() - AuditSeal.objects.count()
        log(f"bench: after the runs: {AuditEvent.objects.count():,} events, {pending} not yet "
            "sealed (sealed after commit, at most once a second per worker)")
        ratio = rates["audited"] / rates["unaudited"]
        if "global_lock" in rates:
            log("bench: old design (one global lock, emulated) "
                f"global_lock_over_unaudited={rates['global_lock'] / rates['unaudited']:.2f}")
        if not args.skip_old_design:
            writes_alone(db_url, 5)
        found, total = check_tampering()
        connections.close_all()
        log(f"bench: gunicorn_workers={WORKERS} threads={THREADS} seconds_per_mode="
            f"{args.seconds:g} slice={args.slice:g}s (target ratio >= 0.7)")
        print(f"audit: concurrent_over_unaudited={ratio:.2f} tamper_found={found}/{total}",
              flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
