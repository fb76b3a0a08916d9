"""Benchmark: the supporter's caseload page and the coordinator's site view under load.

Not a test; run it by hand (it needs PostgreSQL and takes a few minutes):

    .venv/bin/python bench/pages.py [--server postgres://postgres@127.0.0.1:5432] [--contacts 1000000]
    (or BENCH_DATABASE_URL=postgres://user@host:port; --keep / --reuse to iterate without regenerating)

1. Creates its own database (`bench_pages`, dropped first and again at the end) and migrates it.
2. Generates a program: one large site (60 supporters, 5 active clients each, 5,000 clients
   with ended matches) plus a second site, and a history of 1,000,000 contacts written with
   one INSERT ... SELECT over generate_series (not the ORM), then ANALYZE.
3. Serves the app with gunicorn (2 sync workers, 127.0.0.1, a random free port) under bench-only
   settings and a bench-only URL conf (written to a temporary directory) that add one trivial
   signed-in view, /bench/trivial/. Nothing here is part of the product's URLs.
4. From this (second) process, sends a fixed number of requests to each page (default 3 rounds
   of 120) with 2 threads, signed in by session cookie as the supporter / coordinator; each
   thread cycles through the three pages so load from elsewhere on the machine hits them
   alike; takes the median latency of each.
5. Prints the queries each page runs, then as the last line:
   `pages: caseload_over_baseline=<r> siteview_over_baseline=<r> queries=<n>`
   (ratio = page median / trivial view median; n = the larger of the two pages' query counts).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent  # the virtualenv running this script

SETTINGS = '''
from bridgeway.settings.base import *  # noqa: F403 — the benchmark's settings extend the base settings
from bridgeway.settings.base import database_from_url
import os
DEBUG = False
SECRET_KEY = "bench-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
DATABASES["default"]["CONN_MAX_AGE"] = 600
ROOT_URLCONF = "bench_pages_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_AGE = 3600
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}
'''

URLS = '''
from django.http import HttpRequest, HttpResponse
from django.urls import path
from bridgeway.urls import urlpatterns as product


def trivial(request: HttpRequest) -> HttpResponse:
    """Signed in (LoginRequiredMiddleware), session loaded and saved, nothing else."""
    return HttpResponse("ok " + str(request.user.pk), content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *product]
'''


def log(message: str) -> None:
    print(message, flush=True)


def psql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- data ----------------------------------------------------------------------------------

def build(n_contacts: int) -> dict[str, object]:
    """Runs inside this process with the bench settings; returns cookies and page urls."""
    import django

    django.setup()
    from datetime import date, timedelta

    from django.db import connection
    from django.utils import timezone

    from bridgeway.clients.models import Client, ConsentRecord, Enrolment, HospitalStay, Match
    from bridgeway.contacts.models import Appointment, Contact, GoalStep, RecoveryGoal
    from bridgeway.core.models import Organisation, ProgramSite, Role, RoleAssignment, User, Ward
    from bridgeway.supporters.models import SupporterProfile

    today = timezone.localdate()
    now = timezone.now()
    hospital = Organisation.objects.create(name="Bench Hospital", code="bench-h", kind="hospital")
    hospital2 = Organisation.objects.create(name="Bench Hospital 2", code="bench-h2", kind="hospital")
    peers = Organisation.objects.create(name="Bench Peers", code="bench-p", kind="peer_org")
    site = ProgramSite.objects.create(code="bench", name="Bench TDM", hospital=hospital)
    site2 = ProgramSite.objects.create(code="bench2", name="Bench TDM 2", hospital=hospital2)
    site.peer_organisations.add(peers)
    site2.peer_organisations.add(peers)
    ward = Ward.objects.create(hospital=hospital, name="Ward A", ward_type="acute")
    coord = User.objects.create(username="bench_coord", first_name="Sam")
    RoleAssignment.objects.create(user=coord, role=Role.COORDINATOR, site=site)

    users = User.objects.bulk_create([User(username=f"bench_sup{i}", first_name=f"Sup{i}",
                                           last_name="Bench") for i in range(60)])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.PEER_SUPPORTER,
                                                       organisation=peers) for u in users])
    supporters = SupporterProfile.objects.bulk_create([
        SupporterProfile(user=u, organisation=peers, employment="volunteer", hours_per_week=6,
                         max_active_clients=8, gender="woman") for u in users])
    SupporterProfile.sites.through.objects.bulk_create([
        SupporterProfile.sites.through(supporterprofile_id=s.pk, programsite_id=site.pk)
        for s in supporters])

    n_clients = 5300
    clients = Client.objects.bulk_create([
        Client(given_name=f"Given{i}", family_name=f"Family{i}", date_of_birth=date(1980, 1, 1))
        for i in range(n_clients)], batch_size=2000)
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(client=c, site=site if i < 5000 else site2,
                  status="active" if i < 300 else "finished", status_changed_at=now,
                  referred_on=today - timedelta(days=700)) for i, c in enumerate(clients)],
        batch_size=2000)
    ConsentRecord.objects.bulk_create([
        ConsentRecord(enrolment=e, version=1, participation=True, share_stay_status=True,
                      recorded_by=coord, recorded_at=now) for e in enrolments[:300]])
    matches = Match.objects.bulk_create([
        Match(enrolment=e, client_id=e.client_id, site_id=e.site_id,
              supporter=supporters[i % 60], status="active" if i < 300 else "ended",
              started_on=today - timedelta(days=700 if i >= 300 else 200),
              ended_on=None if i < 300 else today - timedelta(days=30))
        for i, e in enumerate(enrolments)], batch_size=2000)
    HospitalStay.objects.bulk_create([
        HospitalStay(client=c, hospital=hospital, ward=ward,
                     admitted_on=today - timedelta(days=5 if i % 10 == 0 else 300),
                     discharged_on=None if i % 10 == 0 else today - timedelta(days=280))
        for i, c in enumerate(clients[:300])])
    Appointment.objects.bulk_create([
        Appointment(client_id=m.client_id, match=m, supporter_id=m.supporter_id, site=site,
                    starts_at=now + timedelta(days=1 + i % 10), place="Clinic",
                    purpose="Check-in", consent_to_accompany=True, created_by=coord)
        for i, m in enumerate(matches[:300])])
    goals = RecoveryGoal.objects.bulk_create([
        RecoveryGoal(client_id=m.client_id, site=site, domain="work", title="Find work",
                     created_by=coord) for m in matches[:300]])
    GoalStep.objects.bulk_create([GoalStep(goal=g, title="Step") for g in goals])

    log(f"bench: generating {n_contacts:,} contacts with INSERT ... SELECT generate_series")
    # Notes are encrypted at rest (decision 0020): one token, as the field writes it, for every
    # row, so reading a note costs what it costs in production.
    note = Contact._meta.get_field("note").get_db_prep_save("Synthetic benchmark note", connection)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_m AS SELECT row_number() OVER (ORDER BY m.id) AS rn,"
                    " m.id, m.client_id, m.supporter_id, m.site_id, s.user_id"
                    " FROM clients_match m JOIN supporters_supporterprofile s ON s.id = m.supporter_id")
        cur.execute("SELECT count(*) FROM bench_m")
        n_matches = cur.fetchone()[0]
        # Building the indexes once after the load is much faster than maintaining ten of
        # them row by row; the definitions are read back from the catalogue and re-created.
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contacts_contact'"
                    " AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute(textwrap.dedent("""
            INSERT INTO contacts_contact (public_id, created_at, updated_at, client_id, match_id,
                supporter_id, site_id, occurred_at, duration_minutes, mode, setting, is_group,
                activities, outcome, note, logged_by_id, version)
            SELECT gen_random_uuid(), now(), now(), m.client_id, m.id, m.supporter_id, m.site_id,
                now() - (random() * interval '700 days') - interval '1 hour',
                (5 + floor(random() * 115))::int,
                (ARRAY['in_person','phone','video','text'])[1 + floor(random() * 4)::int],
                (ARRAY['community','ward','appointment'])[1 + floor(random() * 3)::int],
                false, '["emotional_support"]'::jsonb,
                (ARRAY['met','met','met','met','met','met','no_show','not_reached'])[1 + floor(random() * 8)::int],
                %s, m.user_id, 1
            FROM generate_series(1, %s) AS g
            JOIN bench_m m ON m.rn = 1 + (g %% %s)
        """), [note, n_contacts, n_matches])
        for _, definition in indexes:
            cur.execute(definition)
        cur.execute("ANALYZE")
    log(f"bench: contacts written in {time.perf_counter() - started:.1f}s")

    return sessions()


def sessions() -> dict[str, object]:
    """Session cookies for the supporter with the caseload and the site's coordinator."""
    from django.test import Client
    from otp_session import force_login_verified

    from bridgeway.core.models import User

    def cookie(user: User) -> str:
        # Signed in as the app signs people in (its backend, the second factor passed): a
        # hand-made session naming another backend is anonymous to the server.
        http = Client()
        force_login_verified(http, user)
        return f"sessionid={http.session.session_key}"

    return {"supporter": cookie(User.objects.get(username="bench_sup0")),
            "coordinator": cookie(User.objects.get(username="bench_coord"))}


