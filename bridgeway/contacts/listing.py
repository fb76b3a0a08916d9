"""Hand-written SQL for the two list pages (the supporter's caseload, the coordinator's site view).

Why not the ORM: these pages are opened many times a day and list every client of a site.
The equivalent ORM querysets (several correlated subqueries each) cost 10-20 ms of Python to
compile per request, against about 1 ms to run; the SQL below is the same query written
once. It is plain SQL that runs on SQLite and PostgreSQL alike, uses the (client,
occurred_at) and (supporter, occurred_at) indexes for every per-row figure, and is always
restricted to the client ids of the access layer's scope (`clients_for_user`), passed in as
a compiled subquery — so the access rule stays in one place.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bridgeway.clients.models import Client, ConsentRecord, HospitalStay, Match
from bridgeway.core.models import ProgramSite, User
from bridgeway.supporters.models import SupporterProfile

from .models import Appointment, Contact, GoalStep, Outcome, RecoveryGoal

T = {
    "match": Match._meta.db_table, "client": Client._meta.db_table,
    "consent": ConsentRecord._meta.db_table, "stay": HospitalStay._meta.db_table,
    "supporter": SupporterProfile._meta.db_table, "user": User._meta.db_table,
    "site": ProgramSite._meta.db_table, "contact": Contact._meta.db_table,
    "appointment": Appointment._meta.db_table, "goal": RecoveryGoal._meta.db_table,
    "step": GoalStep._meta.db_table,
    "supporter_sites": SupporterProfile.sites.through._meta.db_table,
}

# Per-client figures as correlated subqueries on m.client_id (each one index lookup).
_LAST_CONTACT = f"(SELECT MAX(x.occurred_at) FROM {T['contact']} x WHERE x.client_id = m.client_id)"  # noqa: S608  # nosec B608 — table name from model metadata
_CONTACT_TABLE = T["contact"]
_MINUTES_SINCE = f"COALESCE((SELECT SUM(x.duration_minutes) FROM {_CONTACT_TABLE} x WHERE x.client_id = m.client_id AND x.occurred_at >= %s AND x.outcome = %s), 0)"  # noqa: S608  # nosec B608 — table name from model metadata; values are parameters


def _dt(value: Any) -> datetime | None:
    """Aware datetime from a raw cursor (SQLite gives UTC text, PostgreSQL a datetime)."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return None
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_date(str(value))


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _scope_sql(scope: QuerySet[Client]) -> tuple[str, tuple[Any, ...]] | None:
    """The scope as a subquery, or None when it can match nothing."""
    try:
        sql, params = scope.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def caseload_rows(user: User, scope: QuerySet[Client], *, since: datetime,
                  now: datetime) -> list[dict[str, Any]]:
    """One row per active match of `user` (as supporter) within `scope`."""
    compiled = _scope_sql(scope)
    if compiled is None:
        return []
    scope_sql, scope_params = compiled
    adapt = connection.ops.adapt_datetimefield_value
    next_appt = (f"FROM {T['appointment']} a WHERE a.client_id = m.client_id"
                 f" AND a.supporter_id = m.supporter_id AND a.starts_at >= %s AND a.outcome = %s"
                 f" ORDER BY a.starts_at LIMIT 1")
    sql = f"""
        SELECT m.client_id, c.public_id, c.given_name, c.family_name, m.supporter_id,
               s.public_id, site.weekly_commitment_minutes, {_LAST_CONTACT}, {_MINUTES_SINCE},
               (SELECT cr.participation FROM {T['consent']} cr WHERE cr.enrolment_id = m.enrolment_id
                ORDER BY cr.version DESC LIMIT 1),
               (SELECT cr.share_stay_status FROM {T['consent']} cr
                WHERE cr.enrolment_id = m.enrolment_id ORDER BY cr.version DESC LIMIT 1),
               (SELECT st.admitted_on FROM {T['stay']} st WHERE st.client_id = m.client_id
                AND st.discharged_on IS NULL ORDER BY st.admitted_on DESC LIMIT 1),
               (SELECT a.public_id {next_appt}), (SELECT a.starts_at {next_appt}),
               (SELECT a.place {next_appt})
        FROM {T['match']} m
        JOIN {T['client']} c ON c.id = m.client_id
        JOIN {T['supporter']} s ON s.id = m.supporter_id
        JOIN {T['site']} site ON site.id = m.site_id
        WHERE s.user_id = %s AND m.status = %s AND m.client_id IN ({scope_sql})
        ORDER BY c.given_name, c.family_name, m.id
    """  # noqa: S608  # nosec B608 — table names from model metadata; every value is a parameter
    planned = Appointment.Outcome.PLANNED.value
    params: list[Any] = [adapt(since), Outcome.MET.value,
                         adapt(now), planned, adapt(now), planned, adapt(now), planned,
                         user.pk, Match.Status.ACTIVE.value, *scope_params]
    out = []
    for r in _fetch(sql, params):
        out.append({
            "client_id": r[0], "public_id": _uuid(r[1]), "given_name": r[2], "family_name": r[3],
            "supporter_id": r[4], "supporter_public_id": _uuid(r[5]), "target": r[6],
            "last_contact": _dt(r[7]), "minutes_week": int(r[8] or 0),
            "shares_stay": bool(r[9]) and bool(r[10]), "open_stay_since": _date(r[11]),
            "appt_public_id": _uuid(r[12]) if r[12] is not None else None,
            "appt_starts_at": _dt(r[13]), "appt_place": r[14] or "",
        })
    return out


