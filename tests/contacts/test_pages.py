"""Caseload and site view: what they show, one audit event each, constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.contacts.models import Appointment, GoalStep, RecoveryGoal
from bridgeway.contacts.selectors.common import week_start

from .helpers import add_contact, matched_client


def _grow(world, n_clients: int, contacts_each: int) -> None:  # type: ignore[no-untyped-def]
    """More clients for the supporter, each with history, an appointment and a goal."""
    for i in range(n_clients):
        client, match = matched_client(world)
        for k in range(contacts_each):
            add_contact(match, at=timezone.now() - timedelta(days=3 * k + 1), minutes=30 + k)
        Appointment.objects.create(client=client, match=match, supporter=match.supporter,
                                   site=match.site, starts_at=timezone.now() + timedelta(days=i + 1),
                                   place="Clinic", purpose="Check-in", consent_to_accompany=True,
                                   created_by=world.coord_a)
        goal = RecoveryGoal.objects.create(client=client, site=match.site, domain="work",
                                           title=f"Goal {i}", created_by=world.coord_a)
        GoalStep.objects.create(goal=goal, title="First step")


def _count(http, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_caseload_shows_each_client_with_its_figures(world, login):
    add_contact(world.match_a, at=timezone.now() - timedelta(minutes=30), minutes=45)
    add_contact(world.match_a, at=timezone.now() - timedelta(minutes=90), minutes=20,
                outcome="no_show")
    appt = Appointment.objects.create(
        client=world.client_a, match=world.match_a, supporter=world.supporter, site=world.site_a,
        starts_at=timezone.now() + timedelta(days=2), place="Housing office", purpose="Apply",
        consent_to_accompany=True, created_by=world.supporter.user)
    RecoveryGoal.objects.create(client=world.client_a, site=world.site_a, domain="school",
                                title="Go back to college part time", created_by=world.coord_a)
    before = AuditEvent.objects.count()
    response = login("supporter").get(reverse("contacts:caseload"))
    assert response.status_code == 200
    (row,) = response.context["page"].rows
    assert row.client_id == world.client_a.pk and row.public_id == world.client_a.public_id
    started_this_week = timezone.now() - timedelta(minutes=30) >= week_start()
    assert row.minutes_week == (45 if started_this_week else 0)  # no-shows do not count
    assert row.next_appointment is not None and row.next_appointment.public_id == appt.public_id
    assert [g.title for g in row.goals] == ["Go back to college part time"]
    body = response.content.decode()
    assert "Daniel" in body and "Housing office" in body and "Go back to college" in body
    events = AuditEvent.objects.filter(seq__gt=before)
    assert events.count() == 1
    event = events.get()
    assert event.category == "caseload" and str(world.client_a.public_id) in event.subjects


def test_caseload_is_only_the_supporters_own_clients(world, login):
    matched_client(world, supporter=world.other_supporter, given_name="Other")
    response = login("supporter").get(reverse("contacts:caseload"))
    assert [r.client_id for r in response.context["page"].rows] == [world.client_a.pk]
    assert "Other" not in response.content.decode()


def test_site_view_shows_hours_against_target_and_lapsed_clients(world, login):
    add_contact(world.match_a, at=timezone.now() - timedelta(days=20))
    quiet, _ = matched_client(world, supporter=world.other_supporter, given_name="Quiet")
    before = AuditEvent.objects.count()
    response = login("coord_a").get(reverse("contacts:site"))
    assert response.status_code == 200
    view = response.context["view"]
    lapsed = {r.client_id for r in view.lapsed}
    assert lapsed == {world.client_a.pk, quiet.pk}
    by_supporter = {s.supporter_id: s for s in view.supporters}
    assert by_supporter[world.supporter.pk].target_minutes == 60
    assert by_supporter[world.supporter.pk].minutes_week == 0
    assert by_supporter[world.supporter.pk].last_contact is not None
    assert AuditEvent.objects.filter(seq__gt=before).count() == 1
    body = response.content.decode()
    assert "Daniel T." in body and "Quiet" in body and "Jordan Peer" in body
    assert f'href="/contacts/clients/{quiet.public_id}/"' in body
    event = AuditEvent.objects.latest("seq")
    assert str(quiet.public_id) in event.subjects and str(world.client_a.public_id) in event.subjects
    # A recent contact takes the client off the list.
    add_contact(world.match_a, at=timezone.now() - timedelta(hours=1))
    view = login("coord_a").get(reverse("contacts:site")).context["view"]
    assert {r.client_id for r in view.lapsed} == {quiet.pk}


def test_site_view_uses_the_sites_weekly_commitment(world, login):
    world.site_a.weekly_commitment_minutes = 90
    world.site_a.save()
    view = login("coord_a").get(reverse("contacts:site")).context["view"]
    assert view.clients[0].target_minutes == 90


def test_coordinator_of_another_site_sees_nothing_of_site_a(world, login):
    response = login("coord_b").get(reverse("contacts:site"), {"site": "riverside"})
    assert response.status_code == 404
    view = login("coord_b").get(reverse("contacts:site")).context["view"]
    assert world.client_a.pk not in {r.client_id for r in view.clients}


@pytest.mark.parametrize("url_name,persona", [("contacts:caseload", "supporter"),
                                               ("contacts:site", "coord_a")])
def test_constant_number_of_queries(world, login, url_name, persona):
    http = login(persona)
    url = reverse(url_name)
    _grow(world, 1, 2)
    small = _count(http, url)
    _grow(world, 6, 8)
    large = _count(http, url)
    assert small == large, (small, large)
    assert len(_rows(http, url_name, url)) >= 7


def _rows(http, url_name, url):  # type: ignore[no-untyped-def]
    response = http.get(url)
    if url_name == "contacts:caseload":
        return response.context["page"].rows
    return response.context["view"].clients


def test_weekly_summary(world, login):
    add_contact(world.match_a, at=timezone.now() - timedelta(minutes=5), minutes=70)
    add_contact(world.match_a, at=timezone.now() - timedelta(days=7, minutes=5), minutes=30)
    response = login("coord_a").get(reverse("contacts:week", args=[world.supporter.public_id]))
    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert len(weeks) == 8
    assert sum(w.minutes for w in weeks) == 100
    this_week = weeks[0]
    assert this_week.active_clients == 1
    if timezone.now() - timedelta(minutes=5) >= week_start():
        assert this_week.minutes == 70 and this_week.clients_at_target == 1


def test_listing_with_an_empty_scope_returns_nothing(world):
    from bridgeway.clients.models import Client
    from bridgeway.contacts import listing

    rows = listing.caseload_rows(world.supporter.user, Client.objects.none(),
                                 since=week_start(), now=timezone.now())
    assert rows == []
    assert listing.site_match_rows(world.site_a, Client.objects.none(), since=week_start()) == []
