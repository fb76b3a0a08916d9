"""Writes for matching runs: a site's criteria, and a run (load, score, solve, store the
proposals and unmatched reports, audit) — what the run page and `bridgeway match` call.

Keyword-only, atomic, audited in the same transaction. Permission is decided before the call
(access.policy.authorize(user, Action.MATCH, site=...)), which hands over the Actor.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from bridgeway.audit.writer import record
from bridgeway.clients.models import Enrolment, Match
from bridgeway.clients.statuses import MATCHABLE_STATUSES
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite

from .. import engine, explain
from ..engine import SOFT, Criteria
from ..models import MatchingCriteria, MatchingRun, Proposal, UnmatchedReport
from ..selectors import criteria_for_site, load_columns, waitlist

Progress = Callable[[str, int, int], None]

def _noop(label: str, done: int, total: int) -> None:
    return None


@transaction.atomic
def criteria_update(*, actor: Actor, site: ProgramSite, fields: dict[str, Any]) -> MatchingCriteria:
    row, _created = MatchingCriteria.objects.select_for_update().get_or_create(site=site)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by = actor.user
    row.full_clean()
    row.save()
    record(who=actor.who, category="matching_criteria", action="update",
           detail=f"site:{site.code} fields:" + ",".join(sorted(fields))[:150])
    return row


@dataclass
class RunOutcome:
    run: MatchingRun | None  # None for a dry run (the first site's run for several sites)
    result: engine.Result
    summary: dict[str, Any]
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # (key, code, reason)
    timings: dict[str, float] = field(default_factory=dict)
    runs: list[MatchingRun] = field(default_factory=list)


def unmatched_reasons(result: engine.Result) -> list[tuple[str, str, str]]:
    """(client key, code, reason in words) per unmatched client."""
    tr = functools.lru_cache(maxsize=4096)(_)  # the same few phrases, thousands of times
    cache: dict[str, str] = {}
    out = []
    for u in result.unmatched:
        key = json.dumps([u.code, u.detail], sort_keys=True, default=str)
        if key not in cache:
            cache[key] = explain.unmatched_reason(u.code, u.detail, tr)
        out.append((u.client_key, u.code, cache[key]))
    return out


def summarise(n_clients: int, scores: list[float], allowed_pairs: int,
              unmatched: list[tuple[str, str, str]]) -> dict[str, Any]:
    n = len(scores)
    return {
        "clients": n_clients,
        "matched": n,
        "unmatched": len(unmatched),
        "unmatched_by_reason": dict(Counter(reason for _k, _c, reason in unmatched)),
        "mean_score": round(sum(scores) / n, 2) if n else 0.0,
        "allowed_pairs": allowed_pairs,
    }


def _int_array(values: NDArray[Any]) -> str:
    return "{" + ",".join(map(str, values.tolist())) + "}"


Statement = tuple[str, list[Any]]


def _execute_all(statements: list[Statement]) -> list[tuple[Any, ...]]:
    """Run the statements in order and return the first one's rows. On PostgreSQL they are
    sent together in pipeline mode (one round trip instead of one per statement; the server
    still runs them in order)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            first: list[tuple[Any, ...]] = []
            for k, (sql, params) in enumerate(statements):
                cursor.execute(sql, params)
                if k == 0 and cursor.description:
                    first = cursor.fetchall()
        return first
    connection.ensure_connection()
    pg = connection.connection
    with pg.pipeline(), pg.cursor() as head, pg.cursor() as cursor:
        for k, (sql, params) in enumerate(statements):
            (head if k == 0 else cursor).execute(sql, params)
        return head.fetchall()


# A run that stores proposals commits without waiting for its WAL flush (decision 0018):
# it writes only derived rows, which stand or fall with its audit event; it shows only
# counts, and any page showing its clients commits synchronously, flushing the run first.
ASYNC_COMMIT: Statement = ("SELECT set_config('synchronous_commit', 'off', true)", [])


