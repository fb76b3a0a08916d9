"""Writes audit events inside the caller's transaction, without waiting for other writers.

One statement per event (on PostgreSQL the subject rows of a list page go in the same
statement; elsewhere one more INSERT), signed with the writer's HMAC; no lock and no read of
the chain. The chain itself is extended after commit by the sealing step (`sealing.py`,
decision 0008).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .keys import event_mac
from .models import AuditEvent, AuditSubject
from .sealing import seal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Who:
    public_id: uuid.UUID | None
    username: str
    role: str = ""
    site_code: str = ""


SYSTEM = Who(public_id=None, username="system")


def record(
    *,
    who: Who,
    category: str,
    action: str,
    client_public_id: uuid.UUID | None = None,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    detail: str = "",
    subjects: Iterable[uuid.UUID] = (),
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction that reads or writes the data: if it
    rolls back, the event goes with it; if the insert fails, so does the caller."""
    subject_ids = sorted(str(s) for s in subjects)
    event = AuditEvent(
        occurred_at=at or timezone.now(),
        actor_public_id=who.public_id,
        actor_username=who.username,
        role=who.role,
        site_code=who.site_code,
        client_public_id=client_public_id,
        category=category,
        action=action,
        outcome=outcome,
        detail=detail[:200],
        subjects=",".join(subject_ids),
    )
    # bench/audit.py only: its unaudited baseline. No setting file defines it and nothing
    # else reads it (tests/audit/test_writer.py keeps it so).
    if getattr(settings, "BRIDGEWAY_BENCH_DISABLE_AUDIT_WRITES", False):
        return event
    event.mac_epoch, event.mac = event_mac(event)
    # savepoint=False: no SAVEPOINT/RELEASE round trips; an event and its subject rows stand
    # or fall with the caller's transaction.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            _insert_event_and_subjects(event, subject_ids)
        else:
            event.save()
            if subject_ids:
                _insert_subjects(event.pk, subject_ids)
    transaction.on_commit(seal_soon, robust=True)
    return event


def _insert_event_and_subjects(event: AuditEvent, subject_ids: list[str]) -> None:
    """PostgreSQL: the event and its subject rows in one statement (one round trip; the
    subjects travel as one uuid[] parameter), returning the event's seq and transaction."""
    fields = [f for f in AuditEvent._meta.concrete_fields if f.column not in ("seq", "xact")]
    quote = connection.ops.quote_name
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    event_t = quote(AuditEvent._meta.db_table)
    sql = (f"INSERT INTO {event_t} ({columns}) "  # noqa: S608  # nosec B608 — names from model metadata; every value is a parameter
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING seq, xact")
    params: list[Any] = values
    if subject_ids:
        subject_t = quote(AuditSubject._meta.db_table)
        sql = (f"WITH e AS ({sql}), s AS (INSERT INTO {subject_t} (event_id, client_public_id) "  # noqa: S608  # nosec B608 — names from model metadata; every value is a parameter
               f"SELECT e.seq, u FROM e, unnest(%s::uuid[]) AS u) SELECT seq, xact FROM e")
        params = [*values, [uuid.UUID(s) for s in subject_ids]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.seq, event.xact = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


# Rows per INSERT of subject rows: two parameters each, under SQLite's 999-parameter limit.
_SUBJECT_BATCH = 400


def _insert_subjects(event_id: int, subject_ids: list[str]) -> None:
    """The index rows of a list page's event (a site view lists a few hundred clients).

    A multi-row INSERT with plain parameters rather than bulk_create: building a model
    instance per row was most of the Python time of the largest list pages (bench/pages.md).
    """
    field = AuditSubject._meta.get_field("client_public_id")
    table = connection.ops.quote_name(AuditSubject._meta.db_table)
    values = [field.get_db_prep_value(uuid.UUID(s), connection) for s in subject_ids]
    with connection.cursor() as cursor:
        for start in range(0, len(values), _SUBJECT_BATCH):
            chunk = values[start:start + _SUBJECT_BATCH]
            params: list[Any] = []
            for value in chunk:
                params += [event_id, value]
            cursor.execute(
                f"INSERT INTO {table} (event_id, client_public_id) VALUES "  # noqa: S608 — table name from model metadata; every value is a parameter  # nosec B608 — table name from model metadata; every value is a parameter
                + ", ".join(["(%s, %s)"] * len(chunk)), params)


# Monotonic time before which this process does not try to seal again.
_next_seal_attempt = 0.0


def seal_soon() -> None:
    """After a commit: seal what is ready, unless this process tried recently or another
    process is sealing right now (never waits; the next commit or `bridgeway audit seal`
    catches up)."""
    global _next_seal_attempt  # one throttle per process
    now = time.monotonic()
    if now < _next_seal_attempt:
        return
    _next_seal_attempt = now + settings.BRIDGEWAY_AUDIT_SEAL_INTERVAL_MS / 1000
    try:
        seal(wait=False)
    except DatabaseError:
        # Sealing is retried by the next commit, the scheduled seal and every verify; the
        # request that triggered it has already committed and must not fail.
        logger.warning("audit: sealing after commit failed; it will be retried", exc_info=True)
