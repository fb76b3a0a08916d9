"""factory_boy factories for the domain core."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from bridgeway.clients.models import (
    Client,
    ConsentRecord,
    Enrolment,
    EnrolmentStatus,
    HospitalStay,
    Match,
)
from bridgeway.core.models import (
    Language,
    Organisation,
    ProgramSite,
    Role,
    RoleAssignment,
    User,
    Ward,
)
from bridgeway.supporters.models import SupporterProfile

PASSWORD = "correct-horse-battery"


def signs_in(username: str, password: str) -> bool:
    """Does the sign-in form accept this password? (Through the form, as a person would: the
    test client's login() bypasses the request the lockout needs.)"""
    from django.test import Client as HttpClient

    response = HttpClient().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Hospital {n}")
    code = factory.Sequence(lambda n: f"hosp-{n}")
    kind = Organisation.Kind.HOSPITAL


class PeerOrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Peer organisation {n}")
    code = factory.Sequence(lambda n: f"peer-{n}")
    kind = Organisation.Kind.PEER_ORGANISATION


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    hospital = factory.SubFactory(HospitalFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")
    ward_type = Ward.WardType.ACUTE


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramSite

    code = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Site {n}")
    hospital = factory.SubFactory(HospitalFactory)
    program_start_date = date(2024, 1, 1)


def grant(user: User, role: str, *, site: ProgramSite | None = None,
          organisation: Organisation | None = None, staff_kind: str = "") -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, site=site,
                                         organisation=organisation, staff_kind=staff_kind)


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupporterProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(PeerOrgFactory)
    employment = SupporterProfile.Employment.VOLUNTEER
    hours_per_week = 4
    max_active_clients = 3
    gender = "man"
    date_of_birth = date(1981, 5, 1)
    home_fsa = "N6A"

    @factory.post_generation
    def sites(self, create: bool, extracted: list[ProgramSite] | None, **kwargs: object) -> None:
        if create and extracted:
            self.sites.set(extracted)

    @factory.post_generation
    def role(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            RoleAssignment.objects.get_or_create(user=self.user, role=Role.PEER_SUPPORTER,
                                                 organisation=self.organisation)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = date(1980, 3, 14)
    gender = "man"
    phone = "519-555-0100"
    email = factory.LazyAttribute(lambda o: f"{o.given_name.lower()}@example.org")
    address = "1 Example Street"
    home_fsa = "N6B"
    background = "Worked as a carpenter; enjoys fishing."
    safety_notes = "Prefers to meet in public places."


class StayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HospitalStay

    client = factory.SubFactory(ClientFactory)
    ward = factory.SubFactory(WardFactory)
    hospital = factory.LazyAttribute(lambda o: o.ward.hospital)
    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    expected_discharge_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=5))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    client = factory.SubFactory(ClientFactory)
    site = factory.SubFactory(SiteFactory)
    status = EnrolmentStatus.WAITLISTED
    status_changed_at = factory.LazyFunction(timezone.now)
    waitlisted_since = factory.LazyFunction(timezone.now)
    referred_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=9))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    enrolment = factory.SubFactory(EnrolmentFactory)
    version = factory.Sequence(lambda n: n + 1)
    participation = True
    share_contact_details = True
    share_discharge_date = True
    share_stay_status = True
    share_background = False
    share_safety_notes = False
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    enrolment = factory.SubFactory(EnrolmentFactory, status=EnrolmentStatus.MATCHED)
    client = factory.LazyAttribute(lambda o: o.enrolment.client)
    site = factory.LazyAttribute(lambda o: o.enrolment.site)
    supporter = factory.SubFactory(SupporterFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))


def language(code: str, name: str) -> Language:
    return Language.objects.get_or_create(code=code, defaults={"name": name})[0]
