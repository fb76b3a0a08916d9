"""The pages: alert inbox and actions, the client's safety page, two-tap incidents,
check-ins, thresholds; field errors instead of crashes; constant queries on the inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bridgeway.safety.models import Alert, BinderEntry, Incident, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


def _alert(world, client=None, rule="contact_lapse") -> Alert:
    client = client or world.client_a
    return Alert.objects.create(rule=rule, severity="warning", site=world.site_a,
                                subject_id=client.pk, client=client, owner_role="peer_supporter",
                                due_on=timezone.localdate())


def test_inbox_acknowledge_and_resolve(world, login):
    alert = _alert(world)
    http = login("coord_a")
    page = http.get(reverse("safety:inbox"))
    assert page.status_code == 200 and "Daniel T." in page.content.decode()
    url = reverse("safety:alert", kwargs={"public_id": alert.public_id})
    assert http.post(url, {"action": "acknowledge"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.owner == world.coord_a
    missing = http.post(url, {"action": "resolve", "note": ""})
    assert missing.status_code == 400 and "Say what was done." in missing.content.decode()
    assert http.post(url, {"action": "resolve", "note": "Met on Monday"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note == "Met on Monday"
    assert [e.action for e in alert.log.all()] == ["acknowledged", "resolved"]


def test_snooze_needs_a_future_date(world, login):
    alert = _alert(world)
    http = login("coord_a")
    url = reverse("safety:alert", kwargs={"public_id": alert.public_id})
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = http.post(url, {"action": "snooze", "until": past})
    assert response.status_code == 400 and "Choose a date after today." in response.content.decode()
    bad = http.post(url, {"action": "snooze", "until": "not a date"})
    assert bad.status_code == 400


def test_escalate_to_site_lead_notifies_them(world, login):
    alert = _alert(world)
    http = login("supporter")
    url = reverse("safety:alert", kwargs={"public_id": alert.public_id})
    assert http.post(url, {"action": "escalate", "to": "site_lead", "note": "Worried"}).status_code == 302
    alert.refresh_from_db()
    assert alert.owner_role == "site_lead"
    assert Notification.objects.filter(recipient=world.lead_a, kind="alert_escalated").exists()


def test_inbox_queries_do_not_grow_with_alerts(world, login):
    http = login("coord_a")
    _alert(world)
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("safety:inbox"))
    for _ in range(8):
        client = f.ClientFactory()
        f.EnrolmentFactory(client=client, site=world.site_a)
        _alert(world, client=client)
    with CaptureQueriesContext(connection) as many:
        http.get(reverse("safety:inbox"))
    assert len(many) == len(few)


def test_client_page_shows_binder_by_consent(world, login):
    from bridgeway.core.actors import Actor
    from bridgeway.safety.services import care

    nurse = Actor(user=world.staff_a, role="ward_staff")
    care.binder_add_entry(actor=nurse, client=world.client_a, category="concern",
                          text="Watch for drowsiness")
    care.binder_add_entry(actor=nurse, client=world.client_a, category="appointment",
                          text="Clinic on Tuesday")
    url = reverse("safety:client", kwargs={"public_id": world.client_a.public_id})
    supporter_page = login("supporter").get(url).content.decode()
    assert "Clinic on Tuesday" in supporter_page and "Watch for drowsiness" not in supporter_page
    coordinator_page = login("coord_a").get(url).content.decode()
    assert "Watch for drowsiness" in coordinator_page


def test_binder_entry_needs_text(world, login):
    url = reverse("safety:binder_add", kwargs={"public_id": world.client_a.public_id})
    response = login("staff_a").post(url, {"category": "update", "text": ""})
    assert response.status_code == 400
    assert not BinderEntry.objects.exists()


def test_incident_from_the_client_page(world, login):
    http = login("supporter")
    page = http.get(reverse("safety:client", kwargs={"public_id": world.client_a.public_id}))
    assert "Report an incident" in page.content.decode()
    url = reverse("safety:incident_new", kwargs={"public_id": world.client_a.public_id})
    assert http.post(url, {"kind": "threat", "description": "Said he would hurt me.",
                           "severity": "serious", "involved": "client"}).status_code == 302
    incident = Incident.objects.get()
    assert incident.reported_by == world.supporter.user and incident.site == world.site_a
    assert Notification.objects.filter(recipient=world.coord_a, kind="incident").exists()
    assert http.post(url, {"kind": "nonsense"}).status_code == 400


def test_break_check_in_from_the_phone(world, login):
    http = login("supporter")
    assert http.post(reverse("safety:checkin"), {"feeling": "break"}).status_code == 302
    world.supporter.refresh_from_db()
    assert world.supporter.status == "paused"
    coordinator = login("coord_a")
    page = coordinator.get(reverse("safety:checkins")).content.decode()
    assert "I need a break" in page
    assert login("other_supporter").get(reverse("safety:checkins")).status_code == 403


def test_thresholds_field_errors(world, login):
    http = login("coord_a")
    url = reverse("safety:thresholds", kwargs={"site_code": world.site_a.code})
    data = {"first_contact_days": "0", "lapse_warning_days": "14", "lapse_urgent_days": "10",
            "followup_days": "365", "missed_in_a_row": "2", "ward_contact_lookback_days": "30",
            "commitment_weeks": "3", "proposal_days": "7", "waitlist_days": "30"}
    response = http.post(url, data)
    assert response.status_code == 400
    data["first_contact_days"] = "5"
    response = http.post(url, data)
    assert response.status_code == 400 and "Make it longer than the warning." in response.content.decode()
    data["lapse_urgent_days"] = "30"
    assert http.post(url, data).status_code == 302
    assert world.site_a.safety_thresholds.first_contact_days == 5


def test_client_page_carries_the_safety_panel(world, login):
    page = login("supporter").get(reverse("clients:detail",
                                          kwargs={"public_id": world.client_a.public_id}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Report an incident" in html
    assert reverse("safety:incident_new", kwargs={"public_id": world.client_a.public_id}) in html
    evaluator = login("evaluator").get(reverse("clients:detail",
                                               kwargs={"public_id": world.client_a.public_id}))
    assert evaluator.status_code in (403, 404)


def test_inbox_lists_urgent_before_warning(world, login):
    warning = _alert(world)
    client = f.ClientFactory(given_name="Zed", family_name="Urgent")
    f.EnrolmentFactory(client=client, site=world.site_a)
    urgent = _alert(world, client=client, rule="no_first_contact")
    Alert.objects.filter(pk=urgent.pk).update(severity="urgent")
    html = login("coord_a").get(reverse("safety:inbox")).content.decode()
    assert html.index(str(urgent.public_id)) < html.index(str(warning.public_id))


def test_notifications_page_is_audited_with_the_clients_it_names(world, login):
    from bridgeway.audit.models import AuditEvent

    alert = _alert(world)
    Notification.objects.create(recipient=world.coord_a, kind="alert", title="Daniel T.: no contact",
                                alert=alert, url="/")
    Notification.objects.create(recipient=world.coord_a, kind="notice", title="Welcome")
    before = AuditEvent.objects.count()
    page = login("coord_a").get(reverse("safety:notifications"))
    assert page.status_code == 200 and "Daniel T." in page.content.decode()
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.detail == "safety:notifications" and event.actor_username == "coord_a"
    assert [s.client_public_id for s in event.subject_rows.all()] == [world.client_a.public_id]


def test_client_page_posts_without_precondition_or_with_bad_fields_say_why(world, login):
    http = login("coord_a")
    kwargs = {"public_id": world.client_a.public_id}
    nothing_open = http.post(reverse("safety:outreach_close", kwargs=kwargs),
                             {"outcome": "re_engaged"})
    assert nothing_open.status_code == 400
    assert "No outreach is open." in nothing_open.content.decode()
    no_bridging = http.post(reverse("safety:bridging_establish", kwargs=kwargs),
                            {"established_on": timezone.localdate().isoformat(),
                             "provider": "Dr. Rivera", "agency": "CMHA"})
    assert no_bridging.status_code == 400
    assert "No bridging is under way." in no_bridging.content.decode()
    bad_step = http.post(reverse("safety:outreach_step", kwargs=kwargs),
                         {"taken_on": "", "method": "carrier pigeon"})
    assert bad_step.status_code == 400
    assert bad_step.context["outreach_step_form"].errors.keys() >= {"taken_on", "method"}
    good = http.post(reverse("safety:outreach_step", kwargs=kwargs),
                     {"taken_on": timezone.localdate().isoformat(), "method": "phone"})
    assert good.status_code == 302 and good["Location"].endswith("#outreach")
