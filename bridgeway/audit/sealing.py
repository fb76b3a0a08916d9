"""The sealing step: appends events to the keyed chain, in an order no later event can precede.

Events are inserted by many transactions at once, each taking its `seq` from a sequence at
insert time, so they do not commit in `seq` order. The chain therefore orders them by
(inserting transaction, seq) and seals an event only once every transaction that could still
add an event before it has ended (decision 0008):

- PostgreSQL: the horizon H is the oldest transaction still running in this database (from
  `pg_stat_activity` and `pg_prepared_xacts`, read after the snapshot's xmax), or the
  snapshot's xmax if none is older.
  Any transaction below H had finished before the events are read, so its events are all
  visible; any event that appears later comes from a transaction at or above H. The sealing
  transaction's own events (a test, or a command that wrote events first) count as finished
  when it is the oldest writer, since they are visible to it and roll back with its seals.
- SQLite runs one writer at a time (IMMEDIATE transactions), so every visible event is final.

Only one sealer runs at a time (an advisory lock on PostgreSQL, SQLite's write lock); the
after-commit sealer only tries the lock and never waits for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction

from .keys import GENESIS, seal_mac, signing_epoch
from .models import AuditEvent, AuditSeal

# Any constant works; it names the PostgreSQL advisory lock held while sealing.
_SEAL_LOCK_KEY = 0x42574153
_XID_SPAN = 1 << 32


@dataclass(frozen=True)
class ChainEnd:
    position: int
    epoch: int
    hmac: str
    # The sealed event's (transaction, seq): the chain's order key so far.
    event_xact: int
    event_seq: int


START = ChainEnd(position=0, epoch=0, hmac=GENESIS, event_xact=-1, event_seq=0)


def chain_end() -> ChainEnd:
    row = AuditSeal.objects.order_by("-position").values_list(
        "position", "epoch", "hmac", "event_xact", "event_seq").first()
    return ChainEnd(*row) if row else START


def _full_xid(xid32: int, reference: int) -> int:
    """A running transaction's 32-bit id widened to 64 bits next to `reference` (xmax)."""
    full = (reference & ~(_XID_SPAN - 1)) | xid32
    if full > reference + _XID_SPAN // 2:
        full -= _XID_SPAN
    elif full < reference - _XID_SPAN // 2:
        full += _XID_SPAN
    return full


def horizon() -> int | None:
    """Events from transactions below this id are final; None: every visible event is."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # pg_stat_activity is cached per transaction; the horizon needs it fresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        # One statement: its snapshot (xmax) is taken before pg_stat_activity is read, so a
        # transaction that got its id after the snapshot is at or above xmax, and one that got
        # it before and is still running is listed.
        cursor.execute(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint,"
            " pg_current_xact_id_if_assigned()::text::bigint,"
            " ARRAY(SELECT backend_xid::text::bigint FROM pg_stat_activity"
            "       WHERE datname = current_database() AND backend_xid IS NOT NULL"
            # A prepared (two-phase) transaction has no backend but can still commit events.
            "       UNION ALL SELECT transaction::text::bigint FROM pg_prepared_xacts"
            "       WHERE database = current_database())")
        xmax, own, running = cursor.fetchone()
    bound = xmax if own is None else max(xmax, own + 1)
    others = [full for full in (_full_xid(x, xmax) for x in running) if full != own]
    return min([*others, bound])


def _ready_events(end: ChainEnd, limit: int) -> list[AuditEvent]:
    limit_to = horizon()
    sql = "SELECT * FROM audit_auditevent WHERE (xact, seq) > (%s, %s)"
    params: list[int] = [end.event_xact, end.event_seq]
    if limit_to is not None:
        sql += " AND xact < %s"
        params.append(limit_to)
    sql += " ORDER BY xact, seq LIMIT %s"
    return list(AuditEvent.objects.raw(sql, [*params, limit]))


def _take_lock(wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # BEGIN IMMEDIATE already holds SQLite's only write lock
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
        return bool(cursor.fetchone()[0])


@contextmanager
def _sqlite_busy_timeout(wait: bool) -> Iterator[None]:
    """Without waiting, SQLite's BEGIN IMMEDIATE fails at once if another writer is busy."""
    if wait or connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {before:d}")


def _seal_batch(*, wait: bool, limit: int) -> int | None:
    with transaction.atomic():
        if not _take_lock(wait):
            return None
        end = chain_end()
        events = _ready_events(end, limit)
        epoch, prev, position = signing_epoch(), end.hmac, end.position
        seals = []
        for event in events:
            position += 1
            link = seal_mac(epoch=epoch, position=position, prev=prev, event=event)
            seals.append(AuditSeal(position=position, event_seq=event.seq,
                                   event_xact=event.xact, epoch=epoch, prev=prev, hmac=link))
            prev = link
        AuditSeal.objects.bulk_create(seals)
        return len(seals)


def seal(*, wait: bool = True, batch_size: int = 2000) -> int:
    """Seal every event that is ready; returns how many. With wait=False, returns 0 at once
    when another process is sealing (or, on SQLite, writing)."""
    total = 0
    while True:
        try:
            with _sqlite_busy_timeout(wait):
                sealed = _seal_batch(wait=wait, limit=batch_size)
        except OperationalError as exc:
            # SQLite's "database is locked": another writer holds it; the next try catches up.
            if not wait and connection.vendor == "sqlite" and "locked" in str(exc):
                return total
            raise
        if sealed is None:
            return total
        total += sealed
        if sealed < batch_size:
            return total