def count_queries(paths: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Queries each page runs, measured in this process with Django's test client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from otp_session import force_login_verified

    counts = {}
    user_model = get_user_model()
    for name, (path, username) in paths.items():
        http = Client()
        force_login_verified(http, user_model.objects.get(username=username))
        http.get(path)  # warm caches (content types, etc.)
        with CaptureQueriesContext(connection) as ctx:
            response = http.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


# ---- load ----------------------------------------------------------------------------------

def fetch(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310  # http://127.0.0.1 only
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  # loopback only
        body = response.read()
        status, landed = response.status, response.geturl()
    elapsed = time.perf_counter() - started
    # A redirect (to the sign-in page) would be timed as a cheap page: it must fail instead.
    if status != 200 or not body or landed != url:
        raise RuntimeError(f"{url}: {status} at {landed}")
    return elapsed


def load(url: str, cookie: str, n: int, threads: int) -> list[float]:
    """n requests to one URL from `threads` threads (used to warm the workers)."""
    times: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(n // threads):
            t = fetch(url, cookie)
            with lock:
                times.append(t)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return times


def load_mixed(targets: dict[str, tuple[str, str]], n: int, threads: int) -> dict[str, list[float]]:
    """n requests per page, interleaved: each thread cycles through the pages (starting at a
    different one), so a burst of load from elsewhere on the machine hits every page alike."""
    times: dict[str, list[float]] = {name: [] for name in targets}
    lock = threading.Lock()
    names = list(targets)

    def worker(offset: int) -> None:
        for i in range(n // threads):
            for k in range(len(names)):
                name = names[(i + k + offset) % len(names)]
                url, cookie = targets[name]
                t = fetch(url, cookie)
                with lock:
                    times[name].append(t)

    pool = [threading.Thread(target=worker, args=(j,)) for j in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return times


def wait_up(url: str, cookie: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            fetch(url, cookie)
            return
        except (urllib.error.URLError, ConnectionError, RuntimeError):
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not come up")


def _server_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=_server_url(os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")),
        help="PostgreSQL server URL (default: $BENCH_DATABASE_URL without its database name)")
    parser.add_argument("--database", default="bench_pages")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=120, help="per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a database kept by --keep (skip migrate and generation)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    (tmp / "bench_pages_settings.py").write_text(SETTINGS)
    (tmp / "bench_pages_urls.py").write_text(URLS)
    db_url = f"{args.server}/{args.database}"
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "bench_pages_settings",
           "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
    sys.path[:0] = [str(tmp), str(ROOT)]

    if not args.reuse:
        psql(args.server, f'DROP DATABASE IF EXISTS "{args.database}"')
        psql(args.server, f'CREATE DATABASE "{args.database}"')
    server: subprocess.Popen[bytes] | None = None
    try:
        if args.reuse:
            import django

            django.setup()
            cookies = sessions()
        else:
            log("bench: migrating")
            subprocess.run(  # noqa: S603  # fixed argv: this venv's python, no user input
                [str(VENV_BIN / "python"), "-m", "bridgeway.manage", "migrate", "-v0"],
                env=env, check=True, cwd=ROOT)
            cookies = build(args.contacts)
        paths = {"baseline": ("/bench/trivial/", "bench_sup0"),
                 "caseload": ("/contacts/", "bench_sup0"),
                 "siteview": ("/contacts/site/", "bench_coord")}
        queries = count_queries(paths)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = subprocess.Popen(  # noqa: S603  # fixed argv: this venv's gunicorn
            [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers",
             str(args.workers), "--log-level", "warning", "bridgeway.wsgi:application"],
            env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        cookie_for = {"baseline": cookies["supporter"], "caseload": cookies["supporter"],
                      "siteview": cookies["coordinator"]}
        wait_up(base + paths["baseline"][0], str(cookies["supporter"]), server)
        for name, (path, _) in paths.items():  # warm every worker
            load(base + path, str(cookie_for[name]), 10, args.threads)
        samples: dict[str, list[float]] = {name: [] for name in paths}
        targets = {name: (base + path, str(cookie_for[name])) for name, (path, _) in paths.items()}
        for round_no in range(args.rounds):
            for name, ts in load_mixed(targets, args.requests, args.threads).items():
                samples[name] += ts
            log(f"bench: round {round_no + 1}/{args.rounds} done")
        medians = {name: statistics.median(ts) * 1000 for name, ts in samples.items()}
        for name in paths:
            ts = sorted(samples[name])
            p90 = ts[int(len(ts) * 0.9)] * 1000
            log(f"bench: {name:9s} n={len(ts)} median={medians[name]:.1f}ms p90={p90:.1f}ms"
                f" queries={queries[name]}")
        log(f"bench: contacts={args.contacts:,} supporters=60 active_clients=300 "
            f"caseload_clients=5 gunicorn_workers={args.workers} threads={args.threads}")
        ratio_c = medians["caseload"] / medians["baseline"]
        ratio_s = medians["siteview"] / medians["baseline"]
        print(f"pages: caseload_over_baseline={ratio_c:.2f} siteview_over_baseline={ratio_s:.2f} "
              f"queries={max(queries['caseload'], queries['siteview'])}", flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            psql(args.server, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
