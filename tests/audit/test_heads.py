"""The chain head kept outside the database: written by verify and `audit head`, checked back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from bridgeway.audit.heads import Head, HeadError, last_exported
from bridgeway.audit.models import AuditEvent, AuditSeal
from bridgeway.audit.writer import SYSTEM, record

from . import forge


def _events(n: int) -> list[AuditEvent]:
    return [record(who=SYSTEM, category="identity", action="view", detail=f"e{i}")
            for i in range(n)]


def test_verify_prints_and_appends_the_head(db, head_file, capsys) -> None:
    _events(3)
    call_command("audit", "verify")
    _events(2)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    lines = head_file.read_text().splitlines()
    assert len(lines) == 2
    first, second = (Head.parse(line.split()[-1]) for line in lines)
    assert (first.position, second.position) == (3, 5)
    seal_5 = AuditSeal.objects.get(position=5)
    assert str(second) == f"5:1:{seal_5.hmac}"
    assert f"Chain head: {second}" in out
    assert "matching the head kept at seal 3" in out
    assert last_exported() == second


def test_the_head_is_mailed_when_addresses_are_set(db, settings) -> None:
    settings.BRIDGEWAY_AUDIT_HEAD_EMAILS = ["privacy@example.org"]
    _events(1)
    call_command("audit", "verify")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["privacy@example.org"]
    assert message.subject == "Bridgeway audit chain head"
    assert str(last_exported()) in message.body


def test_a_broken_chain_exports_no_head(db, head_file) -> None:
    events = _events(4)
    call_command("audit", "verify")
    forge.sql("UPDATE audit_auditevent SET detail = 'x' WHERE seq = %s", [events[1].seq])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert len(head_file.read_text().splitlines()) == 1


def test_head_command_checks_only_since_the_kept_head_and_exports(db, head_file, capsys) -> None:
    _events(3)
    call_command("audit", "head")
    _events(4)
    call_command("audit", "head")
    heads = [Head.parse(line.split()[-1]) for line in head_file.read_text().splitlines()]
    assert [h.position for h in heads] == [3, 7]


def test_head_command_finds_a_rewritten_or_cut_chain(db, head_file) -> None:
    _events(5)
    call_command("audit", "head")
    forge.sql("DELETE FROM audit_auditseal WHERE position >= 4")
    forge.sql("DELETE FROM audit_auditevent WHERE seq >= %s",
              [AuditEvent.objects.order_by("seq")[3].seq])
    with pytest.raises(CommandError, match="head is at seal 5 but the chain ends at seal 3"):
        call_command("audit", "head")


def test_head_command_finds_a_forged_row_after_the_kept_head(db) -> None:
    _events(2)
    call_command("audit", "head")
    late = _events(2)[1]
    forge.sql("UPDATE audit_auditevent SET outcome = 'denied' WHERE seq = %s", [late.seq])
    with pytest.raises(CommandError, match=f"row {late.seq} altered"):
        call_command("audit", "head")


@pytest.mark.parametrize("value", ["12", "1:1:xyz", "a:1:" + "0" * 64, "1:1:" + "0" * 63])
def test_a_malformed_head_is_a_clear_error(db, value) -> None:
    with pytest.raises(HeadError):
        Head.parse(value)
    with pytest.raises(CommandError, match="is not a chain head"):
        call_command("audit", "verify", "--head", value)


def test_an_empty_chain_has_head_zero(db, capsys) -> None:
    call_command("audit", "verify")
    assert f"Chain head: 0:0:{'0' * 64}" in capsys.readouterr().out
