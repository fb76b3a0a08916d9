"""The access reports: who accessed a client, and what a user accessed."""

from __future__ import annotations

from bridgeway.audit.models import AuditEvent


def test_client_log_lists_page_views_and_list_pages(world, login, client):
    client.force_login(world.supporter.user)
    client.get("/clients/mine/")  # a list page showing client_a
    client.force_login(world.other_supporter.user)
    client.get(f"/clients/{world.client_a.public_id}/")  # denied
    http = login("coord_a")
    before = AuditEvent.objects.count()
    response = http.get(f"/audit/clients/{world.client_a.public_id}/")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1  # viewing the report is audited
    event = AuditEvent.objects.latest("seq")
    assert (event.category, event.action, event.client_public_id) == (
        "audit", "view_audit", world.client_a.public_id)
    events = list(response.context["page"])
    usernames = {e.actor_username for e in events}
    assert {"jordan", "other_supporter"} <= usernames
    assert any(e.outcome == "denied" for e in events)
    assert any(e.client_public_id is None and e.actor_username == "jordan" for e in events)


def test_client_log_is_refused_to_ward_staff_and_supporters_with_a_denied_event(world, login):
    for persona in ("staff_a", "supporter", "coord_b"):
        http = login(persona)
        before = AuditEvent.objects.count()
        assert http.get(f"/audit/clients/{world.client_a.public_id}/").status_code == 403
        assert AuditEvent.objects.count() == before + 1
        assert AuditEvent.objects.latest("seq").outcome == "denied"


def test_user_log_shows_what_a_user_accessed(world, login, client):
    client.force_login(world.staff_a)
    client.get(f"/clients/{world.client_a.public_id}/")
    http = login("admin")
    response = http.get(f"/audit/users/{world.staff_a.public_id}/")
    assert response.status_code == 200
    events = list(response.context["page"])
    assert events and all(e.actor_public_id == world.staff_a.public_id for e in events)
    latest = AuditEvent.objects.latest("seq")
    assert latest.actor_username == world.admin.username
    assert str(world.staff_a.public_id) in latest.detail


def test_user_log_is_admin_only(world, login):
    http = login("coord_a")
    assert http.get(f"/audit/users/{world.staff_a.public_id}/").status_code == 403
    assert AuditEvent.objects.latest("seq").outcome == "denied"


def test_admin_home_finds_a_user_report(world, login):
    http = login("admin")
    response = http.get("/administration/", {"username": "staff_a"})
    assert response.url == f"/audit/users/{world.staff_a.public_id}/"
    response = http.get("/administration/", {"username": "nobody-here"})
    assert response.status_code == 200
    assert "No user has this username" in response.content.decode()
