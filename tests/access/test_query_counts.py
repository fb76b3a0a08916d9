"""The client page and the list pages take a number of queries that does not grow with the data.

Each test counts the statements one page runs, adds ten more of what the page shows (stays,
contacts, appointments, goals, binder entries, enrolments, alerts, clients, matches,
proposals), counts again, and asserts the two counts are equal and within the page's budget.

Counted: every statement the request sends except SAVEPOINT / RELEASE SAVEPOINT, which exist
only because the test runs inside a transaction (in production the audit insert is its own
transaction). Not counted: the session's renewal, one UPDATE at most once a minute per session
(bridgeway/web/sessions.py), which a first request makes before the counted ones. The budgets are today's counts, so a new query
fails here (bench/pages.md, "Client page queries", says where they go).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bridgeway.clients.models import HospitalStay
from bridgeway.contacts.models import Appointment, GoalStep, RecoveryGoal
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from bridgeway.matching.models import Proposal
from bridgeway.safety.models import Alert, Bridging, OutreachCase
from bridgeway.safety.services import care
from tests import factories as f
from tests.contacts.helpers import add_contact, matched_client

# Per role: the session; the user with their grants and confirmed second-factor devices (one
# query, access/backends.py); the client; the client's enrolments and stays; the audit event;
# languages, interests and identifiers (one UNION); the enrolments' history, consents and
# matches as the role sees them; the contacts, appointments and goals panels; the safety
# panel's alerts and its one summary (binder, checklist, bridging, outreach). The session is
# not saved: activity renews it at most once a minute (web/sessions.py).
# Ward staff see no alerts; a peer supporter's enrolment and match come with the access
# decision, and they see no identifiers, history or consents.
CLIENT_PAGE_BUDGET = {"coord_a": 15, "lead_a": 15, "staff_a": 14, "supporter": 13, "admin": 15}


def count(http: HttpClient, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql = [q["sql"] for q in ctx.captured_queries
           if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    return len(sql), sql


def constant(http: HttpClient, url: str, add: Callable[[], None]) -> int:
    # A request earlier in the minute renewed the session's idle timeout (web/sessions.py):
    # the counted ones are the pages as most requests see them, without that one UPDATE.
    http.get(url)
    small, _ = count(http, url)
    add()
    large, sql = count(http, url)
    assert small == large, (small, large, sql)
    return large


def _more_of_client_a(world) -> None:  # type: ignore[no-untyped-def]
    """Ten more of everything the client page shows about Daniel (ended bridgings and closed
    outreach cases too)."""
    nurse = Actor(user=world.staff_a, role=Role.WARD_STAFF)
    start = timezone.localdate() - timedelta(days=900)
    for k in range(10):
        admitted = start + timedelta(days=60 * k)
        HospitalStay.objects.create(client=world.client_a, hospital=world.hospital_a,
                                    ward=world.ward_a if k % 2 else world.ward_b,
                                    admitted_on=admitted,
                                    discharged_on=admitted + timedelta(days=20))
        add_contact(world.match_a, at=timezone.now() - timedelta(days=k + 1))
        Appointment.objects.create(
            client=world.client_a, match=world.match_a, supporter=world.supporter,
            site=world.site_a, starts_at=timezone.now() + timedelta(days=k + 1), place="Clinic",
            purpose="Check-in", consent_to_accompany=True, created_by=world.coord_a)
        goal = RecoveryGoal.objects.create(client=world.client_a, site=world.site_a,
                                           domain="work", title=f"Goal {k}",
                                           created_by=world.coord_a)
        GoalStep.objects.create(goal=goal, title="First step")
        care.binder_add_entry(actor=nurse, client=world.client_a, category="appointment",
                              text=f"Clinic visit {k}")
        enrolment = f.EnrolmentFactory(client=world.client_a, site=world.site_a,
                                       status="finished")
        f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
        Bridging.objects.create(client=world.client_a, staff=world.staff_a, started_on=admitted,
                                established_on=admitted + timedelta(days=30))
        OutreachCase.objects.create(client=world.client_a, enrolment=enrolment,
                                    closed_at=timezone.now())


@pytest.mark.parametrize("persona", ["coord_a", "lead_a", "staff_a", "supporter", "admin"])
def test_client_page_per_role(world, login, persona):
    http = login(persona)
    url = reverse("clients:detail", args=[world.client_a.public_id])
    n = constant(http, url, lambda: _more_of_client_a(world))
    assert n <= CLIENT_PAGE_BUDGET[persona], n


def _more_matched_clients(world) -> None:  # type: ignore[no-untyped-def]
    world.supporter.max_active_clients = 30
    world.supporter.save()
    for _ in range(10):
        client, match = matched_client(world)
        add_contact(match)
        Appointment.objects.create(
            client=client, match=match, supporter=match.supporter, site=match.site,
            starts_at=timezone.now() + timedelta(days=2), place="Clinic", purpose="Check-in",
            consent_to_accompany=True, created_by=world.coord_a)
        RecoveryGoal.objects.create(client=client, site=match.site, domain="work", title="Goal",
                                    created_by=world.coord_a)


def test_caseload(world, login):
    assert constant(login("supporter"), reverse("contacts:caseload"),
                    lambda: _more_matched_clients(world)) <= 6


def test_site_view(world, login):
    assert constant(login("coord_a"), reverse("contacts:site"),
                    lambda: _more_matched_clients(world)) <= 7


def _more_waiting(world) -> None:  # type: ignore[no-untyped-def]
    for k in range(10):
        client = f.ClientFactory()
        stay = f.StayFactory(client=client, ward=world.ward_a)
        enrolment = f.EnrolmentFactory(client=client, site=world.site_a, stay=stay,
                                       status="waitlisted", priority=bool(k % 3 == 0))
        f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
        f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a])


def test_waitlist(world, login):
    assert constant(login("coord_a"), reverse("matching:site", args=[world.site_a.code]),
                    lambda: _more_waiting(world)) <= 10


def test_proposals_page(world, login):
    from bridgeway.matching import services as matching

    http = login("coord_a")
    url = reverse("matching:proposals", args=[world.site_a.code])
    actor = Actor(user=world.coord_a, role=Role.COORDINATOR, site_code=world.site_a.code)

    def run() -> None:
        _more_waiting(world)
        matching.matching_run(actor=actor, site=world.site_a)

    run()  # some proposals to start with: the page's constant cost is there from the first
    proposed = Proposal.objects.filter(status=Proposal.Status.PROPOSED).count()
    assert proposed >= 5
    n = constant(http, url, run)
    assert Proposal.objects.filter(status=Proposal.Status.PROPOSED).count() > proposed
    assert n <= 24, n


def test_alert_inbox(world, login):
    from tests.safety.test_views import _alert

    _alert(world)

    def add() -> None:
        for _ in range(10):
            client = f.ClientFactory()
            f.EnrolmentFactory(client=client, site=world.site_a)
            _alert(world, client=client)
        assert Alert.objects.count() == 11

    assert constant(login("coord_a"), reverse("safety:inbox"), add) <= 5


def _more_inpatients(world) -> None:  # type: ignore[no-untyped-def]
    """Ten more inpatients at Riverside: matched (each sharing stay status, so the supporter
    is named), waitlisted, and not referred."""
    world.supporter.max_active_clients = 30
    world.supporter.save()
    for k in range(10):
        client = f.ClientFactory()
        stay = f.StayFactory(client=client, ward=world.ward_a)
        if k % 3 == 2:
            continue
        enrolment = f.EnrolmentFactory(client=client, site=world.site_a, stay=stay,
                                       status="matched" if k % 3 == 0 else "waitlisted")
        f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
        if k % 3 == 0:
            f.MatchFactory(enrolment=enrolment, supporter=world.supporter,
                           created_by=world.coord_a)


def test_ward_inpatients(world, login):
    """The "Peer support" column (status and supporter) costs no query per row."""
    assert constant(login("staff_a"), reverse("clients:ward_home"),
                    lambda: _more_inpatients(world)) <= 6


def test_manual_match_page(world, login):
    def add() -> None:
        for _ in range(10):
            f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a])

    client = f.ClientFactory()
    enrolment = f.EnrolmentFactory(client=client, site=world.site_a,
                                   stay=f.StayFactory(client=client, ward=world.ward_a))
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
    url = reverse("clients:match_create", args=[client.public_id, enrolment.public_id])
    assert constant(login("coord_a"), url, add) <= 14
