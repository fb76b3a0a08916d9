"""List pages take a constant number of queries however many clients they show."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from tests import factories as f


def queries_for(http: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(world, add: Callable[[int], None], http: HttpClient, url: str) -> tuple[int, int]:
    add(2)
    small = queries_for(http, url)
    add(6)
    large = queries_for(http, url)
    return small, large


def test_my_clients_is_constant(world, login):
    def add(n: int) -> None:
        for _ in range(n):
            client = f.ClientFactory()
            stay = f.StayFactory(client=client, ward=world.ward_a)
            enrolment = f.EnrolmentFactory(client=client, site=world.site_a, stay=stay,
                                           status="matched")
            f.ConsentFactory(enrolment=enrolment, recorded_by=world.coord_a,
                             share_contact_details=bool(n % 2))
            f.MatchFactory(enrolment=enrolment, supporter=world.supporter)

    world.supporter.max_active_clients = 30
    world.supporter.save()
    http = login("supporter")
    small, large = grow(world, add, http, "/clients/mine/")
    assert small == large, (small, large)
    assert large <= 20


def test_coordinator_dashboard_is_constant(world, login):
    def add(n: int) -> None:
        for i in range(n):
            client = f.ClientFactory()
            stay = f.StayFactory(client=client, ward=world.ward_a)
            status = "referred" if i % 2 else "waitlisted"
            f.EnrolmentFactory(client=client, site=world.site_a, stay=stay, status=status)
            f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a])

    http = login("coord_a")
    small, large = grow(world, add, http, "/clients/sites/riverside/")
    assert small == large, (small, large)
    assert large <= 25


def test_ward_home_is_constant(world, login):
    def add(n: int) -> None:
        for i in range(n):
            client = f.ClientFactory()
            stay = f.StayFactory(client=client, ward=world.ward_a)
            if i % 2:
                f.EnrolmentFactory(client=client, site=world.site_a, stay=stay)

    http = login("staff_a")
    small, large = grow(world, add, http, "/clients/ward/")
    assert small == large, (small, large)
    assert large <= 20
