"""The generator's shared state and drawing helpers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from bridgeway.clients.models import (
    Client,
    Enrolment,
    HospitalStay,
    Match,
)
from bridgeway.core.choices import AVAILABILITY_SLOTS, Gender
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    ProgramSite,
    Role,
    RoleAssignment,
    TrainingModule,
    User,
    Ward,
)
from bridgeway.demo import reference as ref
from bridgeway.demo.context import DEMO_PASSWORD, DemoContext, new_uuid
from bridgeway.supporters.models import SupporterProfile

from .plans import (
    Plan,
    SupporterInfo,
    _ascii,
    _birth_date,
)


class BuilderBase:
    """State shared by the generator's parts, and the small drawing helpers they all use."""

    # Set by the parts as they run (declared here so each part can read the others').
    languages: dict[str, Language]
    interests: dict[str, Interest]
    modules: dict[str, TrainingModule]
    centroids: dict[str, tuple[float, float]]
    peer_orgs: dict[str, Organisation]
    hospitals: dict[str, Organisation]
    hospital_ref: dict[str, ref.HospitalRef]
    wards: dict[str, list[Ward]]
    sites: dict[str, ProgramSite]
    all_supporters: list[SupporterInfo]
    enrolments: list[Enrolment]
    stays: list[HospitalStay]
    matches: list[Match]
    daniel: Client
    maya: Client

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.password = make_password(DEMO_PASSWORD)  # hashed once; every demo user shares it
        self.usernames: set[str] = set()
        self.users: list[User] = []
        self.grants: list[RoleAssignment] = []
        self.site_staff: dict[str, list[User]] = defaultdict(list)
        self.coordinators: dict[str, User] = {}
        self.site_leads: dict[str, User] = {}
        self.personas: dict[str, User] = {}
        self.supporter_info: dict[str, list[SupporterInfo]] = defaultdict(list)
        self.scripted: dict[str, SupporterInfo] = {}
        self.plans: list[Plan] = []
        self.phone_counter = 0

    def _name(self, gender: str, group: int | None = None) -> tuple[str, str, str]:
        """(given, family, language code) from one cultural group of the name lists."""
        if group is None:
            group = self.rng.choices(range(len(ref.NAME_GROUPS)), ref.NAME_GROUP_WEIGHTS)[0]
        women, men, families, lang = ref.NAME_GROUPS[group]
        if gender == Gender.WOMAN:
            given = self.rng.choice(women)
        elif gender == Gender.MAN:
            given = self.rng.choice(men)
        else:
            given = self.rng.choice(ref.NEUTRAL_NAMES + women[:2] + men[:2])
        return given, self.rng.choice(families), lang

    def _user(self, username: str, first: str, last: str, **extra: Any) -> User:
        base, n = username, 2
        while username in self.usernames:
            username, n = f"{base}{n}", n + 1
        self.usernames.add(username)
        user = User(public_id=new_uuid(self.ctx), username=username, first_name=first,
                    last_name=last, email=f"{username}@example.org", password=self.password,
                    **extra)
        self.users.append(user)
        return user

    def _grant(self, user: User, role: str, *, site: ProgramSite | None = None,
               organisation: Organisation | None = None, staff_kind: str = "",
               active: bool = True) -> None:
        self.grants.append(RoleAssignment(public_id=new_uuid(self.ctx), user=user, role=role,
                                          site=site, organisation=organisation,
                                          staff_kind=staff_kind, active=active))

    def _slots(self, low: int, high: int) -> list[str]:
        chosen = set(self.rng.sample(AVAILABILITY_SLOTS, self.rng.randint(low, high)))
        return [slot for slot in AVAILABILITY_SLOTS if slot in chosen]

    def _contact(self, client: Client, area_code: str) -> None:
        self.phone_counter += 1
        client.phone = f"({area_code}) 555-01{self.phone_counter % 100:02d}"
        client.email = (f"{_ascii(client.given_name).lower()}.{_ascii(client.family_name).lower()}"
                        f"{self.phone_counter}@example.com")
        client.address = (f"{self.rng.randint(2, 899)} {self.rng.choice(ref.STREETS)} "
                          f"{self.rng.choice(ref.STREET_KINDS)}")

    def _los(self, ward: Ward) -> int:
        if ward.ward_type == Ward.WardType.TERTIARY:
            return max(25, min(330, int(self.rng.lognormvariate(4.3, 0.5))))
        return max(3, min(75, int(self.rng.lognormvariate(2.8, 0.55))))

    def _ward(self, hospital_code: str, tertiary_share: float = 0.25) -> Ward:
        wards = self.wards[hospital_code]
        tertiary = [w for w in wards if w.ward_type == Ward.WardType.TERTIARY]
        acute = [w for w in wards if w.ward_type == Ward.WardType.ACUTE]
        if tertiary and self.rng.random() < tertiary_share:
            return self.rng.choice(tertiary)
        return self.rng.choice(acute)

    def _destination(self) -> str:
        D = HospitalStay.Destination
        return self.rng.choices([D.HOME, D.SUPPORTED_HOUSING, D.SHELTER, D.OTHER], [70, 15, 7, 8])[0]

    def _shares(self) -> frozenset[str]:
        rng = self.rng
        chances = {"contact_details": 0.85, "discharge_date": 0.9, "stay_status": 0.65,
                   "background": 0.35, "safety_notes": 0.45}
        return frozenset(k for k, p in chances.items() if rng.random() < p)

    def _supporter(self, *, user: User, org: Organisation, sites: list[str], gender: str,
                   age: int, employment: str, capacity: int, languages: list[str],
                   interests: list[str], fsa: str, modules: dict[str, date],
                   joined_on: date, status: str = SupporterProfile.Status.ACTIVE,
                   reason: str = "", left_on: date | None = None,
                   paused_on: date | None = None, slots: list[str] | None = None) -> SupporterInfo:
        hours = (Decimal(self.rng.randint(4, 16)) / 2 if employment == "volunteer"
                 else Decimal(self.rng.randint(10, 30)))
        profile = SupporterProfile(
            public_id=new_uuid(self.ctx), user=user, organisation=org, employment=employment,
            hours_per_week=hours, availability=slots or self._slots(3, 9),
            max_active_clients=capacity, gender=gender,
            date_of_birth=_birth_date(self.ctx, age, self.today), home_fsa=fsa, status=status,
            status_reason=reason)
        info = SupporterInfo(profile=profile, age=age, languages=set(languages),
                             interests=set(interests), joined_on=joined_on, ready_on=modules,
                             sites=sites, left_on=left_on, paused_on=paused_on)
        self._grant(user, Role.PEER_SUPPORTER, organisation=org,
                    active=status != SupporterProfile.Status.LEFT)
        return info

    def _training(self, joined_on: date, *, level2: bool | None = None,
                  safety: bool = True) -> dict[str, date]:
        rng = self.rng
        done = {"opdi-core-1": joined_on - timedelta(days=rng.randint(5, 45))}
        if rng.random() < 0.88:
            done["site-orientation"] = joined_on
        if safety:
            done["safety"] = joined_on + timedelta(days=rng.randint(-20, 0))
        if level2 if level2 is not None else rng.random() < 0.4:
            candidate = done["opdi-core-1"] + timedelta(days=rng.randint(120, 420))
            if candidate <= self.today or level2:
                done["opdi-core-2"] = min(candidate, self.today - timedelta(days=30))
        if done["opdi-core-1"] + timedelta(days=400) < self.today and rng.random() < 0.5:
            done["opdi-core-1r"] = done["opdi-core-1"] + timedelta(days=rng.randint(365, 400))
        return done
