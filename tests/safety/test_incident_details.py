"""Incidents (issue 15 item 6, decision 0022): a description, who was involved, where, how
serious; undo within minutes by the reporter only, audited; a debrief form that names the
incident readably, starts from it, and chooses supporters with checkboxes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.safety.models import Alert, Incident, Notification

pytestmark = pytest.mark.django_db


def _report(http, world, **extra):  # type: ignore[no-untyped-def]
    data = {"kind": "verbal_aggression", "description": "Shouted in the hallway.",
            "severity": "serious", "involved": "client", "place": "ward", **extra}
    return http.post(reverse("safety:incident_new",
                             kwargs={"public_id": world.client_a.public_id}), data)


def test_an_incident_records_what_who_where_and_how_serious(world, login):
    http = login("supporter")
    form = http.get(reverse("safety:incident_new", kwargs={"public_id": world.client_a.public_id}))
    assert form.context["form"]["involved"].value() == "client"
    assert "Daniel T. (whose page this is)" in form.content.decode()
    response = _report(http, world, severity="critical")
    incident = Incident.objects.get()
    assert response["Location"] == reverse("safety:incident",
                                           kwargs={"public_id": incident.public_id})
    assert (incident.description, incident.place, incident.severity, incident.client) == (
        "Shouted in the hallway.", "ward", "critical", world.client_a)
    assert Alert.objects.get(incident=incident).severity == "urgent"  # critical: urgent alert
    page = http.get(response["Location"]).content.decode()
    assert "Shouted in the hallway." in page and "On the ward" in page


def test_a_description_and_a_severity_are_required(world, login):
    response = _report(login("supporter"), world, description="", severity="")
    assert response.status_code == 400
    assert {"description", "severity"} <= set(response.context["form"].errors)
    assert not Incident.objects.exists()


def test_someone_else_involved_is_not_filed_against_the_client(world, login):
    _report(login("supporter"), world, involved="other", other_person="a visitor")
    incident = Incident.objects.get()
    assert incident.client is None and incident.involved == "other"
    assert incident.other_person == "a visitor" and incident.site == world.site_a
    assert not AuditEvent.objects.filter(action="incident_report",
                                         client_public_id=world.client_a.public_id).exists()


def test_the_reporter_withdraws_within_minutes(world, login):
    http = login("supporter")
    _report(http, world)
    incident = Incident.objects.get()
    page = http.get(reverse("safety:incident", kwargs={"public_id": incident.public_id}))
    assert page.context["may_withdraw"] and "Withdraw this report" in page.content.decode()
    response = http.post(reverse("safety:incident_undo", kwargs={"public_id": incident.public_id}))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "withdrawn" and incident.withdrawn_at is not None
    assert Alert.objects.get(incident=incident).status == "resolved"
    assert AuditEvent.objects.filter(action="incident_withdraw",
                                     detail=f"incident:{incident.public_id}").exists()
    assert Notification.objects.filter(recipient=world.coord_a,
                                       title__startswith="Incident report withdrawn").exists()
    # Withdrawn: no second undo, and no debrief offered.
    again = http.post(reverse("safety:incident_undo", kwargs={"public_id": incident.public_id}))
    assert again.status_code == 403
    supervision = login("coord_a").get(reverse("safety:supervision"))
    assert incident not in supervision.context["form"].fields["incident"].queryset


@override_settings(BRIDGEWAY_INCIDENT_UNDO_MINUTES=10)
def test_no_undo_after_the_window_or_by_someone_else(world, login):
    http = login("supporter")
    _report(http, world)
    incident = Incident.objects.get()
    coordinator = login("coord_a")
    url = reverse("safety:incident_undo", kwargs={"public_id": incident.public_id})
    assert coordinator.post(url).status_code == 403
    Incident.objects.filter(pk=incident.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=11))
    http = login("supporter")
    assert http.post(url).status_code == 403
    incident.refresh_from_db()
    assert incident.status == "open"
    assert AuditEvent.objects.filter(action="incident_withdraw", outcome="denied").count() == 2


def test_the_debrief_form_starts_from_the_incident(world, login):
    _report(login("supporter"), world, severity="minor")
    incident = Incident.objects.get()
    http = login("coord_a")
    detail = http.get(reverse("safety:incident", kwargs={"public_id": incident.public_id}))
    link = f'{reverse("safety:supervision")}?incident={incident.public_id}'
    assert link in detail.content.decode()
    page = http.get(link)
    form = page.context["form"]
    assert form.initial["incident"] == incident and form.initial["kind"] == "debrief"
    assert form.initial["supporters"] == [world.supporter]
    body = page.content.decode()
    assert "Incident object" not in body
    label = form.fields["incident"].label_from_instance(incident)
    assert "Verbal aggression" in label and "On the ward" in label and "Minor" in label
    assert str(timezone.localdate().year) in label
    # Supporters are checkboxes (no Ctrl-click multi-select), the incident's supporter ticked.
    assert 'type="checkbox" name="supporters"' in body and "<select name=\"supporters\"" not in body
    assert re.search(rf'name="supporters" value="{world.supporter.pk}"[^>]*checked', body)
    response = http.post(reverse("safety:supervision"), {
        "kind": "debrief", "held_on": timezone.localdate().isoformat(),
        "supporters": [world.supporter.pk], "incident": incident.pk, "notes": "Talked it over"})
    assert response.status_code == 302
    assert incident.debriefs.count() == 1
