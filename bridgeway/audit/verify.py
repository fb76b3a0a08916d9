"""`bridgeway audit verify`: every row against its MAC and its seal, the seals against each
other, the subject index against the rows, and the chain's end against the exported head.

Seals are walked by position and events by the chain's order (transaction, seq) side by side,
so a seal without its row (a deleted row), a row without its seal among sealed rows (an inserted
row), a row that does not match its seal (altered, swapped, renumbered) and a broken link are
each named. Rows newer than the sealing horizon are "pending": their MACs are still checked.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count

from .heads import Head
from .keys import GENESIS, event_mac_ok, keyring, seal_mac
from .models import AuditEvent, AuditSeal, AuditSubject
from .sealing import ChainEnd, chain_end, seal

BATCH = 2000


@dataclass(frozen=True)
class Problem:
    message: str
    seq: int | None = None


@dataclass
class VerifyResult:
    checked: int = 0
    pending: int = 0
    problems: list[Problem] = field(default_factory=list)
    head: Head | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken_seq(self) -> int | None:
        return next((p.seq for p in self.problems if p.seq is not None), None)

    @property
    def reason(self) -> str:
        return self.problems[0].message if self.problems else ""


def _seals(after: int, until: int) -> Iterator[AuditSeal]:
    while True:
        batch = list(AuditSeal.objects.filter(position__gt=after, position__lte=until)
                     .order_by("position")[:BATCH])
        yield from batch
        if len(batch) < BATCH:
            return
        after = batch[-1].position


def _events(after: tuple[int, int], until: tuple[int, int] | None) -> Iterator[AuditEvent]:
    """Events in chain order, (xact, seq) > after and <= until; batches carry their subjects."""
    while True:
        sql = "SELECT * FROM audit_auditevent WHERE (xact, seq) > (%s, %s)"
        params = list(after)
        if until is not None:
            sql += " AND (xact, seq) <= (%s, %s)"
            params += list(until)
        batch = list(AuditEvent.objects.raw(sql + " ORDER BY xact, seq LIMIT %s", [*params, BATCH]))
        indexed: dict[int, list[str]] = defaultdict(list)
        for event_id, client in AuditSubject.objects.filter(
                event_id__in=[e.seq for e in batch]).values_list("event_id", "client_public_id"):
            indexed[event_id].append(str(client))
        for event in batch:
            event.indexed_subjects = sorted(indexed.get(event.seq, []))  # type: ignore[attr-defined]
            yield event
        if len(batch) < BATCH:
            return
        after = (batch[-1].xact, batch[-1].seq)


def _row_problems(event: AuditEvent) -> list[Problem]:
    problems = []
    if not event_mac_ok(event):
        problems.append(Problem(f"row {event.seq} altered or forged: its content does not match "
                                "its MAC", event.seq))
    sealed = sorted(event.subjects.split(",")) if event.subjects else []
    indexed: list[str] = event.indexed_subjects  # type: ignore[attr-defined]
    if sealed != indexed:
        problems.append(Problem(
            f"row {event.seq}: its subject index was changed (it differs from the {len(sealed)} "
            f"clients sealed in the row; {len(indexed)} index rows)", event.seq))
    return problems


class _Walk:
    """Seals and events side by side, from a starting link."""

    def __init__(self, start: ChainEnd, result: VerifyResult) -> None:
        self.prev, self.position, self.epoch = start.hmac, start.position, start.epoch
        self.result = result
        self.keys = keyring()

    def _link(self, seal_row: AuditSeal) -> None:
        expected = self.position + 1
        if seal_row.position != expected:
            self.result.problems.append(Problem(
                f"seals {expected}–{seal_row.position - 1} are missing (the chain was cut)"))
        if seal_row.prev != self.prev:
            self.result.problems.append(Problem(
                f"seal {seal_row.position} does not follow the seal before it (the chain was "
                "cut or rewritten)", seal_row.event_seq))
        if seal_row.epoch not in self.keys:
            self.result.problems.append(Problem(
                f"seal {seal_row.position} names key epoch {seal_row.epoch}, which is not "
                "configured", seal_row.event_seq))
        elif seal_row.epoch < self.epoch:
            self.result.problems.append(Problem(
                f"seal {seal_row.position} is signed with an older key than the seal before it",
                seal_row.event_seq))
        self.prev, self.position, self.epoch = seal_row.hmac, seal_row.position, seal_row.epoch

    def run(self, seals: Iterator[AuditSeal], events: Iterator[AuditEvent]) -> None:
        s, e = next(seals, None), next(events, None)
        problems = self.result.problems
        while s is not None or e is not None:
            s_key = (s.event_xact, s.event_seq) if s is not None else None
            e_key = (e.xact, e.seq) if e is not None else None
            if s is not None and (e_key is None or (s_key is not None and s_key < e_key)):
                problems.append(Problem(f"row {s.event_seq} deleted: seal {s.position} names it "
                                        "and the row is gone", s.event_seq))
                self._link(s)
                s = next(seals, None)
            elif e is not None and (s_key is None or (e_key is not None and e_key < s_key)):
                problems.append(Problem(f"row {e.seq} inserted: it is not in the chain although "
                                        "rows after it are", e.seq))
                problems.extend(_row_problems(e))
                e = next(events, None)
            elif s is not None and e is not None:
                prev = self.prev
                self._link(s)
                problems.extend(_row_problems(e))
                link = (seal_mac(epoch=s.epoch, position=s.position, prev=prev, event=e)
                        if s.epoch in self.keys else "")
                if not hmac.compare_digest(link, s.hmac):
                    problems.append(Problem(
                        f"row {e.seq} does not match seal {s.position} (rows altered, swapped or "
                        "renumbered, or the seal was rewritten without the key)", e.seq))
                self.result.checked += 1
                s, e = next(seals, None), next(events, None)


def _check_head(head: Head, result: VerifyResult) -> None:
    end = chain_end()
    if head.position > end.position:
        result.problems.append(Problem(
            f"the exported head is at seal {head.position} but the chain ends at seal "
            f"{end.position}: the newest rows were removed or an older copy was restored"))
        return
    if head.position == 0:
        return
    kept = AuditSeal.objects.filter(position=head.position).values_list("epoch", "hmac").first()
    if kept is None or kept[0] != head.epoch or not hmac.compare_digest(kept[1], head.hmac):
        result.problems.append(Problem(
            f"seal {head.position} differs from the exported head: the chain was rewritten "
            "from there or before (or an older copy was restored)"))


def _table_problems(result: VerifyResult) -> None:
    for nonce in (AuditEvent.objects.values("nonce").annotate(n=Count("seq"))
                  .filter(n__gt=1).values_list("nonce", flat=True)[:20]):
        seqs = list(AuditEvent.objects.filter(nonce=nonce).values_list("seq", flat=True))
        result.problems.append(Problem(
            "rows " + ", ".join(map(str, seqs)) + " are copies of one event", seqs[-1]))
    orphans = (AuditSubject.objects.exclude(event_id__in=AuditEvent.objects.values("seq"))
               .values_list("event_id", flat=True).distinct().order_by("event_id")[:20])
    for event_id in orphans:
        result.problems.append(Problem(
            f"subject index rows name row {event_id}, which does not exist", event_id))


def verify_chain(*, head: Head | None = None, since_head: bool = False) -> VerifyResult:
    """Seal what is ready, then check. With `since_head`, only the chain after the given head
    (which must still be in place) is walked: the cheap check behind `bridgeway audit head`."""
    seal(wait=True)
    result = VerifyResult()
    end = chain_end()
    start = ChainEnd(position=0, epoch=0, hmac=GENESIS, event_xact=-1, event_seq=0)
    if head is not None:
        _check_head(head, result)
        if since_head and result.ok and head.position > 0:
            row = AuditSeal.objects.get(position=head.position)
            start = ChainEnd(row.position, row.epoch, row.hmac, row.event_xact, row.event_seq)
    if result.ok or not since_head:
        walk = _Walk(start, result)
        walk.run(_seals(start.position, end.position),
                 _events((start.event_xact, start.event_seq), (end.event_xact, end.event_seq)))
        for event in _events((end.event_xact, end.event_seq), None):
            result.pending += 1
            result.problems.extend(_row_problems(event))
        if not since_head:
            _table_problems(result)
    result.head = Head(end.position, end.epoch, end.hmac)
    return result
