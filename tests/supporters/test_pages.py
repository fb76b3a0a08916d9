"""Supporter profile pages: who sees and changes them, validation, training records."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.core.models import TrainingModule
from bridgeway.supporters.models import TrainingRecord

PROFILE = {"employment": "paid", "hours_per_week": "7.5", "max_active_clients": "5",
           "gender": "woman", "status": "active", "home_fsa": "n6a",
           "availability": ["tue-pm", "sat-am"]}


def test_coordinator_edits_a_profile(world, login):
    url = f"/supporters/{world.supporter.public_id}/edit/"
    response = login("coord_a").post(url, {**PROFILE, "sites": [world.site_a.pk]})
    assert response.status_code == 302
    world.supporter.refresh_from_db()
    assert (world.supporter.employment, world.supporter.max_active_clients,
            world.supporter.home_fsa) == ("paid", 5, "N6A")
    assert world.supporter.availability == ["tue-pm", "sat-am"]
    assert AuditEvent.objects.filter(category="supporter_profile", action="update").exists()


def test_pausing_records_the_status_and_reason(world, login):
    url = f"/supporters/{world.supporter.public_id}/edit/"
    response = login("admin").post(url, {**PROFILE, "sites": [world.site_a.pk], "status": "paused",
                                         "status_reason": "Holiday"})
    assert response.status_code == 302
    world.supporter.refresh_from_db()
    assert (world.supporter.status, world.supporter.status_reason) == ("paused", "Holiday")


def test_bad_profile_input_is_a_field_error(world, login):
    url = f"/supporters/{world.supporter.public_id}/edit/"
    response = login("coord_a").post(url, {**PROFILE, "home_fsa": "ZZ9", "max_active_clients": "99",
                                           "hours_per_week": "-1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"home_fsa", "max_active_clients", "hours_per_week"} <= set(errors)
    world.supporter.refresh_from_db()
    assert world.supporter.max_active_clients == 3


def test_training_record_add_and_validation(world, login):
    module = TrainingModule.objects.create(code="safety", name="Safety training", level=1,
                                           valid_for_days=365)
    url = f"/supporters/{world.supporter.public_id}/training/add/"
    http = login("coord_a")
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = http.post(url, {"module": module.pk, "completed_on": future})
    assert response.status_code == 200
    assert response.context["form"].errors["completed_on"]
    assert not TrainingRecord.objects.exists()
    today = timezone.localdate()
    response = http.post(url, {"module": module.pk, "completed_on": today.isoformat()})
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert record.expires_on == today + timedelta(days=365)
    page = http.get(f"/supporters/{world.supporter.public_id}/").content.decode()
    assert "Safety training" in page


def test_supporter_sees_own_profile_but_cannot_edit(world, login):
    http = login("supporter")
    assert http.get("/supporters/me/").url == f"/supporters/{world.supporter.public_id}/"
    page = http.get(f"/supporters/{world.supporter.public_id}/").content.decode()
    assert "Edit profile" not in page
    assert http.get(f"/supporters/{world.supporter.public_id}/edit/").status_code == 403
    assert http.get(f"/supporters/{world.other_supporter.public_id}/").status_code == 403


def test_site_list_shows_capacity(world, login):
    page = login("coord_a").get("/supporters/sites/riverside/").content.decode()
    assert "Jordan Peer" in page
    assert "1 / 3" in page  # jordan supports client_a


def test_coordinator_sees_the_supporters_clients_in_scope(world, login):
    page = login("coord_a").get(f"/supporters/{world.supporter.public_id}/").content.decode()
    assert "Daniel Tremblay" in page