def supersede_sql(enrolment_ids: NDArray[np.int64]) -> Statement:
    """The open proposals of these enrolments become superseded (a new run replaces them)."""
    table = Proposal._meta.db_table
    return (f"UPDATE {table} SET status = %s, decided_at = %s "  # noqa: S608  # nosec B608 — model table name; values are parameters
            f"WHERE status = %s AND enrolment_id = ANY(%s::bigint[])",
            [Proposal.Status.SUPERSEDED, timezone.now(), Proposal.Status.PROPOSED,
             _int_array(enrolment_ids)])


def runs_sql(runs: list[MatchingRun]) -> Statement:
    """The runs' rows (one per site), returning (id, site_id) in the order given."""
    fields = [f for f in MatchingRun._meta.concrete_fields if not f.primary_key]
    params: list[Any] = []
    for run in runs:
        params += [f.get_db_prep_save(f.pre_save(run, add=True), connection) for f in fields]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(f.column or f.attname for f in fields)
    return (f"INSERT INTO {MatchingRun._meta.db_table} ({columns}) "  # noqa: S608  # nosec B608 — names from the model; values are parameters
            f"VALUES {', '.join([row] * len(runs))} RETURNING id, site_id", params)


def _run_join(runs: list[MatchingRun]) -> tuple[str, list[Any]]:
    """Each row's run: the one of this run's runs (by public id) at the row's site."""
    return (f"JOIN {MatchingRun._meta.db_table} r ON r.public_id = ANY(%s::uuid[]) "
            f"AND r.site_id = t.site_id", [[run.public_id for run in runs]])


def proposals_sql(runs: list[MatchingRun], *, enrolment_ids: NDArray[np.int64],
                  supporter_ids: NDArray[np.int64], site_ids: NDArray[np.int64],
                  scores: NDArray[np.float64], points: NDArray[np.float64]) -> Statement:
    """Proposals in bulk on PostgreSQL: one INSERT ... SELECT over arrays (scores and points
    travel as integer hundredths; the database builds the points' JSON)."""
    now = timezone.now()
    join, join_params = _run_join(runs)
    cents = np.rint(points * 100).astype(np.int64)
    names = [f"p{k}" for k in range(len(SOFT))]
    points_json = ", ".join(f"'{key}', t.{name}::float8 / 100" for key, name in
                            zip(SOFT, names, strict=True))
    columns = ["enrolment_id", "supporter_id", "site_id", "score", *names]
    arrays = [enrolment_ids, supporter_ids, site_ids,
              np.rint(scores * 100).astype(np.int64), *cents.reshape(-1, len(SOFT)).T]
    table = Proposal._meta.db_table
    sql = (f"INSERT INTO {table} (public_id, created_at, updated_at, run_id, enrolment_id, "  # noqa: S608  # nosec B608 — names from the model; values are parameters
           f"supporter_id, site_id, score, contributions, reason, status, decision_note) "
           f"SELECT gen_random_uuid(), %s, %s, r.id, t.enrolment_id, t.supporter_id, "
           f"t.site_id, t.score::float8 / 100, jsonb_build_object({points_json}), '', %s, '' "
           f"FROM unnest({', '.join(['%s::bigint[]'] * len(arrays))}) "
           f"AS t({', '.join(columns)}) {join}")
    return sql, [now, now, Proposal.Status.PROPOSED, *[_int_array(np.asarray(a)) for a in arrays],
                 *join_params]


