"""Personas shared by every test (STYLE.md rule 9).

Site A (hospital A, peer organisation A) and site B (hospital B). `client_a` is referred at
site A, staying on ward A, and matched with `supporter` (the matched supporter). Personas:
coord_a, coord_b, lead_a, supporter (matched), other_supporter (site A, unmatched),
staff_a (nurse, hospital A), staff_b (hospital B), evaluator, admin, and privacy_officer
(hospital A's privacy officer: reads access histories, never a record).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import translation

from bridgeway.clients.models import Client, Enrolment, Match
from bridgeway.core.models import Organisation, ProgramSite, Role, User, Ward
from bridgeway.supporters.models import SupporterProfile

from . import factories as f

# Fixtures through which a test reaches the database (pytest-django's own names).
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences",
                                "django_db_serialized_rollback", "live_server"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With BRIDGEWAY_TESTS_DATABASE_ONLY=1 (the PostgreSQL pass of `make test`), keep only the
    tests that touch the database. The others never open a connection (pytest-django refuses
    them one), so they behave the same whatever DATABASE_URL says, and the SQLite pass has
    already run them; running them twice only made CI slower. Tests marked `one_pass` use the
    database but prove something the database cannot change (the canary name's walk through
    logs and e-mail subjects): they too run once, in the SQLite pass."""
    if os.environ.get("BRIDGEWAY_TESTS_DATABASE_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = (item.get_closest_marker("django_db") is not None
                   or bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))))
        once = item.get_closest_marker("one_pass") is not None
        (keep if uses_db and not once else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language. A page requested in French leaves French
    active in the thread (LocaleMiddleware does not undo it), and with xdist a test's
    neighbours change from run to run: a later test's service messages came out in French."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    site_a: ProgramSite
    site_b: ProgramSite
    hospital_a: Organisation
    hospital_b: Organisation
    peer_org_a: Organisation
    ward_a: Ward
    ward_b: Ward
    coord_a: User
    coord_b: User
    lead_a: User
    staff_a: User
    staff_b: User
    evaluator: User
    admin: User
    supporter: SupporterProfile
    other_supporter: SupporterProfile
    client_a: Client
    enrolment_a: Enrolment
    match_a: Match
    client_b: Client
    enrolment_b: Enrolment
    privacy_officer: User

    def persona(self, name: str) -> User:
        if name in {"supporter", "other_supporter"}:
            profile: SupporterProfile = getattr(self, name)
            return profile.user
        user: User = getattr(self, name)
        return user


@pytest.fixture
def world(db: None) -> World:
    hospital_a = f.HospitalFactory(name="Riverside Hospital", code="riverside")
    hospital_b = f.HospitalFactory(name="Lakeview Hospital", code="lakeview")
    peer_org_a = f.PeerOrgFactory(name="Riverside Peer Network", code="riverside-peers")
    peer_org_b = f.PeerOrgFactory(name="Lakeview Peers", code="lakeview-peers")
    site_a = f.SiteFactory(code="riverside", name="Riverside TDM", hospital=hospital_a)
    site_a.peer_organisations.add(peer_org_a)
    site_b = f.SiteFactory(code="lakeview", name="Lakeview TDM", hospital=hospital_b)
    site_b.peer_organisations.add(peer_org_b)
    ward_a = f.WardFactory(hospital=hospital_a, name="4 East (acute)")
    ward_b = f.WardFactory(hospital=hospital_b, name="Lake 2", ward_type=Ward.WardType.TERTIARY)

    coord_a = f.UserFactory(username="coord_a", first_name="Sam", last_name="Coordinator")
    f.grant(coord_a, Role.COORDINATOR, site=site_a)
    coord_b = f.UserFactory(username="coord_b")
    f.grant(coord_b, Role.COORDINATOR, site=site_b)
    lead_a = f.UserFactory(username="lead_a")
    f.grant(lead_a, Role.SITE_LEAD, site=site_a)
    staff_a = f.UserFactory(username="staff_a", first_name="Priya", last_name="Nurse")
    f.grant(staff_a, Role.WARD_STAFF, organisation=hospital_a, staff_kind="nurse")
    staff_b = f.UserFactory(username="staff_b")
    f.grant(staff_b, Role.WARD_STAFF, organisation=hospital_b, staff_kind="nurse")
    evaluator = f.UserFactory(username="evaluator")
    f.grant(evaluator, Role.EVALUATOR)
    admin = f.UserFactory(username="admin_user")
    f.grant(admin, Role.ADMINISTRATOR)
    privacy_officer = f.UserFactory(username="privacy_officer", first_name="Claire",
                                    last_name="Officer")
    f.grant(privacy_officer, Role.PRIVACY_OFFICER, organisation=hospital_a)

    supporter = f.SupporterFactory(user=f.UserFactory(username="jordan", first_name="Jordan",
                                                      last_name="Peer"),
                                   organisation=peer_org_a, sites=[site_a])
    other_supporter = f.SupporterFactory(user=f.UserFactory(username="other_supporter"),
                                         organisation=peer_org_a, sites=[site_a])

    client_a = f.ClientFactory(given_name="Daniel", family_name="Tremblay")
    stay_a = f.StayFactory(client=client_a, ward=ward_a)
    enrolment_a = f.EnrolmentFactory(client=client_a, site=site_a, stay=stay_a,
                                     status="matched", referred_by=staff_a)
    f.ConsentFactory(enrolment=enrolment_a, version=1, recorded_by=coord_a)
    match_a = f.MatchFactory(enrolment=enrolment_a, supporter=supporter, created_by=coord_a)

    client_b = f.ClientFactory(given_name="Maya", family_name="Lakeside")
    stay_b = f.StayFactory(client=client_b, ward=ward_b)
    enrolment_b = f.EnrolmentFactory(client=client_b, site=site_b, stay=stay_b)
    f.ConsentFactory(enrolment=enrolment_b, version=1, recorded_by=coord_b)
    return World(site_a, site_b, hospital_a, hospital_b, peer_org_a, ward_a, ward_b, coord_a,
                 coord_b, lead_a, staff_a, staff_b, evaluator, admin, supporter, other_supporter,
                 client_a, enrolment_a, match_a, client_b, enrolment_b, privacy_officer)


PERSONAS = ["coord_a", "coord_b", "lead_a", "supporter", "other_supporter", "staff_a", "staff_b",
            "evaluator", "admin", "privacy_officer"]


def mark_two_factor_verified(http: HttpClient, user: User) -> None:
    """Make `http`'s session verified by a second factor, as django-otp does after a code:
    the session holds the persistent id of one of the user's confirmed devices."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from bridgeway.web.sessions import RENEWED_AT

    device, _ = StaticDevice.objects.get_or_create(user=user, name="tests", confirmed=True)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[RENEWED_AT] = int(time.time())  # as the sign-in's own response stamps it
    session.save()


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`force_login` in tests stands for a complete sign-in, second factor included, so pages
    are tested as a signed-in person sees them. The sign-in itself (password, lockout, second
    factor) is tested through the real forms in tests/core/test_signin.py and test_two_factor.py,
    which never call force_login."""
    from django.contrib.auth import signals

    from bridgeway.core import signin

    original = HttpClient.force_login

    def force_login(self: HttpClient, user: User, backend: str | None = None) -> None:
        # A sign-in before the test's scenario: its audit event would only blur the counts
        # of events the tests assert.
        signals.user_logged_in.disconnect(dispatch_uid="bridgeway-sign-in")
        try:
            original(self, user, backend)
        finally:
            signals.user_logged_in.connect(signin.on_signed_in, dispatch_uid="bridgeway-sign-in")
        mark_two_factor_verified(self, user)

    monkeypatch.setattr(HttpClient, "force_login", force_login)


@pytest.fixture
def login(client: HttpClient, world: World):  # type: ignore[no-untyped-def]
    """login("coord_a") -> a Django test client signed in as that persona."""

    def _login(name: str) -> HttpClient:
        client.force_login(world.persona(name))
        return client

    return _login
