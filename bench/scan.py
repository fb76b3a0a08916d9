"""Benchmark of `bridgeway scan` against hand-written SQL computing the same rule hits.

Not a test: run it by hand.

    .venv/bin/python bench/scan.py                      # 100,000 clients, 5,000,000 contacts
    .venv/bin/python bench/scan.py --clients 20000 --contacts 1000000   # quicker

It creates the PostgreSQL database `bench_scan` on BENCH_DATABASE_URL's server (default
postgres://postgres@127.0.0.1:5432), builds the real tables with Django's migrations,
generates the program in SQL (generate_series), and for two sizes (a tenth, then the full
size) measures:

* `bridgeway scan` (the management command, in process, as cron runs it), three times: the
  first run opens every alert, the next two are the steady state (nothing changes);
* the same rule hits computed by hand-written PostgreSQL (DISTINCT ON, LATERAL, one
  statement per rule, materialised like the scan's staging table), three times;
* the number of database queries one scan makes (must not grow with the size).

It checks that both produce the same (rule, subject) set, drops the database, and prints
as its last line `scan: over_sql=<median scan / median hand-written SQL> queries=<n>`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB = "bench_scan"
SITES = 10


def admin_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bridgeway.settings.test"
    import django

    django.setup()


def generate(clients: int, contacts: int, today: dt.date) -> dict[str, float]:
    """The program in SQL. Client i: site i % 10; i % 10 in 0..3 active in the community,
    5 matched on the ward, 6..8 finished (ended match, history only), 4 waitlisted (with a
    pending proposal), 9 consented. Every matched client gets contacts/(0.8*clients) contacts."""
    from django.db import connection

    supporters = max(SITES, clients // 20 // SITES * SITES)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        p = {"n": clients, "s": supporters, "today": today, "c": contacts}
        cur.execute("""
        INSERT INTO core_organisation (id, public_id, created_at, updated_at, name, code, kind, city)
        SELECT g, gen_random_uuid(), now(), now(), 'Hospital '||g, 'h'||g, 'hospital', ''
        FROM generate_series(1, 10) g;
        INSERT INTO core_organisation (id, public_id, created_at, updated_at, name, code, kind, city)
        VALUES (11, gen_random_uuid(), now(), now(), 'Peers', 'peers', 'peer_org', '');
        INSERT INTO core_programsite (id, public_id, created_at, updated_at, code, name, time_zone,
            program_start_date, weekly_commitment_minutes, hospital_id)
        SELECT g, gen_random_uuid(), now(), now(), 's'||g, 'Site '||g, 'America/Toronto',
            %(today)s - 900, 60, g FROM generate_series(1, 10) g;
        INSERT INTO core_ward (id, public_id, created_at, updated_at, name, ward_type, hospital_id)
        SELECT g, gen_random_uuid(), now(), now(), 'Ward', 'acute', g FROM generate_series(1, 10) g;
        INSERT INTO core_user (id, password, is_superuser, username, first_name, last_name, email,
            is_staff, is_active, date_joined, public_id, preferred_language)
        SELECT g, '!', false, 'u'||g, 'U', 'Ser', '', false, true, now(), gen_random_uuid(), 'en'
        FROM generate_series(1, 10 + %(s)s) g;
        INSERT INTO core_roleassignment (public_id, created_at, updated_at, role, staff_kind,
            active, organisation_id, site_id, user_id)
        SELECT gen_random_uuid(), now(), now(), 'coordinator', '', true, NULL, g, g
        FROM generate_series(1, 10) g;
        INSERT INTO supporters_supporterprofile (id, public_id, created_at, updated_at, employment,
            hours_per_week, availability, max_active_clients, gender, date_of_birth, home_fsa,
            status, status_reason, organisation_id, user_id)
        SELECT g, gen_random_uuid(), now(), now(), 'volunteer', 6, '[]', 30, 'woman', NULL, '',
            CASE WHEN g %% 50 = 0 THEN 'paused' ELSE 'active' END, '', 11, 10 + g
        FROM generate_series(1, %(s)s) g;
        INSERT INTO supporters_supporterprofile_sites (supporterprofile_id, programsite_id)
        SELECT g, (g - 1) %% 10 + 1 FROM generate_series(1, %(s)s) g;
        INSERT INTO clients_client (id, public_id, created_at, updated_at, given_name, family_name,
            date_of_birth, health_card_number, gender, pronouns, pref_gender,
            pref_gender_strength, pref_age_strength, pref_language_strength, availability,
            home_fsa, phone, email, address, background, safety_notes)
        SELECT g, gen_random_uuid(), now(), now(), 'C'||g, 'Client', DATE '1980-01-01', '',
            'undisclosed', '', '', 'none', 'none', 'none', '[]', '', '', '', '', '', ''
        FROM generate_series(1, %(n)s) g;
        -- one stay per client: admitted 30..429 days ago, 5..44 days long; class 5 still in.
        INSERT INTO clients_hospitalstay (id, public_id, created_at, updated_at, admitted_on,
            expected_discharge_on, discharged_on, discharge_destination, client_id, hospital_id,
            ward_id)
        SELECT g, gen_random_uuid(), now(), now(), %(today)s - (30 + (g * 7919) %% 400), NULL,
            CASE WHEN g %% 10 = 5 THEN NULL
                 ELSE LEAST(%(today)s, %(today)s - (30 + (g * 7919) %% 400) + 5 + (g * 31) %% 40) END,
            '', g, (g - 1) %% 10 + 1, (g - 1) %% 10 + 1
        FROM generate_series(1, %(n)s) g;
        -- readmissions: one in 50 community clients is back in hospital since 3 days.
        INSERT INTO clients_hospitalstay (id, public_id, created_at, updated_at, admitted_on,
            discharged_on, discharge_destination, client_id, hospital_id, ward_id)
        SELECT %(n)s + g / 50, gen_random_uuid(), now(), now(), %(today)s - 3, NULL, '', g,
            (g - 1) %% 10 + 1,
            (g - 1) %% 10 + 1
        FROM generate_series(1, %(n)s) g WHERE g %% 50 = 0;
        INSERT INTO clients_enrolment (id, public_id, created_at, updated_at, status,
            status_changed_at, referred_on, referral_note, waitlisted_since, priority,
            support_intensity, social_relationships, client_id, referred_by_id, site_id, stay_id)
        SELECT g, gen_random_uuid(), now(), now(),
            CASE WHEN g %% 10 < 4 THEN 'active' WHEN g %% 10 = 4 THEN 'waitlisted'
                 WHEN g %% 10 = 5 THEN 'matched' WHEN g %% 10 < 9 THEN 'finished'
                 ELSE 'consented' END,
            now(), %(today)s - 400, '',
            CASE WHEN g %% 10 = 4 THEN now() - ((g %% 60) || ' days')::interval END,
            false, 'standard', '', g, NULL, (g - 1) %% 10 + 1, g
        FROM generate_series(1, %(n)s) g;
        INSERT INTO clients_consentrecord (version, participation, share_contact_details,
            share_discharge_date, share_stay_status, share_background, share_safety_notes,
            recorded_at, note, recorded_by_id, enrolment_id)
        SELECT 1, true, true, true, g %% 3 <> 0, false, false, now(), '', 1, g
        FROM generate_series(1, %(n)s) g;
        -- matches: started 3 days before discharge (on the ward); finished ones ended.
        INSERT INTO clients_match (id, public_id, created_at, updated_at, status, started_on,
            ended_on, end_reason, end_note, do_not_rematch, home_visits_allowed, client_id,
            created_by_id, enrolment_id, site_id, supporter_id)
        SELECT g, gen_random_uuid(), now(), now(),
            CASE WHEN g %% 10 BETWEEN 6 AND 8 THEN 'ended' ELSE 'active' END,
            s.admitted_on + 2,
            CASE WHEN g %% 10 BETWEEN 6 AND 8 THEN %(today)s - 5 END,
            CASE WHEN g %% 10 BETWEEN 6 AND 8 THEN 'completed' ELSE '' END, '', false, false,
            g, 1, g, (g - 1) %% 10 + 1,
            ((g / 10) %% (%(s)s / 10)) * 10 + (g - 1) %% 10 + 1
        FROM generate_series(1, %(n)s) g JOIN clients_hospitalstay s ON s.id = g
        WHERE g %% 10 NOT IN (4, 9);
        INSERT INTO matching_matchingrun (id, public_id, created_at, updated_at, parameters,
            summary, dry_run, created_by_id, single_enrolment_id, site_id)
        SELECT g, gen_random_uuid(), now(), now(), '{}', '{}', false, g, NULL, g
        FROM generate_series(1, 10) g;
        {proposals}
        """.replace("{proposals}", proposal_sql()), p)
        timings["people"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        # Contacts: spread over each match from its start to today (to 20..39 days ago for
        # one client in seven, who drift away); 85%% met, 5%% no-show, 5%% not reached.
        cur.execute("""
        CREATE TEMP TABLE cm AS
        SELECT row_number() OVER (ORDER BY m.id) - 1 AS rn, m.id AS match_id, m.client_id,
               m.supporter_id, m.site_id, m.started_on, 10 + m.supporter_id AS user_id,
               GREATEST(1, COALESCE(m.ended_on, %(today)s
                 - (CASE WHEN m.client_id %% 7 = 0 THEN 20 + m.client_id %% 20 ELSE 0 END)::int)
                 - m.started_on) AS span
        FROM clients_match m;
        """, p)
        cur.execute("SELECT count(*) FROM cm")
        matched = cur.fetchone()[0]
        cur.execute("""
        INSERT INTO contacts_contact (public_id, created_at, updated_at, occurred_at,
            duration_minutes, mode, setting, is_group, activities, outcome, note, client_id,
            logged_by_id, match_id, site_id, supporter_id, group_session_id)
        SELECT gen_random_uuid(), now(), now(),
            (cm.started_on + ((k * 2654435761) %% cm.span)::int)::timestamp AT TIME ZONE 'UTC'
              + ((k %% 10 + 9) || ' hours')::interval,
            15 + (k %% 6) * 15, 'in_person',
            CASE WHEN k %% 10 = 0 THEN 'ward' ELSE 'community' END, false, '[]',
            CASE WHEN k %% 20 = 1 THEN 'no_show' WHEN k %% 20 = 2 THEN 'not_reached'
                 WHEN k %% 20 = 3 THEN 'cancelled_client' ELSE 'met' END,
            '', cm.client_id, cm.user_id, cm.match_id, cm.site_id, cm.supporter_id, NULL
        FROM generate_series(0, %(c)s - 1) k JOIN cm ON cm.rn = k %% %(m)s;
        """, {**p, "m": matched})
        timings["contacts"] = time.perf_counter() - t1
        for table in ["core_organisation", "core_programsite", "core_ward", "core_user",
                      "supporters_supporterprofile", "clients_client", "clients_hospitalstay",
                      "clients_enrolment", "clients_match", "matching_matchingrun"]:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        t2 = time.perf_counter()
        cur.execute("VACUUM ANALYZE") if connection.connection.autocommit else None
    connection.close()
    with __import__("psycopg").connect(f"{SERVER}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    timings["vacuum"] = time.perf_counter() - t2
    return timings


def proposal_sql() -> str:
    """Pending proposals for the waitlisted clients, written against the Proposal model's
    current columns (the matching app owns that model and may change it)."""
    from bridgeway.matching.models import Proposal

    known = {
        "public_id": "gen_random_uuid()", "created_at": "now() - ((g %% 14) || ' days')::interval",
        "updated_at": "now()", "score": "1", "contributions": "'{}'", "reason": "''",
        "alternatives": "'[]'", "status": "'proposed'", "decision_note": "''",
        "enrolment_id": "g", "run_id": "(g - 1) %% 10 + 1", "site_id": "(g - 1) %% 10 + 1",
        "supporter_id": "(g - 1) %% 10 + 1", "decided_at": "NULL", "decided_by_id": "NULL",
        "match_id": "NULL",
    }
    columns = [f.column for f in Proposal._meta.concrete_fields if f.column != "id"]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise SystemExit(f"bench/scan.py: fill in Proposal columns {unknown}")
    return (f"INSERT INTO matching_proposal ({', '.join(columns)}) SELECT "
            f"{', '.join(known[c] for c in columns)} "
            f"FROM generate_series(1, %(n)s) g WHERE g %% 10 = 4;")


HAND_SQL: dict[str, str] = {
    "no_first_contact": """
        SELECT m.client_id FROM clients_match m JOIN ld ON ld.client_id = m.client_id
        WHERE m.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM clients_hospitalstay s WHERE s.client_id = m.client_id
                          AND s.discharged_on IS NULL)
          AND GREATEST(ld.discharged_on, m.started_on) <= %(first_cut)s
          AND NOT EXISTS (SELECT 1 FROM contacts_contact c WHERE c.client_id = m.client_id
                          AND c.outcome = 'met'
                          AND c.occurred_at >= GREATEST(ld.discharged_on, m.started_on))""",
    "contact_lapse": """
        SELECT m.client_id FROM clients_match m JOIN ld ON ld.client_id = m.client_id
        CROSS JOIN LATERAL (SELECT max(c.occurred_at) AS t FROM contacts_contact c
                            WHERE c.client_id = m.client_id AND c.outcome = 'met') lm
        WHERE m.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM clients_hospitalstay s WHERE s.client_id = m.client_id
                          AND s.discharged_on IS NULL)
          AND lm.t >= ld.discharged_on AND ld.discharged_on > %(followup_cut)s
          AND lm.t < %(warn_ts)s""",
    "missed_contacts": """
        SELECT m.client_id FROM clients_match m
        CROSS JOIN LATERAL (SELECT count(*) AS n,
                                   bool_and(x.outcome IN ('no_show', 'not_reached')) AS missed
                            FROM (SELECT c.outcome FROM contacts_contact c
                                  WHERE c.client_id = m.client_id
                                  ORDER BY c.occurred_at DESC LIMIT 2) x) t
        WHERE m.status = 'active' AND t.n = 2 AND t.missed""",
    "readmission": """
        SELECT m.client_id FROM clients_match m WHERE m.status = 'active'
          AND EXISTS (SELECT 1 FROM clients_hospitalstay s WHERE s.client_id = m.client_id
                      AND s.discharged_on IS NULL
                      AND (s.admitted_on > m.started_on
                           OR (s.admitted_on = m.started_on
                               AND EXISTS (SELECT 1 FROM clients_hospitalstay d
                                           WHERE d.client_id = m.client_id
                                             AND d.discharged_on = m.started_on))))""",
    "no_ward_contact": """
        SELECT m.client_id FROM clients_match m JOIN ld ON ld.client_id = m.client_id
        WHERE m.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM clients_hospitalstay s WHERE s.client_id = m.client_id
                          AND s.discharged_on IS NULL)
          AND m.started_on <= ld.discharged_on AND ld.discharged_on > %(ward_cut)s
          AND NOT EXISTS (SELECT 1 FROM contacts_contact c WHERE c.client_id = m.client_id
                          AND c.outcome = 'met' AND c.setting = 'ward'
                          AND c.occurred_at >= ld.admitted_on)""",
    "under_commitment": """
        SELECT r.supporter_id FROM (
            SELECT m.supporter_id, sum(ps.weekly_commitment_minutes) AS req
            FROM clients_match m JOIN core_programsite ps ON ps.id = m.site_id
            WHERE m.status = 'active' AND m.started_on <= %(oldest)s GROUP BY m.supporter_id) r
        JOIN supporters_supporterprofile sp ON sp.id = r.supporter_id AND sp.status = 'active'
        LEFT JOIN (
            SELECT c.supporter_id,
                   sum(c.duration_minutes) FILTER (WHERE c.occurred_at >= %(w0)s AND c.occurred_at < %(w0e)s) AS m0,
                   sum(c.duration_minutes) FILTER (WHERE c.occurred_at >= %(w1)s AND c.occurred_at < %(w1e)s) AS m1,
                   sum(c.duration_minutes) FILTER (WHERE c.occurred_at >= %(w2)s AND c.occurred_at < %(w2e)s) AS m2
            FROM contacts_contact c WHERE c.outcome = 'met' AND c.occurred_at >= %(w2)s
              AND c.occurred_at < %(w0e)s GROUP BY c.supporter_id) w ON w.supporter_id = r.supporter_id
        WHERE r.req > 0 AND coalesce(w.m0, 0) < r.req AND coalesce(w.m1, 0) < r.req
          AND coalesce(w.m2, 0) < r.req""",
    "proposal_pending": """
        SELECT DISTINCT e.client_id FROM matching_proposal p
        JOIN clients_enrolment e ON e.id = p.enrolment_id
        WHERE p.status = 'proposed' AND p.created_at < %(proposal_ts)s""",
    "waitlist_long": """
        SELECT e.client_id FROM clients_enrolment e WHERE e.status = 'waitlisted'
          AND e.waitlisted_since IS NOT NULL AND e.waitlisted_since < %(waitlist_ts)s""",
}


def hand_params(today: dt.date) -> dict[str, Any]:
    from bridgeway.safety import rules as r
    from bridgeway.safety.scan import context_for

    c = context_for(today=today)
    d = r.DEFAULTS
    end = lambda n: c.midnight(r.cutoff(today, n) + dt.timedelta(days=1))  # noqa: E731 — a one-line helper reads better inline
    weeks = r.week_starts(today, d.commitment_weeks)
    p: dict[str, Any] = {
        "first_cut": r.cutoff(today, d.first_contact_days),
        "followup_cut": r.cutoff(today, d.followup_days),
        "warn_ts": end(d.lapse_warning_days),
        "ward_cut": r.cutoff(today, d.ward_contact_lookback_days),
        "oldest": weeks[-1],
        "proposal_ts": end(d.proposal_days),
        "waitlist_ts": end(d.waitlist_days),
    }
    for i, start in enumerate(weeks):
        p[f"w{i}"] = c.midnight(start)
        p[f"w{i}e"] = c.midnight(start + dt.timedelta(days=7))
    return p


def hand_written(today: dt.date) -> tuple[float, set[tuple[str, int]]]:
    """All rules by hand, each materialised into a temporary table (as the scan stages)."""
    from django.db import connection, transaction

    params = hand_params(today)
    hits: set[tuple[str, int]] = set()
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE ld ON COMMIT DROP AS SELECT DISTINCT ON (client_id) "
                    "client_id, discharged_on, admitted_on FROM clients_hospitalstay "
                    "WHERE discharged_on IS NOT NULL "
                    "ORDER BY client_id, discharged_on DESC, admitted_on DESC")
        for rule, sql in HAND_SQL.items():
            cur.execute(f"CREATE TEMP TABLE hit_{rule} ON COMMIT DROP AS {sql}", params)
        elapsed = time.perf_counter() - t0
        for rule in HAND_SQL:
            cur.execute(f"SELECT * FROM hit_{rule}")
            hits |= {(rule, row[0]) for row in cur.fetchall()}
    return elapsed, hits


def scan_once(today: dt.date) -> tuple[float, int, set[tuple[str, int]]]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bridgeway.safety.models import ScanHit

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        call_command("scan", today=today, stdout=open(os.devnull, "w"))  # noqa: SIM115 — the command's output is discarded for the process
        elapsed = time.perf_counter() - t0
    hits = set(ScanHit.objects.values_list("rule", "subject_id").distinct())
    return elapsed, len(queries), hits


def measure(clients: int, contacts: int, today: dt.date, generate_data: bool = True
            ) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connections

    if generate_data:
        connections.close_all()
        admin_exec(f"DROP DATABASE IF EXISTS {DB}")
        admin_exec(f"CREATE DATABASE {DB}")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - t0
        gen = generate(clients, contacts, today)
        print(f"  size {clients:,} clients / {contacts:,} contacts: migrate {migrate_s:.1f}s, "
              f"people {gen['people']:.1f}s, contacts {gen['contacts']:.1f}s, "
              f"vacuum analyze {gen['vacuum']:.1f}s", flush=True)
    else:
        call_command("migrate", verbosity=0)
        print(f"  size {clients:,} clients / {contacts:,} contacts: reusing the kept database",
              flush=True)
    sql_times, scan_times, query_counts = [], [], []
    hand_hits: set[tuple[str, int]] = set()
    scan_hits: set[tuple[str, int]] = set()
    for i in range(3):
        s, hand_hits = hand_written(today)
        sql_times.append(s)
        t, q, scan_hits = scan_once(today)
        scan_times.append(t)
        query_counts.append(q)
        print(f"    run {i + 1}: hand-written SQL {s:.2f}s, bridgeway scan {t:.2f}s "
              f"({q} queries)", flush=True)
    if hand_hits != scan_hits:
        only_scan = sorted(scan_hits - hand_hits)[:5]
        only_hand = sorted(hand_hits - scan_hits)[:5]
        raise SystemExit(f"hit sets differ: scan-only {only_scan} hand-only {only_hand}")
    per_rule: dict[str, int] = {}
    for rule, _subject in scan_hits:
        per_rule[rule] = per_rule.get(rule, 0) + 1
    print(f"    same {len(scan_hits):,} hits both ways: " +
          ", ".join(f"{k}={v}" for k, v in sorted(per_rule.items())), flush=True)
    return {"sql": statistics.median(sql_times), "scan": statistics.median(scan_times),
            "first_scan": scan_times[0], "queries": max(query_counts),
            "queries_all": query_counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=5_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench_scan database")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the kept full-size bench_scan database again (no "
                             "generation, no smaller size)")
    args = parser.parse_args()
    setup_django()
    from django.utils import timezone

    today = timezone.localdate()
    try:
        if args.reuse:
            full = measure(args.clients, args.contacts, today, generate_data=False)
            small = full
        else:
            small = measure(args.clients // 10, args.contacts // 10, today)
            full = measure(args.clients, args.contacts, today)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_exec(f"DROP DATABASE IF EXISTS {DB}")
    print(f"  queries per scan: {small['queries']} at {args.clients // 10:,} clients, "
          f"{full['queries']} at {args.clients:,} clients")
    print(f"  medians: scan {full['scan']:.2f}s, hand-written SQL {full['sql']:.2f}s; first "
          f"scan (opens every alert) {full['first_scan']:.2f}s = "
          f"{full['first_scan'] / full['sql']:.2f}x")
    print(f"  smaller size: over_sql={small['scan'] / small['sql']:.2f}")
    print(f"scan: over_sql={full['scan'] / full['sql']:.2f} queries={full['queries']}")


if __name__ == "__main__":
    main()
