"""Running the scan: stage every rule's hits, then bring the open alerts in line with them in a
few set-based statements (open, update severity, resolve by themselves, log)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from bridgeway.core.models import ProgramSite

from .. import rules as r
from ..models import Alert, AlertLog, ScanHit
from .context import ScanContext
from .queries import rule_queries

HIT_COLUMNS = ["rule", "subject_id", "site_id", "client_id", "supporter_id", "severity",
               "episode", "owner_id"]
_LOCK_KEY = 0x5AFE7


@dataclass
class ScanResult:
    hits: int = 0
    created: int = 0
    resolved: int = 0
    updated: int = 0
    reopened: int = 0
    new_alert_ids: list[int] = field(default_factory=list)
    # Seconds per step (rule queries by name, then the diff), for benchmarks and logs.
    timings: dict[str, float] = field(default_factory=dict)


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in_list(values: Iterable[str]) -> str:
    # Rule codes are our own constants (StrEnum members), never user input.
    return ", ".join(f"'{v}'" for v in values)


def _uuid_sql() -> str:
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"  # Django stores UUIDs as 32 hex characters on SQLite


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


LEVEL = ("CASE {col} WHEN 'urgent' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END")


@transaction.atomic
def evaluate(c: ScanContext) -> ScanResult:
    """Recompute every scanned rule and bring the open alerts in line. Idempotent."""
    _lock()
    result = ScanResult()
    hit, alert, log = _table(ScanHit), _table(Alert), _table(AlertLog)
    scanned = _in_list(r.SCANNED_RULES)
    # Adapt values as the ORM would, so that rows written here compare equal to ORM lookups
    # (SQLite stores timestamps as naive UTC text).
    ops = connection.ops
    now = ops.adapt_datetimefield_value(c.now)
    today = ops.adapt_datefield_value(c.today)
    due = {s: ops.adapt_datefield_value(r.due_on(c.today, s)) for s in r.Severity}
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {hit}")  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
        cols = ", ".join(HIT_COLUMNS)
        for rule_sql in rule_queries(c):
            started = time.perf_counter()
            name = rule_sql.name
            sql, params = rule_sql.statement(hit, cols)
            cur.execute(sql, params)
            result.timings[name] = result.timings.get(name, 0.0) + time.perf_counter() - started
        started = time.perf_counter()
        # (rowcount is not reliable for INSERT with a CTE on SQLite: count the staged rows.)
        cur.execute(f"SELECT COUNT(*) FROM {hit}")  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
        result.hits = int(cur.fetchone()[0])
        if connection.vendor == "postgresql":
            # The staging table's statistics are those of the last scan (or none): refresh
            # them so the diff below is planned for the rows actually staged.
            cur.execute(f"ANALYZE {hit}")
        # Snoozes that have run out: the alert is open again.
        cur.execute(f"UPDATE {alert} SET status = 'open', snoozed_until = NULL, updated_at = %s "  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
                    f"WHERE status = 'snoozed' AND snoozed_until < %s", [now, today])
        result.reopened = max(cur.rowcount, 0)
        # Severity changes of alerts that stay open (e.g. a lapse turning urgent): one
        # UPDATE ... FROM over the hits grouped per subject (PostgreSQL; SQLite >= 3.33).
        level = LEVEL.format(col="h.severity")
        cur.execute(
            f"UPDATE {alert} SET severity = x.sev, updated_at = %s, due_on = CASE x.sev "  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
            f"WHEN 'urgent' THEN %s WHEN 'warning' THEN %s ELSE %s END "
            f"FROM (SELECT h.rule AS rule, h.subject_id AS subject_id, CASE MAX({level}) "
            f"WHEN 3 THEN 'urgent' WHEN 2 THEN 'warning' ELSE 'info' END AS sev "
            f"FROM {hit} h GROUP BY h.rule, h.subject_id) x "
            f"WHERE {alert}.rule = x.rule AND {alert}.subject_id = x.subject_id "
            f"AND {alert}.status <> 'resolved' AND {alert}.severity <> x.sev",
            [now, due[r.Severity.URGENT], due[r.Severity.WARNING], due[r.Severity.INFO]])
        result.updated = max(cur.rowcount, 0)
        # Conditions that cleared: resolve by themselves.
        cur.execute(
            f"UPDATE {alert} SET status = 'resolved', resolution = 'auto', resolved_at = %s, "  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
            f"updated_at = %s WHERE status <> 'resolved' AND rule IN ({scanned}) AND NOT EXISTS "
            f"(SELECT 1 FROM {hit} h WHERE h.rule = {alert}.rule "
            f"AND h.subject_id = {alert}.subject_id)", [now, now])
        result.resolved = max(cur.rowcount, 0)
        if result.resolved:
            cur.execute(
                f"INSERT INTO {log} (alert_id, at, actor_id, action, note) SELECT id, %s, NULL, "  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
                f"'auto_resolved', '' FROM {alert} WHERE resolution = 'auto' AND resolved_at = %s",
                [now, now])
        # New hits: one alert per rule and subject, unless a person resolved this episode.
        cur.execute(
            f"INSERT INTO {alert} (public_id, created_at, updated_at, rule, severity, status, "  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
            f"site_id, subject_id, client_id, supporter_id, incident_id, episode, owner_role, "
            f"owner_id, due_on, snoozed_until, escalated_at, facts, last_seen_at, resolved_at, "
            f"resolved_by_id, resolution, resolution_note) "
            f"SELECT {_uuid_sql()}, %s, %s, h.rule, "
            f"CASE MAX({level}) WHEN 3 THEN 'urgent' WHEN 2 THEN 'warning' ELSE 'info' END, "
            f"'open', MIN(h.site_id), h.subject_id, MIN(h.client_id), MIN(h.supporter_id), NULL, "
            f"MIN(h.episode), CASE WHEN MIN(h.owner_id) IS NULL THEN 'coordinator' "
            f"ELSE 'peer_supporter' END, MIN(h.owner_id), "
            f"CASE MAX({level}) WHEN 3 THEN %s WHEN 2 THEN %s ELSE %s END, NULL, NULL, '{{}}', "
            f"%s, NULL, NULL, '', '' FROM {hit} h "
            f"WHERE NOT EXISTS (SELECT 1 FROM {alert} a WHERE a.rule = h.rule "
            f"AND a.subject_id = h.subject_id AND a.status <> 'resolved') "
            f"AND NOT EXISTS (SELECT 1 FROM {alert} a WHERE a.rule = h.rule "
            f"AND a.subject_id = h.subject_id AND a.episode = h.episode "
            f"AND a.resolution = 'manual') "
            f"GROUP BY h.rule, h.subject_id",
            [now, now, due[r.Severity.URGENT], due[r.Severity.WARNING], due[r.Severity.INFO], now])
        result.created = max(cur.rowcount, 0)
        if result.created:
            cur.execute(f"SELECT id FROM {alert} WHERE created_at = %s AND rule IN ({scanned})",  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
                        [now])
            result.new_alert_ids = [row[0] for row in cur.fetchall()]
            cur.execute(
                f"INSERT INTO {log} (alert_id, at, actor_id, action, note) SELECT id, %s, NULL, "  # noqa: S608  # nosec B608 — table names from the models; every value is a parameter
                f"'raised', '' FROM {alert} WHERE created_at = %s AND rule IN ({scanned})",
                [now, now])
    result.timings["diff"] = time.perf_counter() - started
    return result


def site_ids_of(alert_ids: list[int]) -> list[int]:
    return list(ProgramSite.objects.filter(safety_alerts__id__in=alert_ids)
                .values_list("id", flat=True).distinct())


