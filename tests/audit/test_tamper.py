"""Forgeries by someone with full database rights but not the audit key, each found by
`bridgeway audit verify` given the last exported head (issue 14). Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bridgeway.audit.keys import content
from bridgeway.audit.models import AuditEvent, AuditSeal, AuditSubject
from bridgeway.audit.writer import Who, record

from . import forge

ALICE = Who(public_id=uuid.uuid4(), username="alice", role="coordinator", site_code="riverside")
CONTENT_FIELDS = ["nonce", "occurred_at", "actor_public_id", "actor_username", "role",
                  "site_code", "client_public_id", "category", "action", "outcome", "detail",
                  "subjects", "mac_epoch", "mac"]


@dataclass
class Chain:
    events: list[AuditEvent]
    head: str

    def middle(self) -> AuditEvent:
        return self.events[len(self.events) // 2]

    def listed(self) -> AuditEvent:
        """A list-page event, with subject rows."""
        return next(e for e in self.events[40:] if e.subjects)


def _record(i: int) -> AuditEvent:
    return record(who=ALICE, category="identity", action="view",
                  client_public_id=uuid.uuid4() if i % 3 else None, detail=f"page:{i}",
                  subjects=[uuid.uuid4() for _ in range(3)] if i % 10 == 0 else ())


@pytest.fixture
def chain(db, head_file) -> Chain:  # type: ignore[no-untyped-def]
    events = [_record(i) for i in range(120)]
    call_command("audit", "verify")  # seals everything and exports the head
    return Chain(events, head_file.read_text().split()[-1])


def found(pattern: str) -> str:
    with pytest.raises(CommandError, match=pattern) as caught:
        call_command("audit", "verify")
    return str(caught.value)


def test_untouched_chain_verifies_and_matches_its_head(chain: Chain, head_file) -> None:
    call_command("audit", "verify")
    assert head_file.read_text().splitlines()[-1].split()[-1].startswith("120:1:")


def test_altered_row(chain: Chain) -> None:
    target = chain.middle()
    with forge.triggers_lifted():
        AuditEvent.objects.filter(seq=target.seq).update(outcome="denied")
    found(f"row {target.seq} altered")


def test_deleted_middle_row(chain: Chain) -> None:
    target = chain.middle()
    forge.sql("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq])
    found(f"row {target.seq} deleted")


def test_deleted_tail_of_fifty_rows_with_their_seals(chain: Chain) -> None:
    cut = chain.events[-50].seq
    with forge.triggers_lifted():
        AuditSubject.objects.filter(event_id__gte=cut).delete()
        AuditSeal.objects.filter(event_seq__gte=cut).delete()
        AuditEvent.objects.filter(seq__gte=cut).delete()
    message = found("the exported head is at seal 120 but the chain ends at seal 70")
    assert "removed" in message


def test_appended_row_with_unkeyed_hash_and_seal(chain: Chain) -> None:
    forged = AuditEvent(occurred_at=chain.events[-1].occurred_at, actor_username="alice",
                        category="identity", action="view", outcome="allowed", detail="forged",
                        mac_epoch=1)
    forged.mac = forge.unkeyed("event|" + content(forged))
    AuditEvent.objects.bulk_create([forged])
    forged = AuditEvent.objects.get(detail="forged")
    end = AuditSeal.objects.order_by("-position").first()
    assert end is not None
    AuditSeal.objects.bulk_create([AuditSeal(
        position=end.position + 1, event_seq=forged.seq, event_xact=forged.xact, epoch=1,
        prev=end.hmac, hmac=forge.unkeyed(f"{end.hmac}|{forged.seq}|{content(forged)}"))])
    message = found(f"row {forged.seq} altered or forged")
    assert f"row {forged.seq} does not match seal {end.position + 1}" in message


def test_appended_row_with_a_guessed_key_and_no_seal(chain: Chain) -> None:
    """Not sealing it does not help: verify seals it, and its MAC gives it away."""
    forged = AuditEvent(occurred_at=chain.events[-1].occurred_at, actor_username="alice",
                        category="identity", action="view", outcome="allowed", detail="forged",
                        mac_epoch=1)
    forged.mac = forge.wrong_key("event|" + content(forged))
    AuditEvent.objects.bulk_create([forged])
    seq = AuditEvent.objects.get(detail="forged").seq
    found(f"row {seq} altered or forged")


def test_altered_row_with_every_later_seal_recomputed_without_the_key(chain: Chain) -> None:
    target = chain.middle()
    with forge.triggers_lifted():
        AuditEvent.objects.filter(seq=target.seq).update(detail="forged")
        rows = list(AuditEvent.objects.filter(seq__gte=target.seq).order_by("seq"))
        for row in rows:
            if row.seq == target.seq:
                row.mac = forge.unkeyed("event|" + content(row))
                AuditEvent.objects.filter(seq=row.seq).update(mac=row.mac)
        seals = list(AuditSeal.objects.filter(event_seq__gte=target.seq).order_by("position"))
        prev = seals[0].prev
        for seal_row, row in zip(seals, rows, strict=True):
            link = forge.unkeyed(f"{prev}|{seal_row.position}|{row.seq}|{row.mac}|{content(row)}")
            AuditSeal.objects.filter(position=seal_row.position).update(prev=prev, hmac=link)
            prev = link
    message = found(f"row {target.seq} altered or forged")
    assert f"row {target.seq} does not match seal" in message
    assert "differs from the exported head" in message


def test_reordered_seals(chain: Chain) -> None:
    a, b = AuditSeal.objects.filter(position__in=[30, 31]).order_by("position")
    with forge.triggers_lifted():
        AuditSeal.objects.filter(position=30).update(event_seq=-1)
        AuditSeal.objects.filter(position=31).update(event_seq=a.event_seq)
        AuditSeal.objects.filter(position=30).update(event_seq=b.event_seq)
    found(f"row {b.event_seq} (inserted|does not match seal 30)")


def test_renumbered_rows(chain: Chain) -> None:
    """Two rows trade places in the order by trading their seq."""
    a, b = chain.events[30], chain.events[31]
    with forge.triggers_lifted():
        AuditEvent.objects.filter(seq=a.seq).update(seq=-1)
        AuditEvent.objects.filter(seq=b.seq).update(seq=a.seq)
        AuditEvent.objects.filter(seq=-1).update(seq=b.seq)
    found(f"row {a.seq} does not match seal")


def test_swapped_rows(chain: Chain) -> None:
    """Every column but seq exchanged between two rows: each row's own MAC still holds."""
    a, b = chain.events[20], chain.events[21]
    with forge.triggers_lifted():
        AuditEvent.objects.filter(seq=a.seq).update(**{f: getattr(b, f) for f in CONTENT_FIELDS})
        AuditEvent.objects.filter(seq=b.seq).update(**{f: getattr(a, f) for f in CONTENT_FIELDS})
    message = found(f"row {a.seq} does not match seal")
    assert f"row {b.seq} does not match seal" in message
    assert "altered or forged" not in message


