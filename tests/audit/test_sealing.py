"""The sealing step: in order, never before an earlier event can still appear, never waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from bridgeway.audit import writer
from bridgeway.audit.models import AuditEvent, AuditSeal
from bridgeway.audit.sealing import chain_end, seal
from bridgeway.audit.verify import verify_chain
from bridgeway.audit.writer import SYSTEM, record


def _event(detail: str) -> AuditEvent:
    return record(who=SYSTEM, category="identity", action="view", detail=detail)


def _sealed() -> list[int]:
    return list(AuditSeal.objects.order_by("position").values_list("event_seq", flat=True))


def test_sealing_is_in_order_and_idempotent(db) -> None:
    events = [_event(f"e{i}") for i in range(5)]
    assert seal() == 5
    assert seal() == 0
    assert _sealed() == [e.seq for e in events]
    assert chain_end().position == 5


def test_a_rolled_back_event_is_gone_and_never_sealed(db) -> None:
    kept = _event("kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        _event("rolled back")
        raise RuntimeError("the caller's write failed")
    assert list(AuditEvent.objects.values_list("detail", flat=True)) == ["kept"]
    seal()
    assert _sealed() == [kept.seq]
    assert verify_chain().ok


def test_key_rotation_keeps_old_seals_verifiable(db, settings) -> None:
    first = settings.BRIDGEWAY_AUDIT_KEYS[1]
    _event("before")
    seal()
    settings.BRIDGEWAY_AUDIT_KEYS = {1: first, 2: "a-second-key-for-the-rotation-test-0123"}
    after = _event("after")
    seal()
    assert list(AuditSeal.objects.order_by("position").values_list("epoch", flat=True)) == [1, 2]
    assert AuditEvent.objects.get(seq=after.seq).mac_epoch == 2
    assert verify_chain().ok
    # Dropping the old key too early leaves its seals unverifiable, and verify says so.
    settings.BRIDGEWAY_AUDIT_KEYS = {2: "a-second-key-for-the-rotation-test-0123"}
    assert "key epoch 1, which is not configured" in " ".join(
        p.message for p in verify_chain().problems)


@pytest.fixture
def seal_every_commit(settings) -> Iterator[None]:
    settings.BRIDGEWAY_AUDIT_SEAL_INTERVAL_MS = 0
    writer._next_seal_attempt = 0.0
    yield
    writer._next_seal_attempt = 0.0


def test_events_are_sealed_after_their_commit(db, seal_every_commit,
                                             django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = _event("committed")
    assert _sealed() == [event.seq]


def test_the_after_commit_sealer_is_throttled_per_process(db, settings,
                                                         django_capture_on_commit_callbacks) -> None:
    settings.BRIDGEWAY_AUDIT_SEAL_INTERVAL_MS = 60_000
    writer._next_seal_attempt = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        first = _event("first")
    with django_capture_on_commit_callbacks(execute=True):
        _event("second")
    assert _sealed() == [first.seq]  # the second waits for the next seal
    writer._next_seal_attempt = 0.0


def test_seal_command(db, capsys) -> None:
    _event("one")
    call_command("audit", "seal")
    assert "Sealed 1 audit event(s)." in capsys.readouterr().out


# ---- PostgreSQL: many writers at once ------------------------------------------------------

def _in_thread(work: Callable[[threading.Event], None]) -> tuple[threading.Thread, threading.Event]:
    """Runs `work(release)` on its own connection; returns the thread and its release event."""
    release = threading.Event()

    def run() -> None:
        try:
            work(release)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, release


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_open_writer_holds_back_later_events_until_it_ends() -> None:
    assert connection.vendor == "postgresql"
    inside = threading.Event()
    held: list[AuditEvent] = []

    def open_writer(release: threading.Event) -> None:
        with transaction.atomic():
            held.append(_event("open"))
            inside.set()
            release.wait(timeout=20)

    thread, release = _in_thread(open_writer)
    assert inside.wait(timeout=10)
    later = _event("later")  # commits while the older transaction is still open
    seal()
    assert _sealed() == []  # "later" could still be preceded by the open transaction's event
    release.set()
    thread.join(timeout=20)
    seal()
    assert _sealed() == [held[0].seq, later.seq]
    assert verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_chain_order_follows_transactions_not_seq() -> None:
    """The older transaction inserts its event last (higher seq): sealed first, verify holds."""
    assert connection.vendor == "postgresql"
    has_id = threading.Event()
    older: list[AuditEvent] = []

    def older_writer(release: threading.Event) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_current_xact_id()")  # takes its transaction id now
            has_id.set()
            release.wait(timeout=20)
            older.append(_event("older transaction, inserted later"))

    thread, release = _in_thread(older_writer)
    assert has_id.wait(timeout=10)
    newer = _event("newer transaction, inserted first")
    release.set()
    thread.join(timeout=20)
    assert older[0].seq > newer.seq
    seal()
    assert _sealed() == [older[0].seq, newer.seq]
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checked == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sealing_after_commit_never_waits_for_a_busy_sealer(seal_every_commit) -> None:
    assert connection.vendor == "postgresql"
    locked = threading.Event()

    def busy_sealer(release: threading.Event) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x42574153])
            locked.set()
            release.wait(timeout=20)

    thread, release = _in_thread(busy_sealer)
    assert locked.wait(timeout=10)
    started = time.perf_counter()
    event = _event("committed while another process seals")  # autocommit: seals after commit
    elapsed = time.perf_counter() - started
    release.set()
    thread.join(timeout=20)
    assert elapsed < 1.0
    assert _sealed() == []
    seal()
    assert _sealed() == [event.seq]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sealing_while_many_writers_commit_out_of_order_keeps_the_chain_whole() -> None:
    """Writers that take their transaction id early or late, sleep, commit or roll back, while
    a sealer runs all the time: every committed event is sealed once, and verify finds no gap,
    insertion or reordering."""
    import random

    assert connection.vendor == "postgresql"
    stop = threading.Event()
    committed: list[int] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(25):
                try:
                    with transaction.atomic():
                        if rng.random() < 0.5:
                            with connection.cursor() as cursor:
                                cursor.execute("SELECT pg_current_xact_id()")
                        time.sleep(rng.random() * 0.01)
                        event = _event(f"w{seed}")
                        time.sleep(rng.random() * 0.01)
                        if rng.random() < 0.1:
                            raise LookupError("roll back")
                    with lock:
                        committed.append(event.seq)
                except LookupError:
                    pass
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    def sealer() -> None:
        try:
            while not stop.is_set():
                seal(wait=False)
                time.sleep(0.003)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    background = threading.Thread(target=sealer)
    background.start()
    writers = [threading.Thread(target=writer, args=(seed,)) for seed in range(8)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    background.join(timeout=30)
    assert not failures, failures
    seal()
    assert sorted(_sealed()) == sorted(committed)
    assert len(committed) > 100
    result = verify_chain()
    assert result.ok, result.problems[:5]
    assert result.checked == len(committed)
