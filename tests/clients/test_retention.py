"""Retention: records without activity for the configured years are deleted, each audited."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Client, HospitalStay, Match
from bridgeway.clients.retention import clients_expired

YEARS = 10


def _backdate(client: Client, *, years: int) -> None:
    """Every row about the client written `years` ago (update() skips auto_now)."""
    then = timezone.now() - timedelta(days=365 * years + 5)
    Client.objects.filter(pk=client.pk).update(updated_at=then, created_at=then)
    for relation in Client._meta.related_objects:
        model = relation.related_model
        if model is Client or not relation.field.concrete:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        stamps = {n: then for n in ("updated_at", "created_at") if n in names}
        if stamps:
            model._default_manager.filter(**{relation.field.name: client}).update(**stamps)


def test_only_clients_without_recent_activity_expire(world):
    _backdate(world.client_b, years=11)
    expired = list(clients_expired(now=timezone.now(), years=YEARS))
    assert [c.pk for c in expired] == [world.client_b.pk]
    assert list(clients_expired(now=timezone.now(), years=0)) == []


def test_recent_activity_on_any_related_row_keeps_the_client(world):
    _backdate(world.client_a, years=11)
    assert world.client_a in clients_expired(now=timezone.now(), years=YEARS)
    stay = HospitalStay.objects.filter(client=world.client_a).first()
    stay.save()  # a recent change to one stay is activity
    assert world.client_a not in clients_expired(now=timezone.now(), years=YEARS)


def test_the_command_deletes_expired_clients_and_audits_each_without_names(world):
    _backdate(world.client_a, years=11)  # matched: the match goes with the client
    last = AuditEvent.objects.order_by("-seq").first()
    before = last.seq if last else 0
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert str(world.client_a.public_id) in out.getvalue()
    assert Client.objects.filter(pk=world.client_a.pk).exists()
    call_command("retention", stdout=out)
    assert not Client.objects.filter(pk=world.client_a.pk).exists()
    assert not Match.objects.filter(pk=world.match_a.pk).exists()
    assert not HospitalStay.objects.filter(client_id=world.client_a.pk).exists()
    assert Client.objects.filter(pk=world.client_b.pk).exists()
    [event] = AuditEvent.objects.filter(seq__gt=before, action="delete")
    assert (event.category, event.client_public_id, event.actor_username) == (
        "records", world.client_a.public_id, "system")
    assert event.detail.startswith("retention:10y:last_activity:")
    assert "Daniel" not in event.detail and "Tremblay" not in event.detail
    assert "Deleted 1 client record(s)" in out.getvalue()
    verified = io.StringIO()
    call_command("audit", "verify", stdout=verified)
    assert "Audit chain intact" in verified.getvalue()


def test_retention_off_deletes_nothing(world, settings):
    settings.BRIDGEWAY_RETENTION_YEARS = 0
    _backdate(world.client_b, years=50)
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert "off" in out.getvalue() and Client.objects.filter(pk=world.client_b.pk).exists()
