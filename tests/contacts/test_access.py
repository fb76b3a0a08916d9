"""Who may log and read contacts; notes stay with the supporter and the coordinator."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bridgeway.access.categories import Info
from bridgeway.access.policy import client_for_user
from bridgeway.audit.models import AuditEvent
from bridgeway.contacts.models import Contact
from bridgeway.contacts.selectors.contacts import client_contacts

from .helpers import add_contact, matched_client

NOTE = "Talked about his brother; worried about money."


def _post_contact(http, client):  # type: ignore[no-untyped-def]
    return http.post(reverse("contacts:log", args=[client.public_id]), {
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30", "mode": "phone", "setting": "community", "outcome": "met",
        "note": NOTE})


def test_matched_supporter_logs_a_contact_with_an_audit_event(world, login):
    before = AuditEvent.objects.count()
    response = _post_contact(login("supporter"), world.client_a)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.supporter == world.supporter and contact.logged_by == world.supporter.user
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in events] == ["log", "create"]
    assert events[-1].category == Info.CONTACT_LOG and events[-1].client_public_id == world.client_a.public_id


def test_unmatched_supporter_cannot_log_or_read(world, login):
    http = login("other_supporter")
    assert _post_contact(http, world.client_a).status_code == 403
    assert not Contact.objects.exists()
    assert http.get(reverse("contacts:log", args=[world.client_a.public_id])).status_code == 403
    add_contact(world.match_a, note=NOTE)
    response = http.get(reverse("contacts:client", args=[world.client_a.public_id]))
    assert response.status_code == 403
    assert NOTE not in response.content.decode()
    denied = AuditEvent.objects.filter(outcome="denied", actor_username="other_supporter")
    assert denied.exists()


def test_supporter_whose_match_ended_loses_access(world, login):
    add_contact(world.match_a, note=NOTE)
    world.match_a.status = "ended"
    world.match_a.ended_on = timezone.localdate()
    world.match_a.save()
    http = login("supporter")
    assert http.get(reverse("contacts:client", args=[world.client_a.public_id])).status_code == 403
    assert _post_contact(http, world.client_a).status_code == 403


def test_ward_staff_see_that_contacts_happened_never_the_notes(world, login):
    add_contact(world.match_a, note=NOTE)
    response = login("staff_a").get(reverse("contacts:client", args=[world.client_a.public_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "contact-list" in body and NOTE not in body
    assert [r.note for r in response.context["rows"]] == [None]
    # Nor can they log one.
    assert _post_contact(login("staff_a"), world.client_a).status_code == 403


def test_coordinator_and_the_supporter_see_the_note(world, login):
    add_contact(world.match_a, note=NOTE)
    for persona in ("coord_a", "supporter"):
        response = login(persona).get(reverse("contacts:client", args=[world.client_a.public_id]))
        assert NOTE in response.content.decode(), persona


def test_a_new_supporter_does_not_see_the_former_supporters_notes(world):
    add_contact(world.match_a, note=NOTE)
    world.match_a.status = "ended"
    world.match_a.save()
    client, _ = matched_client(world)  # unrelated; keeps the other supporter's world realistic
    from tests import factories as f

    f.MatchFactory(enrolment=world.enrolment_a, supporter=world.other_supporter,
                   created_by=world.coord_a)
    access = client_for_user(world.other_supporter.user, world.client_a.public_id,
                             category=Info.CONTACT_LOG)
    rows = client_contacts(access)
    assert len(rows) == 1 and rows[0].note is None
    assert client.pk != world.client_a.pk


def test_client_page_panels_follow_the_same_rules(world):
    add_contact(world.match_a, note=NOTE)
    from bridgeway.web.contacts import panels

    staff = client_for_user(world.staff_a, world.client_a.public_id)
    coord = client_for_user(world.coord_a, world.client_a.public_id)
    assert [r.note for r in panels.contacts_context(staff, None)["rows"]] == [None]
    assert [r.note for r in panels.contacts_context(coord, None)["rows"]] == [NOTE]
    assert panels.contacts_context(staff, None)["can_write"] is False
