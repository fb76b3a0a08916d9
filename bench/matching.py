"""Matching benchmark (not a test): 20,000 waiting clients x 6,000 supporters in 120 sites.

    .venv/bin/python bench/matching.py [--clients 20000] [--supporters 6000] [--seed 1]
                                       [--database postgres|sqlite] [--keep] [--reuse] [--repeat 3]

1. Creates a scratch database (PostgreSQL `bench_matching` at
   postgres://postgres@127.0.0.1:5432, created and dropped here; or a temporary SQLite file),
   migrates it and fills it with a synthetic regional program: 120 sites, each with 50
   supporters (free capacity 1-5) and about 167 waiting clients; every site requires its
   core training (every fourth one an advanced module too), which most supporters hold
   (some expired, some never trained); every site has its criteria row (the defaults).
2. end_to_end: matching as the run page and `bridgeway match --site` run it, site after
   site: services.matching_run(actor, site) for each of the 120 sites — the site's criteria
   and training requirement, the real waitlist selector, load, score, solve, supersede the
   previous run's proposals, write proposals and unmatched reports, the run's audit event,
   commit. An untimed warm-up pass first, so every timed pass supersedes open proposals.
   Best of --repeat passes.
3. solver: the bare SimpleMinCostFlow solve of every site's instance (engine.solve on the
   same arrays: graph from numpy arrays, solve, flows read back), summed; best of --repeat.
4. optimal: every site's objective equals scipy.optimize.linear_sum_assignment (an
   independent exact solver) on replicated supporter slots plus one "unassigned" column per
   client, with the same integer scores.
5. greedy_gap: how much lower the objective of a greedy highest-score-first assignment is.

The last line is always
    matching: optimal=<true|false> end_to_end_over_solver=<ratio> greedy_gap=<percent>
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "bench_matching"
SITES = 120
OPT_SITES = 12
INTERESTS = ["Art", "Basketball", "Board games", "Chess", "Cooking", "Crafts", "Cycling",
             "Dancing", "Fishing", "Gaming", "Gardening", "Hiking", "History", "Knitting",
             "Movies", "Music", "Photography", "Poetry", "Reading", "Running", "Singing",
             "Soccer", "Spirituality", "Swimming", "Tennis", "Theatre", "Volunteering",
             "Walking", "Writing", "Yoga"]
LANGS = [("en", "English"), ("fr", "French"), ("pa", "Punjabi"), ("ar", "Arabic"),
         ("es", "Spanish"), ("zh", "Mandarin"), ("pt", "Portuguese"), ("oj", "Ojibwe")]
SLOTS = [f"{d}-{p}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
         for p in ("am", "pm", "eve")]
GENDERS = ["man", "woman", "non_binary"]


def setup_database(kind: str, reuse: bool, name: str = DB_NAME) -> tuple[str, str | None, bool]:
    """(url, PostgreSQL database to drop afterwards, whether it still needs filling)."""
    if kind == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench_matching.sqlite3"
        return f"sqlite:///{path}", None, True
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone() is not None
        if reuse and exists:
            return f"{PG_SERVER}/{name}", name, False
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{PG_SERVER}/{name}", name, True


def drop_database(name: str | None) -> None:
    if name is None:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fsa_codes(n: int) -> list[str]:
    letters = "ABCEGHJKLMNPRSTVXY"
    seconds = "ABCEGHJKLMNPRSTVWXYZ"
    out = [f"{a}{d}{b}" for a in letters for d in "0123456789" for b in seconds]
    return out[:n]


def populate(rng: random.Random, n_clients: int, n_supporters: int) -> None:
    from django.utils import timezone

    from bridgeway.clients.models import Client, Enrolment
    from bridgeway.core.models import (
        Interest,
        Language,
        Organisation,
        PostalArea,
        ProgramSite,
        User,
    )
    from bridgeway.supporters.models import SupporterProfile

    today = date(2026, 6, 1)
    now = timezone.now()
    hospital = Organisation.objects.create(name="Bench hospital", code="bench-h", kind="hospital")
    peer = Organisation.objects.create(name="Bench peers", code="bench-p", kind="peer_org")
    sites = ProgramSite.objects.bulk_create([
        ProgramSite(code=f"region-{i:03d}", name=f"Region {i}", hospital=hospital)
        for i in range(SITES)])
    langs = Language.objects.bulk_create([Language(code=c, name=n) for c, n in LANGS])
    interests = Interest.objects.bulk_create([
        Interest(slug=n.lower().replace(" ", "-"), name=n) for n in INTERESTS])
    codes = fsa_codes(SITES * 5)
    centres = [(43.0 + rng.uniform(-2, 2), -80.0 + rng.uniform(-3, 3)) for _ in range(SITES)]
    areas = []
    for i, code in enumerate(codes):
        lat, lon = centres[i // 5]
        areas.append(PostalArea(fsa=code, latitude=lat + rng.uniform(-0.1, 0.1),
                                longitude=lon + rng.uniform(-0.1, 0.1)))
    PostalArea.objects.bulk_create(areas)

    def region_fsa(site_index: int) -> str:
        return codes[site_index * 5 + rng.randrange(5)]

    def some(pool: list[str], lo: int, hi: int) -> list[str]:
        return rng.sample(pool, rng.randint(lo, hi))

    users = User.objects.bulk_create([
        User(username=f"bench-s{j:05d}", first_name=f"S{j}", last_name="Bench",
             password="!") for j in range(n_supporters)])  # noqa: S106  # unusable password
    profiles = []
    for j, user in enumerate(users):
        site_index = j % SITES
        profiles.append(SupporterProfile(
            user=user, organisation=peer, employment=rng.choice(["paid", "volunteer"]),
            hours_per_week=rng.choice([4, 6, 8, 10]), availability=some(SLOTS, 2, 8),
            max_active_clients=rng.randint(1, 5), gender=rng.choice(GENDERS),
            date_of_birth=today - timedelta(days=365 * rng.randint(22, 68)),
            home_fsa=region_fsa(site_index),
            status="paused" if rng.random() < 0.03 else "active"))
    profiles = SupporterProfile.objects.bulk_create(profiles, batch_size=2000)
    lang_by_code = {lang.code: lang for lang in langs}
    through = SupporterProfile.sites.through
    through.objects.bulk_create([through(supporterprofile_id=p.id, programsite_id=sites[j % SITES].id)
                                 for j, p in enumerate(profiles)], batch_size=5000)
    lt = SupporterProfile.languages.through
    it = SupporterProfile.interests.through
    s_lang_rows, s_int_rows = [], []
    for p in profiles:
        spoken = {"en"} | ({rng.choice([c for c, _ in LANGS[1:]])} if rng.random() < 0.4 else set())
        s_lang_rows += [lt(supporterprofile_id=p.id, language_id=lang_by_code[c].id) for c in spoken]
        s_int_rows += [it(supporterprofile_id=p.id, interest_id=i.id)
                       for i in rng.sample(interests, rng.randint(1, 5))]
    lt.objects.bulk_create(s_lang_rows, batch_size=5000)
    it.objects.bulk_create(s_int_rows, batch_size=5000)

    clients = []
    for i in range(n_clients):
        pref_strength = rng.choice(["none", "none", "preferred", "required"])
        clients.append(Client(
            given_name=f"C{i}", family_name="Bench",
            date_of_birth=today - timedelta(days=365 * rng.randint(18, 75)),
            gender=rng.choice(GENDERS), availability=some(SLOTS, 0, 6),
            home_fsa=region_fsa(i % SITES),
            pref_gender=rng.choice(GENDERS) if pref_strength != "none" else "",
            pref_gender_strength=pref_strength if rng.random() < 0.5 else "none"))
    clients = Client.objects.bulk_create(clients, batch_size=2000)
    ct = Client.languages.through
    cit = Client.interests.through
    c_lang_rows, c_int_rows = [], []
    for c in clients:
        spoken = {"en"} | ({rng.choice([code for code, _ in LANGS[1:]])} if rng.random() < 0.3
                           else set())
        c_lang_rows += [ct(client_id=c.id, language_id=lang_by_code[code].id) for code in spoken]
        c_int_rows += [cit(client_id=c.id, interest_id=x.id)
                       for x in rng.sample(interests, rng.randint(0, 5))]
    ct.objects.bulk_create(c_lang_rows, batch_size=5000)
    cit.objects.bulk_create(c_int_rows, batch_size=5000)
    # Each site requires the core training (every fourth one the advanced module too); most
    # supporters hold it, some expired, a few never took it. Each site has its criteria row
    # (the defaults, which require the site's training).
    from bridgeway.core.models import TrainingModule
    from bridgeway.matching.models import MatchingCriteria
    from bridgeway.supporters.models import TrainingRecord

    core = TrainingModule.objects.create(code="bench-core", name="Core", level=1)
    advanced = TrainingModule.objects.create(code="bench-adv", name="Advanced", level=2)
    req = ProgramSite.required_training.through
    req.objects.bulk_create([req(programsite_id=site.id, trainingmodule_id=core.id)
                             for site in sites]
                            + [req(programsite_id=site.id, trainingmodule_id=advanced.id)
                               for k, site in enumerate(sites) if k % 4 == 0])
    records = []
    for p in profiles:
        roll = rng.random()
        if roll < 0.05:
            continue  # never trained
        expires = today - timedelta(days=30) if roll < 0.10 else None
        records.append(TrainingRecord(supporter=p, module=core, completed_on=today - timedelta(
            days=400), expires_on=expires))
        if rng.random() < 0.9:
            records.append(TrainingRecord(supporter=p, module=advanced,
                                          completed_on=today - timedelta(days=200)))
    TrainingRecord.objects.bulk_create(records, batch_size=5000)
    MatchingCriteria.objects.bulk_create([MatchingCriteria(site=site) for site in sites])

    Enrolment.objects.bulk_create([
        Enrolment(client=c, site=sites[i % SITES], status="waitlisted", status_changed_at=now,
                  referred_on=today, waitlisted_since=now - timedelta(days=rng.randint(0, 120)),
                  priority=rng.random() < 0.05,
                  support_intensity="intensive" if rng.random() < 0.2 else "standard")
        for i, c in enumerate(clients)], batch_size=2000)


def reset_runs() -> None:
    """Remove every run, proposal and unmatched report (TRUNCATE on PostgreSQL, so no dead
    rows from an earlier run are left in the tables or their indexes)."""
    from django.db import connection

    from bridgeway.matching.models import MatchingRun, Proposal, UnmatchedReport

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE matching_unmatchedreport, matching_proposal, "
                           "matching_matchingrun")
        return
    UnmatchedReport.objects.all().delete()
    Proposal.objects.all().delete()
    MatchingRun.objects.all().delete()


def greedy(n_clients: int, pc: np.ndarray, ps: np.ndarray, units: np.ndarray,
           score: np.ndarray, cap: np.ndarray) -> tuple[int, int]:
    """Highest score first; returns (objective units, matched)."""
    left = cap.copy()
    taken = np.zeros(n_clients, dtype=bool)
    total = 0
    matched = 0
    for p in np.lexsort((ps, pc, -score)):
        c, s = pc[p], ps[p]
        if taken[c] or left[s] <= 0:
            continue
        taken[c] = True
        left[s] -= 1
        total += int(units[p])
        matched += 1
    return total, matched


def exact_objective(sc: object, units: np.ndarray, cap: np.ndarray) -> int:
    """The optimum of one site by scipy's linear_sum_assignment (an independent exact solver)
    on replicated supporter slots plus one "unassigned" column per client, same integer
    scores."""
    from scipy.optimize import linear_sum_assignment

    pairs, pool = sc.pairs, sc.pool  # type: ignore[attr-defined]
    n_c, n_s = pool.n_clients, pool.n_supporters
    if n_c == 0:
        return 0
    slot_start = np.r_[0, np.cumsum(cap)]
    n_slots = int(slot_start[-1])
    big = float(units.max() if units.size else 1) * 10 + 1
    cost = np.full((n_c, n_slots + n_c), big)
    cost[np.arange(n_c), n_slots + np.arange(n_c)] = 0.0
    for j in range(n_s):
        lo, hi = int(slot_start[j]), int(slot_start[j + 1])
        if hi == lo:
            continue
        mask = pairs.supporter == j
        cost[pairs.client[mask][:, None], np.arange(lo, hi)[None, :]] = -units[mask][:, None]
    rows, cols = linear_sum_assignment(cost)
    return int(round(-cost[rows, cols].sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--supporters", type=int, default=6_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--repeat", type=int, default=3,
                        help="time the end-to-end run and the bare solve this many times (best)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a kept PostgreSQL database (skips populating)")
    parser.add_argument("--db-name", default=DB_NAME,
                        help="the scratch PostgreSQL database's name (so two people's runs on "
                             "one server do not drop each other's)")
    args = parser.parse_args()
    if not args.db_name.isidentifier():
        parser.error("--db-name: letters, digits and underscores only")

    url, pg_name, fill = setup_database(args.database, args.reuse, args.db_name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgeway.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from bridgeway.core.actors import Actor
    from bridgeway.core.models import ProgramSite
    from bridgeway.matching import engine, services
    from bridgeway.matching.models import Proposal
    from bridgeway.matching.selectors import criteria_for_site
    from bridgeway.supporters.models import SupporterProfile

    try:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)  # also brings a kept database up to date
        if fill:
            rng = random.Random(args.seed)
            with transaction.atomic():
                populate(rng, args.clients, args.supporters)
        reset_runs()  # a kept database starts without the earlier runs' proposals
        if args.database == "postgres":  # planner statistics, as autovacuum keeps them live
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"setup: {args.database} database {url.rsplit('/', 1)[-1]}, migrate + populate "
              f"{time.perf_counter() - t:.1f}s")
        sites = list(ProgramSite.objects.order_by("code"))
        actor = Actor.system("bench:matching")

        # ---- end to end: what the run page and `bridgeway match --site` do, site after site:
        # services.matching_run(actor, site) — the site's criteria (its training
        # requirement), the real waitlist selector, load, score, solve, supersede the
        # previous run's proposals, write proposals and unmatched reports, the audit event.
        # One untimed warm-up pass leaves open proposals, so every timed pass supersedes the
        # previous pass's proposals, as a coordinator re-running matching does.
        def one_pass() -> tuple[float, list[object]]:
            t0 = time.perf_counter()
            outcomes = [services.matching_run(actor=actor, site=site) for site in sites]
            return time.perf_counter() - t0, outcomes

        one_pass()
        passes = [one_pass() for _ in range(args.repeat)]
        end_to_end, outcomes = min(passes, key=lambda r: r[0])
        results = [o.result for o in outcomes]  # type: ignore[attr-defined]
        assert Proposal.objects.filter(status="proposed").count() == sum(
            r.n_proposals for r in results)
        assert Proposal.objects.filter(status="superseded").count() >= sum(
            r.n_proposals for r in results)
        stages: dict[str, float] = {}
        for o in outcomes:
            for k, v in o.timings.items():  # type: ignore[attr-defined]
                stages[k] = stages.get(k, 0.0) + v
        # outside run_sites: the site's criteria, BEGIN/COMMIT, sealing the audit chain after
        # commit (throttled to once a second by the audit writer)
        stages["criteria+commit+seal"] = end_to_end - sum(stages.values())
        from django.db import connection

        with connection.cursor() as cursor:  # how long one round trip to the server takes now
            trips = []
            for _ in range(50):
                tr = time.perf_counter()
                cursor.execute("SELECT 1")
                cursor.fetchall()
                trips.append(time.perf_counter() - tr)
        round_trip_ms = 1000 * float(np.median(trips))

        # ---- bare solver on each site's instance (same arrays, same costs), summed
        instances = []
        for site, r in zip(sites, results, strict=True):
            sc = r.scored
            assert sc is not None
            criteria = criteria_for_site(site)
            instances.append((sc, engine.integer_scores(sc.score, criteria),
                              engine.capacities(sc.pool, criteria), r, criteria))
        solves = []
        for _ in range(args.repeat):
            ts = time.perf_counter()
            for sc, units, cap, _r, _c in instances:
                engine.solve(sc.pool.n_clients, sc.pool.n_supporters, sc.pairs.client,
                              sc.pairs.supporter, units, cap)
            solves.append(time.perf_counter() - ts)
        solver = min(solves)

        # ---- every site's objective against an independent exact solver, and greedy
        optimal = True
        g_total = objective = g_matched = 0
        g_score = 0.0
        for sc, units, cap, r, criteria in instances:
            sol = engine.solve(sc.pool.n_clients, sc.pool.n_supporters, sc.pairs.client,
                               sc.pairs.supporter, units, cap)
            optimal &= sol.objective == r.objective == exact_objective(sc, units, cap)
            g_units, matched = greedy(sc.pool.n_clients, sc.pairs.client, sc.pairs.supporter,
                                      units, sc.score, cap)
            g_total += g_units
            g_matched += matched
            objective += r.objective
            g_score += (g_units - matched * round((criteria.max_score + 1) * engine.SCALE)) / engine.SCALE
        greedy_gap = 100.0 * (objective - g_total) / objective

        n_c = sum(r.scored.pool.n_clients for r in results)
        n_pairs = sum(r.allowed_pairs for r in results)
        matched = sum(r.n_proposals for r in results)
        total_score = sum(r.total_score for r in results)
        print(f"instance: {len(sites)} sites, {n_c} waiting clients x "
              f"{SupporterProfile.objects.count()} "
              f"supporters, {n_pairs} allowed pairs ({n_pairs / max(n_c, 1):.1f} per client)")
        print(f"engine: matched {matched}, unmatched {n_c - matched}, total score "
              f"{total_score:.0f}, mean {total_score / max(matched, 1):.1f}")
        print(f"greedy: matched {g_matched}, total score {g_score:.0f}")
        parts = " + ".join(f"{k} {v:.2f}s" for k, v in stages.items())
        each = ", ".join(f"{t:.2f}" for t, _o in passes)
        print(f"end_to_end {end_to_end:.2f}s = {parts} (best of {len(passes)}: {each}); "
              f"bare solver {solver:.2f}s (best of {len(solves)}: "
              f"{', '.join(f'{x:.2f}' for x in solves)})")
        print(f"exact check (scipy linear_sum_assignment): every one of the {len(sites)} sites")
        print(f"database round trip (SELECT 1, median of 50): {round_trip_ms:.2f} ms; "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"matching: optimal={'true' if optimal else 'false'} "
              f"end_to_end_over_solver={end_to_end / solver:.2f} "
              f"greedy_gap={greedy_gap:.2f}%")
    finally:
        if not (args.keep or args.reuse):
            drop_database(pg_name)


if __name__ == "__main__":
    main()
