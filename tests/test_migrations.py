"""Every model change has its migration, and makemigrations is stable across processes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_supervision_and_checkins_keep_their_rows_moving_to_supporters():
    """Decision 0012: rows written while the safety app owned supervision and check-ins
    (and a debrief's link to its incident) are all there after the move to supporters."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from bridgeway.safety.models import Incident
    from bridgeway.supporters.models import CheckIn, SupervisionSession
    from tests import factories as f

    before = [("safety", "0001_initial"), ("supporters", "0001_initial")]
    after = [("safety", "0002_wellbeing_to_supporters"),
             ("supporters", "0002_wellbeing_from_safety")]
    site = f.SiteFactory()
    supporter = f.SupporterFactory(sites=[site])
    lead = f.UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        incident = old.get_model("safety", "Incident").objects.create(
            site_id=site.pk, reported_by_id=lead.pk, kind="threat", occurred_at=timezone.now())
        session = old.get_model("safety", "SupervisionSession").objects.create(
            site_id=site.pk, kind="debrief", held_on=timezone.localdate(), led_by_id=lead.pk,
            incident_id=incident.pk, notes="Talked it through")
        session.supporters.set([supporter.pk])
        checkin = old.get_model("safety", "CheckIn").objects.create(
            supporter_id=supporter.pk, feeling="break", note="Rough week")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = SupervisionSession.objects.get(pk=session.pk)
    assert moved.public_id == session.public_id and moved.notes == "Talked it through"
    assert list(moved.supporters.values_list("pk", flat=True)) == [supporter.pk]
    assert list(Incident.objects.get(pk=incident.pk).debriefs.all()) == [moved]
    kept = CheckIn.objects.get(pk=checkin.pk)
    assert (kept.supporter_id, kept.feeling, kept.note) == (supporter.pk, "break", "Rough week")
