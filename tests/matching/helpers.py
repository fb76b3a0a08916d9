"""Small builders for matching tests on top of the shared personas (tests/conftest.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.utils import timezone

from bridgeway.clients.models import Client, Enrolment
from bridgeway.core.actors import Actor
from bridgeway.core.models import Interest, PostalArea, ProgramSite, Role
from bridgeway.supporters.models import SupporterProfile
from tests import factories as f
from tests.conftest import World


def coordinator(world: World) -> Actor:
    return Actor(user=world.coord_a, role=Role.COORDINATOR, site_code=world.site_a.code)


def areas() -> None:
    for fsa, lat, lon in [("N6A", 43.010, -81.280), ("N6B", 42.984, -81.246),
                          ("K1A", 45.420, -75.700)]:
        PostalArea.objects.get_or_create(fsa=fsa, defaults={"latitude": lat, "longitude": lon})


def interest(name: str) -> Interest:
    return Interest.objects.get_or_create(slug=name.lower().replace(" ", "-"),
                                          defaults={"name": name})[0]


def waiting(site: ProgramSite, *, days: int = 5, interests: tuple[str, ...] = (),
            languages: tuple[tuple[str, str], ...] = (), **client: Any) -> Enrolment:
    person = cast(Client, f.ClientFactory(**client))
    if interests:
        person.interests.set([interest(i) for i in interests])
    if languages:
        person.languages.set([f.language(code, name) for code, name in languages])
    enrolment = cast(Enrolment, f.EnrolmentFactory(
        client=person, site=site, status="waitlisted",
        waitlisted_since=timezone.now() - timedelta(days=days)))
    f.ConsentFactory(enrolment=enrolment, version=1)
    return enrolment


def supporter(site: ProgramSite, world: World, *, interests: tuple[str, ...] = (),
              languages: tuple[tuple[str, str], ...] = (("en", "English"),),
              **fields: Any) -> SupporterProfile:
    fields.setdefault("date_of_birth", date(1981, 5, 1))
    profile = cast(SupporterProfile, f.SupporterFactory(organisation=world.peer_org_a,
                                                        sites=[site], **fields))
    profile.interests.set([interest(i) for i in interests])
    profile.languages.set([f.language(code, name) for code, name in languages])
    return profile