def active_goals(client_ids: list[int]) -> list[dict[str, Any]]:
    """Active goals of these clients with their step counts (one grouped query)."""
    if not client_ids:
        return []
    marks = ", ".join(["%s"] * len(client_ids))
    sql = f"""
        SELECT g.client_id, g.public_id, g.title, COUNT(st.id),
               SUM(CASE WHEN st.done_on IS NULL OR st.id IS NULL THEN 0 ELSE 1 END)
        FROM {T['goal']} g LEFT JOIN {T['step']} st ON st.goal_id = g.id
        WHERE g.status = %s AND g.client_id IN ({marks})
        GROUP BY g.id, g.client_id, g.public_id, g.title, g.target_date
        ORDER BY g.target_date, g.title
    """  # noqa: S608  # nosec B608 — table names from model metadata; every value is a parameter
    rows = _fetch(sql, [RecoveryGoal.Status.ACTIVE.value, *client_ids])
    return [{"client_id": r[0], "public_id": _uuid(r[1]), "title": r[2],
             "steps_total": int(r[3] or 0), "steps_done": int(r[4] or 0)} for r in rows]


def site_match_rows(site: ProgramSite, scope: QuerySet[Client], *,
                    since: datetime) -> list[dict[str, Any]]:
    """One row per active match at `site` within `scope`, with the supporter's name."""
    compiled = _scope_sql(scope)
    if compiled is None:
        return []
    scope_sql, scope_params = compiled
    sql = f"""
        SELECT m.client_id, c.public_id, c.given_name, c.family_name, m.supporter_id,
               s.public_id, u.first_name, u.last_name, u.username, {_LAST_CONTACT},
               {_MINUTES_SINCE}
        FROM {T['match']} m
        JOIN {T['client']} c ON c.id = m.client_id
        JOIN {T['supporter']} s ON s.id = m.supporter_id
        JOIN {T['user']} u ON u.id = s.user_id
        WHERE m.site_id = %s AND m.status = %s AND m.client_id IN ({scope_sql})
        ORDER BY c.given_name, c.family_name, m.id
    """  # noqa: S608  # nosec B608 — table names from model metadata; every value is a parameter
    params: list[Any] = [connection.ops.adapt_datetimefield_value(since), Outcome.MET.value,
                         site.pk, Match.Status.ACTIVE.value, *scope_params]
    return [{"client_id": r[0], "public_id": _uuid(r[1]), "given_name": r[2],
             "family_name": r[3], "supporter_id": r[4], "supporter_public_id": _uuid(r[5]),
             "first_name": r[6], "last_name": r[7], "username": r[8],
             "last_contact": _dt(r[9]), "minutes_week": int(r[10] or 0)}
            for r in _fetch(sql, params)]


def site_supporter_rows(site: ProgramSite) -> list[dict[str, Any]]:
    """Supporters serving `site` with their last contact there (no client data)."""
    sql = f"""
        SELECT s.id, s.public_id, u.first_name, u.last_name, u.username,
               (SELECT MAX(x.occurred_at) FROM {T['contact']} x
                WHERE x.supporter_id = s.id AND x.site_id = %s)
        FROM {T['supporter']} s
        JOIN {T['supporter_sites']} ss ON ss.supporterprofile_id = s.id
        JOIN {T['user']} u ON u.id = s.user_id
        WHERE ss.programsite_id = %s
        ORDER BY u.first_name, u.last_name, s.id
    """  # noqa: S608  # nosec B608 — table names from model metadata; every value is a parameter
    return [{"id": r[0], "public_id": _uuid(r[1]), "first_name": r[2], "last_name": r[3],
             "username": r[4], "last_contact": _dt(r[5])}
            for r in _fetch(sql, [site.pk, site.pk])]