def test_changed_timestamp(chain: Chain) -> None:
    target = chain.middle()
    with forge.triggers_lifted():
        AuditEvent.objects.filter(seq=target.seq).update(
            occurred_at=target.occurred_at - timedelta(hours=3))
    found(f"row {target.seq} altered")


def test_changed_subject_row(chain: Chain) -> None:
    target = chain.listed()
    with forge.triggers_lifted():
        row = AuditSubject.objects.filter(event_id=target.seq).first()
        assert row is not None
        AuditSubject.objects.filter(pk=row.pk).update(client_public_id=uuid.uuid4())
    found(f"row {target.seq}: its subject index was changed")


def test_deleted_subject_rows(chain: Chain) -> None:
    """What shortened a client's "who accessed" report by 52 rows on the old design."""
    target = chain.listed()
    forge.sql("DELETE FROM audit_auditsubject WHERE event_id = %s", [target.seq])
    found(rf"row {target.seq}: its subject index was changed \(it differs from the 3 clients "
          r"sealed in the row; 0 index rows\)")


def test_subject_rows_for_a_row_that_does_not_exist(chain: Chain) -> None:
    AuditSubject.objects.bulk_create([AuditSubject(event_id=10**9, client_public_id=uuid.uuid4())])
    found(f"subject index rows name row {10**9}, which does not exist")


def test_duplicated_row(chain: Chain) -> None:
    source = chain.middle()
    copy = AuditEvent(**{f: getattr(source, f) for f in CONTENT_FIELDS})
    AuditEvent.objects.bulk_create([copy])
    copy_seq = AuditEvent.objects.filter(nonce=source.nonce).exclude(seq=source.seq).get().seq
    found(f"rows {source.seq}, {copy_seq} are copies of one event")


def test_row_inserted_before_sealed_rows(chain: Chain) -> None:
    first = chain.events[0]
    copy = AuditEvent(seq=0, xact=first.xact, **{f: getattr(first, f) for f in CONTENT_FIELDS})
    AuditEvent.objects.bulk_create([copy])
    found("row 0 inserted: it is not in the chain although rows after it are")


def test_deleted_seal(chain: Chain) -> None:
    forge.sql("DELETE FROM audit_auditseal WHERE position = 40")
    found("seals 40–40 are missing")


def _backup() -> tuple[list[AuditEvent], list[AuditSubject], list[AuditSeal]]:
    return (list(AuditEvent.objects.all()), list(AuditSubject.objects.all()),
            list(AuditSeal.objects.all()))


def _restore(copy: tuple[list[AuditEvent], list[AuditSubject], list[AuditSeal]]) -> None:
    with forge.triggers_lifted():
        for model in (AuditSubject, AuditSeal, AuditEvent):
            model.objects.all().delete()
        AuditEvent.objects.bulk_create(copy[0])
        AuditSubject.objects.bulk_create(copy[1])
        AuditSeal.objects.bulk_create(copy[2])


def test_restored_older_backup(chain: Chain) -> None:
    old = _backup()
    for i in range(30):
        _record(i)
    call_command("audit", "verify")  # the head kept now is at seal 150
    _restore(old)
    found("the exported head is at seal 150 but the chain ends at seal 120")


def test_restored_older_backup_then_new_activity(chain: Chain) -> None:
    old = _backup()
    for i in range(30):
        _record(i)
    call_command("audit", "verify")
    _restore(old)
    for i in range(40):  # new events are sealed past the kept head's position
        _record(i)
    found("seal 150 differs from the exported head")


def test_explicit_head_finds_a_cut_tail(chain: Chain, head_file) -> None:
    """`--head` is how an administrator checks against a head kept elsewhere (mail, paper)."""
    head_file.unlink()
    cut = chain.events[-10].seq
    with forge.triggers_lifted():
        AuditSubject.objects.filter(event_id__gte=cut).delete()
        AuditSeal.objects.filter(event_seq__gte=cut).delete()
        AuditEvent.objects.filter(seq__gte=cut).delete()
    call_command("audit", "verify")  # without the kept head the shorter chain looks whole
    with pytest.raises(CommandError, match="chain ends at seal 110"):
        call_command("audit", "verify", "--head", chain.head)
