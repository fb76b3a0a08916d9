"""Writes audit events into the hash chain, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent, AuditSubject

GENESIS = "0" * 64
# Any constant works; it names the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 0x42574159


@dataclass(frozen=True)
class Who:
    public_id: uuid.UUID | None
    username: str
    role: str = ""
    site_code: str = ""


SYSTEM = Who(public_id=None, username="system")


def _canonical(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": str(event.actor_public_id or ""),
        "username": event.actor_username,
        "role": event.role,
        "site": event.site_code,
        "client": str(event.client_public_id or ""),
        "category": event.category,
        "action": event.action,
        "outcome": event.outcome,
        "detail": event.detail,
        "subjects": event.subjects,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256((prev_hash + _canonical(event)).encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    # SQLite already serialises writers (IMMEDIATE transactions); PostgreSQL needs a lock so
    # two transactions never read the same chain head.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


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
    """Append one event. Call inside the transaction that reads or writes the data."""
    subject_ids = sorted(str(s) for s in subjects)
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
        event = AuditEvent(
            seq=seq,
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
            prev_hash=prev_hash,
        )
        event.hash = compute_hash(event, prev_hash)
        event.save()
        if subject_ids:
            AuditSubject.objects.bulk_create(
                AuditSubject(event=event, client_public_id=uuid.UUID(s)) for s in subject_ids
            )
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row whose hash or link does not hold."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq,
                                    f"row {expected_seq} is missing (next is {event.seq})")
            if event.prev_hash != prev_hash:
                return VerifyResult(False, checked, event.seq, "link to the previous row is broken")
            if compute_hash(event, prev_hash) != event.hash:
                return VerifyResult(False, checked, event.seq, "row content does not match its hash")
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
            last_seq = event.seq
    return VerifyResult(True, checked)
