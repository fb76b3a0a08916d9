"""'Who accessed this client' after a merge: the history recorded under the merged-away
record's id belongs to the surviving client's report too (page and CSV), and says so."""

from __future__ import annotations

from django.utils import formats, timezone

from bridgeway.audit.writer import Who, record
from bridgeway.clients.merge import client_merge
from bridgeway.core.actors import Actor
from tests import factories as f


def _seen_before_the_merge(world):  # type: ignore[no-untyped-def]
    duplicate = f.ClientFactory(given_name="Dan", family_name="Tremblay")
    staff = world.staff_a
    who = Who(public_id=staff.public_id, username=staff.username)
    record(who=who, category="identity", action="view", client_public_id=duplicate.public_id,
           detail="seen-on-the-duplicate")
    record(who=who, category="identity", action="view", subjects=[duplicate.public_id],
           detail="listed-on-the-duplicate")
    return duplicate


def test_report_includes_the_merged_records_history(client, world):
    duplicate = _seen_before_the_merge(world)
    report = f"/audit/clients/{world.client_a.public_id}/"
    client.force_login(world.privacy_officer)
    before = client.get(report).content.decode()
    assert "seen-on-the-duplicate" not in before and "merged into this one" not in before

    merge = client_merge(actor=Actor(user=world.admin, role="administrator"), survivor=world.client_a,
                         merged=duplicate, reason="Same person")
    page = client.get(report)
    body = page.content.decode()
    assert page.status_code == 200
    assert "seen-on-the-duplicate" in body and "listed-on-the-duplicate" in body
    day = formats.date_format(timezone.localtime(merge.merged_at).date(), "DATE_FORMAT")
    assert f"Including the record merged into this one on {day}." in body
    csv_body = client.get(report, {"format": "csv"}).content.decode("utf-8-sig")
    assert "seen-on-the-duplicate" in csv_body and "listed-on-the-duplicate" in csv_body


def test_a_coordinator_sees_the_merged_history_and_an_unrelated_report_does_not(client, world):
    duplicate = _seen_before_the_merge(world)
    client_merge(actor=Actor(user=world.admin, role="administrator"), survivor=world.client_a, merged=duplicate,
                 reason="Same person")
    client.force_login(world.coord_a)
    assert "seen-on-the-duplicate" in client.get(
        f"/audit/clients/{world.client_a.public_id}/").content.decode()
    client.force_login(world.coord_b)
    other = client.get(f"/audit/clients/{world.client_b.public_id}/").content.decode()
    assert "seen-on-the-duplicate" not in other and "merged into this one" not in other