def unmatched_sql(runs: list[MatchingRun], *, site_ids: NDArray[np.int64],
                  enrolment_ids: NDArray[np.int64], codes: list[str],
                  reasons: list[str]) -> Statement:
    """Unmatched reports in bulk on PostgreSQL (one INSERT ... SELECT over arrays)."""
    table = UnmatchedReport._meta.db_table
    join, join_params = _run_join(runs)
    return (f"INSERT INTO {table} (run_id, enrolment_id, code, reason) "  # noqa: S608  # nosec B608 — model table name; values are parameters
            f"SELECT r.id, t.enrolment_id, t.code, t.reason FROM unnest(%s::bigint[], "
            f"%s::bigint[], %s::text[], %s::text[]) AS t(site_id, enrolment_id, code, reason) "
            f"{join}",
            [_int_array(site_ids), _int_array(enrolment_ids), codes, reasons, *join_params])


def write_run_rows(*, runs: list[MatchingRun], enrolment_ids: NDArray[np.int64],
                   proposals: dict[str, Any], unmatched: dict[str, Any]) -> None:
    """Insert the runs (unsaved, one per site; their primary keys are set here), supersede
    the open proposals of the run's enrolments, then insert its proposals and unmatched
    reports (each joined to its site's run): one round trip on PostgreSQL, with the
    transaction's asynchronous commit; bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        statements = [runs_sql(runs), ASYNC_COMMIT, supersede_sql(enrolment_ids)]
        if proposals["enrolment_ids"].size:
            statements.append(proposals_sql(runs, **proposals))
        if unmatched["codes"]:
            statements.append(unmatched_sql(runs, **unmatched))
        for run, (pk, _site_id) in zip(runs, _execute_all(statements), strict=True):
            run.pk = pk
            run._state.adding = False
            run._state.db = connection.alias
        return
    MatchingRun.objects.bulk_create(runs)
    run_of = {r.site_id: r.pk for r in runs}
    Proposal.objects.filter(enrolment_id__in=enrolment_ids.tolist(),
                            status=Proposal.Status.PROPOSED).update(
        status=Proposal.Status.SUPERSEDED, decided_at=timezone.now())
    Proposal.objects.bulk_create([
        Proposal(run_id=run_of[site], enrolment_id=e, supporter_id=s, site_id=site, score=score,
                 contributions=dict(zip(SOFT, row, strict=True)))
        for e, s, site, score, row in zip(
            proposals["enrolment_ids"].tolist(), proposals["supporter_ids"].tolist(),
            proposals["site_ids"].tolist(), proposals["scores"].tolist(),
            proposals["points"].tolist(), strict=True)],
        batch_size=2000)
    UnmatchedReport.objects.bulk_create([
        UnmatchedReport(run_id=run_of[site], enrolment_id=e, code=c, reason=text)
        for site, e, c, text in zip(
            unmatched["site_ids"].tolist(), unmatched["enrolment_ids"].tolist(),
            unmatched["codes"], unmatched["reasons"], strict=True)], batch_size=2000)


@transaction.atomic
def matching_run(*, actor: Actor, site: ProgramSite, enrolment: Enrolment | None = None,
                 dry_run: bool = False, progress: Progress = _noop) -> RunOutcome:
    """Run the engine for the site's waitlist (or one client) and store its proposals.

    Open proposals for the same clients are superseded. A dry run stores nothing but still
    audits that the waitlist was read.
    """
    if enrolment is not None:
        if enrolment.site_id != site.id:
            raise ValidationError(_("This client is not enrolled at this site."))
        if enrolment.status not in MATCHABLE_STATUSES or enrolment.matches.filter(
                status=Match.Status.ACTIVE).exists():
            raise ValidationError(_("This client is not waiting for a peer supporter."))
        enrolments = Enrolment.objects.filter(pk=enrolment.pk)
    else:
        enrolments = waitlist(site)
    return run_sites(actor=actor, sites=[site], enrolments=enrolments,
                     criteria=criteria_for_site(site), single_enrolment=enrolment,
                     dry_run=dry_run, progress=progress)


# No savepoint when matching_run calls it (two round trips per run for nothing: the run
# stands or falls as a whole).
@transaction.atomic(savepoint=False)
def run_sites(*, actor: Actor, sites: list[ProgramSite], enrolments: QuerySet[Enrolment],
              criteria: Criteria, single_enrolment: Enrolment | None = None,
              dry_run: bool = False, progress: Progress = _noop) -> RunOutcome:
    """The run itself: `enrolments` (at `sites`) against every supporter serving one of
    `sites`, solved together under `criteria`. matching_run calls it for one site; several
    sites share one solve when their supporters serve more than one of them. Stores one
    MatchingRun per site, its proposals and unmatched reports, and one audit event.

    Proposals store their score and points per criterion; the reason in words and the next
    best alternatives are derived when a page shows them (selectors.explain_proposals) and
    the reason is stored when the proposal is decided.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress(_("Loading the waitlist"), 0, 4)
    cols = load_columns(enrolments, sites, criteria)
    timings["load"] = time.perf_counter() - t0
    progress(_("Scoring and solving"), 1, 4)
    result = engine.run_pool(cols.pool, criteria)
    timings.update(result.timings)
    t2 = time.perf_counter()
    progress(_("Writing proposals"), 2, 4)
    sc = result.scored
    if sc is None:  # pragma: no cover - run_encoded always scores
        raise RuntimeError("no scored pairs")
    rows = sc.pairs.client[result.chosen]
    scores = result.proposal_scores()
    unmatched = unmatched_reasons(result)
    row_of = {key: i for i, key in enumerate(cols.pool.clients.key)}
    runs: list[MatchingRun] = []
    if not dry_run:
        by_site = {s.id: s for s in sites}
        present = [by_site[i] for i in sorted(set(cols.site_id.tolist()) & set(by_site))] or sites[:1]
        site_ids = cols.site_id[rows]
        u_rows = np.array([row_of[key] for key, _c, _r in unmatched], dtype=np.int64)
        u_sites = cols.site_id[u_rows]
        # each site's run keeps its own summary, written with the run
        clients_at = Counter(cols.site_id.tolist())
        scores_at: dict[int, list[float]] = defaultdict(list)
        for site_id, score in zip(site_ids.tolist(), scores.tolist(), strict=True):
            scores_at[site_id].append(score)
        unmatched_at: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for site_id, item in zip(u_sites.tolist(), unmatched, strict=True):
            unmatched_at[site_id].append(item)
        parameters = criteria.snapshot()
        runs = [MatchingRun(
            site=s, created_by=actor.user, parameters=parameters,
            single_enrolment=single_enrolment, dry_run=False,
            summary=summarise(clients_at[s.id], scores_at[s.id], result.allowed_pairs,
                              unmatched_at[s.id])) for s in present]
        write_run_rows(
            runs=runs, enrolment_ids=cols.enrolment_id,
            proposals={"enrolment_ids": cols.enrolment_id[rows],
                       "supporter_ids": cols.supporter_id[sc.pairs.supporter[result.chosen]],
                       "site_ids": site_ids, "scores": scores,
                       "points": result.proposal_points()},
            unmatched={"site_ids": u_sites, "enrolment_ids": cols.enrolment_id[u_rows],
                       "codes": [c for _k, c, _r in unmatched],
                       "reasons": [r for _k, _c, r in unmatched]})
        timings["write"] = time.perf_counter() - t2
    summary = summarise(cols.pool.n_clients, scores.tolist(), result.allowed_pairs, unmatched)
    t4 = time.perf_counter()
    run = runs[0] if runs else None
    record(who=actor.who, category="match", action="dry_run" if dry_run else "propose",
           subjects=[uuid.UUID(x) for x in cols.client_public_id],
           detail=f"site:{','.join(s.code for s in sites)[:60]} "
                  f"run:{run.public_id if run else '-'} "
                  f"matched:{summary['matched']} unmatched:{summary['unmatched']}")
    timings["audit"] = time.perf_counter() - t4
    progress(_("Done"), 4, 4)
    return RunOutcome(run, result, summary, unmatched, timings, runs)
