"""The foundation step of the demo program: places, people, stays, enrolments, consents, matches.

Synthetic and deterministic: every choice is drawn from `ctx.rng` and every date is relative
to `ctx.today`, so one seed on one day always gives the same program. Nothing here describes a
real person; names come from the lists in `bridgeway.core.reference`.

Shaped like the program in the paper (nine Ontario hospitals, seven peer organisations, 66
peer supporters, hundreds of clients over two years) plus the people of SCENARIOS.md: Priya,
Sam, Jordan, Daniel, Maya, Alex, Lee. Writes go straight to the tables with bulk_create (one
audit event for the whole run is written by the command), not through the services, because
thousands of audited service calls would take minutes.

Leaves in `ctx.data`: "sites", "hospitals", "peer_organisations", "wards", "supporters",
"clients", "enrolments", "stays", "matches", "personas" (role -> User: coordinator, site_lead,
supporter, ward_staff, evaluator, admin), "daniel", "maya" (Client), "scenario_supporters"
(jordan, alex, maya_supporter -> SupporterProfile).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from bridgeway.core import reference as ref
from bridgeway.core.choices import AVAILABILITY_SLOTS, Gender, Strength
from bridgeway.core.demo import DEMO_PASSWORD, DemoContext
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    PostalArea,
    ProgramSite,
    Role,
    RoleAssignment,
    StaffKind,
    TrainingModule,
    User,
    Ward,
)
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

from .models import (
    Client,
    ConsentRecord,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    HospitalStay,
    Match,
)
from .validators import luhn_ok

S = EnrolmentStatus
TZ = ZoneInfo("America/Toronto")
BATCH = 500
# Referrals per site over the two years (about 650 clients in all, as in the paper's >580).
SITE_VOLUME = {"riverside": 80, "lakeshore": 100, "rideau-valley": 70, "escarpment": 75,
               "superior-north": 55, "durham-lakeside": 60, "oak-ridges": 55, "limestone": 65,
               "nickel-basin": 60}
# Peer supporters per site (66 in all, the paper's number); Riverside's include the three
# scenario supporters, who are matched by script rather than at random.
SITE_SUPPORTERS = {"riverside": 12, "lakeshore": 9, "rideau-valley": 7, "escarpment": 7,
                   "superior-north": 6, "durham-lakeside": 6, "oak-ridges": 5, "limestone": 7,
                   "nickel-basin": 7}
# Chance of each further readmission after the index discharge, for program clients. Usual
# care (added by the outcomes step) should sit somewhat higher.
READMISSION_CHANCE = (0.30, 0.30, 0.25)


def _uuid(ctx: DemoContext) -> uuid.UUID:
    return uuid.UUID(int=ctx.rng.getrandbits(128), version=4)


def _at(day: date, step: int, minute: int = 0) -> datetime:
    """A time on `day` that grows with `step`, so same-day status changes keep their order."""
    minutes = 9 * 60 + step * 11 + minute
    return datetime.combine(day, time(minutes // 60 % 24, minutes % 60), tzinfo=TZ)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def _birth_date(ctx: DemoContext, age: int, on: date) -> date:
    return on - timedelta(days=age * 365 + age // 4 + ctx.rng.randint(1, 360))


def _health_card(ctx: DemoContext) -> str:
    while True:
        digits = "".join(str(ctx.rng.randint(0, 9)) for _ in range(9))
        for check in "0123456789":
            if luhn_ok(digits + check):
                suffix = ctx.rng.choice(["", "", "AB", "CK", "X", "MN"])
                return digits + check + suffix


@dataclass
class StayPlan:
    ward: Ward
    admitted_on: date
    discharged_on: date | None
    expected_discharge_on: date | None = None
    destination: str = ""


@dataclass
class Segment:
    """One match: a supporter from `start` to `end` (None: still active today)."""

    supporter: SupporterProfile
    start: date
    end: date | None
    end_reason: str = ""
    end_note: str = ""
    do_not_rematch: bool = False


@dataclass
class ConsentPlan:
    on: date
    participation: bool
    share: frozenset[str]
    note: str = ""


@dataclass
class Plan:
    client: Client
    site: ProgramSite
    languages: list[Language]
    interests: list[Interest]
    stays: list[StayPlan]
    index_stay: int
    referred_on: date
    referrer: User
    note: str = ""
    steps: list[tuple[str, date, str]] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    consents: list[ConsentPlan] = field(default_factory=list)
    priority: bool = False
    intensity: str = Enrolment.Intensity.STANDARD
    social: str = ""
    stop_at: str = ""  # recent referrals still waiting for consent or for the waitlist


@dataclass
class SupporterInfo:
    profile: SupporterProfile
    age: int
    languages: set[str]
    interests: set[str]
    joined_on: date
    ready_on: dict[str, date]  # module code -> first completion
    sites: list[str]
    left_on: date | None = None
    paused_on: date | None = None
    busy: list[tuple[date, date | None]] = field(default_factory=list)

    def free_for(self, start: date, end: date | None, required: tuple[str, ...]) -> bool:
        if start < self.joined_on:
            return False
        if any(self.ready_on.get(code, date.max) > start for code in required):
            return False
        if self.left_on is not None and (end is None or end > self.left_on):
            return False
        if self.paused_on is not None and start >= self.paused_on:
            return False
        # Most clients at once during [start, end): checked where the count can rise, i.e.
        # at `start` and wherever another match starts inside the window.
        stop = end or date.max
        overlapping = [(s, e or date.max) for s, e in self.busy if s < stop and start < (e or date.max)]
        points = [start] + [s for s, _ in overlapping if s > start]
        peak = max((sum(1 for s, e in overlapping if s <= t < e) for t in points), default=0)
        return peak < self.profile.max_active_clients


class Builder:
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
        self.personas: dict[str, User] = {}
        self.supporter_info: dict[str, list[SupporterInfo]] = defaultdict(list)
        self.scripted: dict[str, SupporterInfo] = {}
        self.plans: list[Plan] = []
        self.phone_counter = 0

    # ---- reference data and organisations -------------------------------------------------

    def reference(self) -> None:
        self.languages = {lang.code: lang for lang in Language.objects.bulk_create(
            [Language(code=c, name=n) for c, n in ref.LANGUAGES])}
        self.interests = {i.slug: i for i in Interest.objects.bulk_create(
            [Interest(slug=s, name=n) for s, n in ref.INTERESTS])}
        self.modules = {m.code: m for m in TrainingModule.objects.bulk_create([
            TrainingModule(public_id=_uuid(self.ctx), code=t.code, name=t.name, level=t.level,
                           valid_for_days=t.valid_for_days) for t in ref.TRAINING_MODULES])}
        self.centroids = ref.fsa_centroids()
        PostalArea.objects.bulk_create([PostalArea(fsa=fsa, latitude=lat, longitude=lon)
                                        for fsa, (lat, lon) in sorted(self.centroids.items())])

    def organisations(self) -> None:
        peer_orgs = Organisation.objects.bulk_create([
            Organisation(public_id=_uuid(self.ctx), name=p.name, code=p.code,
                         kind=Organisation.Kind.PEER_ORGANISATION, city=p.city)
            for p in ref.PEER_ORGANISATIONS])
        self.peer_orgs = {o.code: o for o in peer_orgs}
        hospitals = Organisation.objects.bulk_create([
            Organisation(public_id=_uuid(self.ctx), name=h.name, code=h.code,
                         kind=Organisation.Kind.HOSPITAL, city=h.city) for h in ref.HOSPITALS])
        self.hospitals = {o.code: o for o in hospitals}
        self.hospital_ref = {h.code: h for h in ref.HOSPITALS}
        wards = Ward.objects.bulk_create([
            Ward(public_id=_uuid(self.ctx), hospital=self.hospitals[h.code], name=name,
                 ward_type=kind) for h in ref.HOSPITALS for name, kind in h.wards])
        self.wards: dict[str, list[Ward]] = defaultdict(list)
        for ward in wards:
            self.wards[ward.hospital.code].append(ward)
        sites = ProgramSite.objects.bulk_create([
            ProgramSite(public_id=_uuid(self.ctx), code=h.code, name=f"{h.name} TDM program",
                        hospital=self.hospitals[h.code],
                        program_start_date=self.today - timedelta(days=730 + self.rng.randint(-45, 45)))
            for h in ref.HOSPITALS])
        self.sites = {s.code: s for s in sites}
        through = ProgramSite.peer_organisations.through
        through.objects.bulk_create([
            through(programsite_id=self.sites[h.code].pk, organisation_id=self.peer_orgs[code].pk)
            for h in ref.HOSPITALS for code in h.peer_orgs])
        required = ProgramSite.required_training.through
        required.objects.bulk_create([
            required(programsite_id=self.sites[site].pk, trainingmodule_id=self.modules[code].pk)
            for site, codes in ref.REQUIRED_TRAINING.items() for code in codes])

    # ---- accounts -------------------------------------------------------------------------

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
        user = User(public_id=_uuid(self.ctx), username=username, first_name=first,
                    last_name=last, email=f"{username}@example.org", password=self.password,
                    **extra)
        self.users.append(user)
        return user

    def _grant(self, user: User, role: str, *, site: ProgramSite | None = None,
               organisation: Organisation | None = None, staff_kind: str = "",
               active: bool = True) -> None:
        self.grants.append(RoleAssignment(public_id=_uuid(self.ctx), user=user, role=role,
                                          site=site, organisation=organisation,
                                          staff_kind=staff_kind, active=active))

    def accounts(self) -> None:
        rng = self.rng
        for code, site in self.sites.items():
            hospital = self.hospitals[code]
            if code == "riverside":
                coord = self._user("sam", "Sam", "Okafor")
                lead = self._user("morgan", "Morgan", "Fletcher")
                nurse = self._user("priya", "Priya", "Raman")
            else:
                g, f, _ = self._name(rng.choice([Gender.WOMAN, Gender.MAN]))
                coord = self._user(f"coord-{code}", g, f)
                g, f, _ = self._name(rng.choice([Gender.WOMAN, Gender.MAN]))
                lead = self._user(f"lead-{code}", g, f)
                g, f, _ = self._name(Gender.WOMAN)
                nurse = self._user(f"nurse-{code}", g, f)
            self._grant(coord, Role.COORDINATOR, site=site)
            self._grant(lead, Role.SITE_LEAD, site=site)
            self._grant(nurse, Role.WARD_STAFF, organisation=hospital, staff_kind=StaffKind.NURSE)
            g, f, _ = self._name(rng.choice([Gender.WOMAN, Gender.MAN]))
            social = self._user(f"socialwork-{code}", g, f)
            self._grant(social, Role.WARD_STAFF, organisation=hospital,
                        staff_kind=StaffKind.SOCIAL_WORKER)
            g, f, _ = self._name(rng.choice([Gender.WOMAN, Gender.MAN]))
            bridging = self._user(f"bridging-{code}", g, f)
            self._grant(bridging, Role.WARD_STAFF, organisation=hospital,
                        staff_kind=StaffKind.BRIDGING)
            self.coordinators[code] = coord
            self.site_staff[code] = [nurse, nurse, social, bridging]  # nurses refer most
            if code == "riverside":
                self.personas.update(coordinator=coord, site_lead=lead, ward_staff=nurse)
        lee = self._user("lee", "Lee", "Chen")
        self._grant(lee, Role.EVALUATOR)
        site_evaluator = self._user("eval-limestone", "Robin", "Sinclair")
        self._grant(site_evaluator, Role.EVALUATOR, site=self.sites["limestone"])
        admin = self._user("admin", "Avery", "Admin", is_staff=True, is_superuser=True)
        self._grant(admin, Role.ADMINISTRATOR)
        self.personas.update(evaluator=lee, admin=admin)
        logins = [
            ("peer support coordinator", "sam", "Riverside: the waitlist (Daniel is on it); "
             "run matching; Maya's match"),
            ("site lead", "morgan", "Riverside: implementation and outcomes"),
            ("ward staff (nurse)", "priya", "Riverside acute ward: refer a client; set "
             "Daniel's discharge date"),
            ("peer supporter", "jordan", "on a phone: my clients"),
            ("peer supporter", "alex", "French-speaking supporter with free places"),
            ("evaluator", "lee", "aggregates only: evaluation dashboard"),
            ("administrator", "admin", "organisations, accounts, audit; also /admin/"),
        ]
        self.ctx.logins.extend(logins)

    # ---- peer supporters ------------------------------------------------------------------

    def _slots(self, low: int, high: int) -> list[str]:
        chosen = set(self.rng.sample(AVAILABILITY_SLOTS, self.rng.randint(low, high)))
        return [slot for slot in AVAILABILITY_SLOTS if slot in chosen]

    def _supporter(self, *, user: User, org: Organisation, sites: list[str], gender: str,
                   age: int, employment: str, capacity: int, languages: list[str],
                   interests: list[str], fsa: str, modules: dict[str, date],
                   joined_on: date, status: str = SupporterProfile.Status.ACTIVE,
                   reason: str = "", left_on: date | None = None,
                   paused_on: date | None = None, slots: list[str] | None = None) -> SupporterInfo:
        hours = (Decimal(self.rng.randint(4, 16)) / 2 if employment == "volunteer"
                 else Decimal(self.rng.randint(10, 30)))
        profile = SupporterProfile(
            public_id=_uuid(self.ctx), user=user, organisation=org, employment=employment,
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

    def supporters(self) -> None:
        rng, today = self.rng, self.today
        self._scenario_supporters()
        riverside_fsas = ref.HOSPITALS[0].fsas
        left_budget, paused_budget, new_budget = 4, 5, 2
        for code, count in SITE_SUPPORTERS.items():
            href = self.hospital_ref[code]
            scripted = 3 if code == "riverside" else 0
            for _ in range(count - scripted):
                org = self.peer_orgs[rng.choice(href.peer_orgs)]
                sites = [code]
                others = [h.code for h in ref.HOSPITALS if org.code in h.peer_orgs and h.code != code]
                if others and rng.random() < 0.3:
                    sites.append(rng.choice(others))
                gender = rng.choices([Gender.WOMAN, Gender.MAN, Gender.NON_BINARY,
                                      Gender.TWO_SPIRIT], [55, 38, 5, 2])[0]
                given, family, lang = self._name(gender)
                age = rng.choice([rng.randint(22, 35), rng.randint(30, 55), rng.randint(45, 70)])
                languages = ["en"] if lang == "en" else [lang, "en"]
                if lang == "en" and code in {"rideau-valley", "nickel-basin"} and rng.random() < 0.4:
                    languages.append("fr")
                interests = rng.sample([s for s, _ in ref.INTERESTS], rng.randint(2, 5))
                if code == "riverside":
                    # Keep the scenarios' proposals clear: no other Riverside supporter is a
                    # fishing man in his 40s/50s or a French-speaking artist in their 20s.
                    if gender == Gender.MAN and 40 <= age <= 59:
                        interests = [i for i in interests if i not in {"fishing", "old-movies"}]
                    if age < 30:
                        interests = [i for i in interests if i != "art"]
                    languages = [x for x in languages if x != "fr"]
                # Most supporters were recruited before the program opened; some since.
                joined_on = today - timedelta(days=rng.randint(760, 1300) if rng.random() < 0.7
                                              else rng.randint(90, 700))
                status, reason, left_on, paused_on = SupporterProfile.Status.ACTIVE, "", None, None
                safety = True
                roll = rng.random()
                if new_budget and code in ref.REQUIRED_TRAINING and roll < 0.12:
                    new_budget -= 1
                    joined_on = today - timedelta(days=rng.randint(10, 25))
                    safety = False  # still in training: not yet eligible at this site
                elif left_budget and roll < 0.2:
                    left_budget -= 1
                    status = SupporterProfile.Status.LEFT
                    left_on = today - timedelta(days=rng.randint(30, 250))
                    joined_on = left_on - timedelta(days=rng.randint(200, 500))
                    reason = rng.choice(["Moved away", "Started full-time work",
                                         "Returned to school"])
                elif paused_budget and roll < 0.3:
                    paused_budget -= 1
                    status = SupporterProfile.Status.PAUSED
                    paused_on = today - timedelta(days=rng.randint(3, 40))
                    reason = rng.choice(["Asked for a break", "Family commitments",
                                         "Taking time for own wellbeing"])
                username = f"{_ascii(given)}.{_ascii(family)}".lower()
                user = self._user(username, given, family)
                fsa = rng.choice(riverside_fsas if code == "riverside" else href.fsas)
                info = self._supporter(
                    user=user, org=org, sites=sites, gender=gender, age=age,
                    employment=rng.choice(["volunteer", "volunteer", "paid"]),
                    capacity=rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5]), languages=languages,
                    interests=interests, fsa=fsa, modules=self._training(joined_on, safety=safety),
                    joined_on=joined_on, status=status, reason=reason, left_on=left_on,
                    paused_on=paused_on)
                for site in sites:
                    self.supporter_info[site].append(info)

    def _scenario_supporters(self) -> None:
        today = self.today
        thames = self.peer_orgs["thames-peers"]
        jordan = self._user("jordan", "Jordan", "Mercer")
        self.scripted["jordan"] = self._supporter(
            user=jordan, org=thames, sites=["riverside"], gender=Gender.MAN, age=44,
            employment="volunteer", capacity=3, languages=["en"],
            interests=["fishing", "walking", "cooking"], fsa="N6A",
            modules=self._training(today - timedelta(days=600), level2=True),
            joined_on=today - timedelta(days=600),
            slots=["mon-am", "mon-pm", "tue-pm", "wed-pm", "thu-eve", "sat-am"])
        alex = self._user("alex", "Alex", "Gagné")
        self.scripted["alex"] = self._supporter(
            user=alex, org=thames, sites=["riverside"], gender=Gender.NON_BINARY, age=26,
            employment="paid", capacity=3, languages=["fr", "en"],
            interests=["art", "music", "photography"], fsa="N6C",
            modules=self._training(today - timedelta(days=300), level2=False),
            joined_on=today - timedelta(days=300))
        linda = self._user("linda.morrison", "Linda", "Morrison")
        self.scripted["maya_supporter"] = self._supporter(
            user=linda, org=thames, sites=["riverside"], gender=Gender.WOMAN, age=53,
            employment="volunteer", capacity=2, languages=["en"],
            interests=["gardening", "reading", "faith-community"], fsa="N6H",
            modules=self._training(today - timedelta(days=800), level2=True),
            joined_on=today - timedelta(days=800))
        self.personas["supporter"] = jordan

    # ---- clients --------------------------------------------------------------------------

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

    def _new_client(self, site_code: str, referred_on: date) -> tuple[Client, list[str], list[str]]:
        rng = self.rng
        gender = rng.choices([Gender.MAN, Gender.WOMAN, Gender.NON_BINARY, Gender.TWO_SPIRIT,
                              Gender.UNDISCLOSED], [48, 45, 3, 1, 3])[0]
        given, family, lang = self._name(gender)
        age = min(80, max(18, int(rng.gauss(40, 13))))
        languages = [lang] if lang == "en" else [lang] + (["en"] if rng.random() < 0.7 else [])
        if lang == "en" and site_code in {"rideau-valley", "nickel-basin"} and rng.random() < 0.3:
            languages.append("fr")
        interests = rng.sample([s for s, _ in ref.INTERESTS], rng.randint(1, 4))
        client = Client(
            public_id=_uuid(self.ctx), given_name=given, family_name=family,
            date_of_birth=_birth_date(self.ctx, age, referred_on),
            health_card_number=_health_card(self.ctx) if rng.random() < 0.7 else "",
            gender=gender,
            pronouns={Gender.MAN: "he/him", Gender.WOMAN: "she/her",
                      Gender.NON_BINARY: "they/them", Gender.TWO_SPIRIT: "they/them"}.get(gender, ""),
            availability=self._slots(3, 10),
            home_fsa=rng.choice(self.hospital_ref[site_code].fsas),
        )
        if gender in {Gender.MAN, Gender.WOMAN} and rng.random() < 0.55:
            client.pref_gender = gender
            client.pref_gender_strength = (Strength.REQUIRED if rng.random() < 0.2
                                           else Strength.PREFERRED)
        if rng.random() < 0.3:
            low = max(18, (age // 10) * 10 - 10)
            client.pref_age_min, client.pref_age_max = low, low + rng.choice([19, 29])
            client.pref_age_strength = Strength.PREFERRED
        if lang != "en" and rng.random() < 0.6:
            client.pref_language = self.languages[lang]
            client.pref_language_strength = (Strength.REQUIRED if rng.random() < 0.2
                                             else Strength.PREFERRED)
        if rng.random() < 0.3:
            client.background = rng.choice([
                "Grew up in a small town; close to a younger brother.",
                "Worked in construction for years; wants to get back to work.",
                "Has a cat at home and worries about who feeds her while in hospital.",
                "Studied at college before getting unwell; would like to return.",
                "Recently moved to the city; does not know many people yet.",
            ])
        if rng.random() < 0.15:
            client.safety_notes = rng.choice([
                "Prefers meetings in public places at first.",
                "Ask before visiting at home; lives with a relative.",
                "Large crowds are hard; choose quiet places.",
            ])
        self._contact(client, self.hospital_ref[site_code].area_code)
        return client, languages, interests

    def _stays(self, site_code: str, referred_on: date) -> tuple[list[StayPlan], int]:
        """Earlier stays, the index stay during which the client was referred, readmissions."""
        rng, today = self.rng, self.today
        ward = self._ward(site_code)
        los = self._los(ward)
        admitted = referred_on - timedelta(days=rng.randint(0, min(10, max(0, los - 3))
                                                            if ward.ward_type == "acute"
                                                            else min(40, los - 5)))
        discharged = max(admitted + timedelta(days=los), referred_on + timedelta(days=2))
        index = StayPlan(ward=ward, admitted_on=admitted, discharged_on=discharged)
        before: list[StayPlan] = []
        cursor = admitted
        if rng.random() < 0.05:  # same-day transfer in from another hospital's ward
            other = rng.choice([h.code for h in ref.HOSPITALS if h.code != site_code])
            start = cursor - timedelta(days=rng.randint(2, 12))
            before.append(StayPlan(ward=self._ward(other, 0.0), admitted_on=start,
                                   discharged_on=cursor,
                                   destination=HospitalStay.Destination.OTHER_HOSPITAL))
            cursor = start
        for _ in range(rng.choices([0, 1, 2], [62, 28, 10])[0] - len(before)):
            hospital = site_code if rng.random() < 0.85 else rng.choice(
                [h.code for h in ref.HOSPITALS])
            w = self._ward(hospital)
            end = cursor - timedelta(days=rng.randint(20, 500))
            start = end - timedelta(days=self._los(w))
            before.append(StayPlan(ward=w, admitted_on=start, discharged_on=end,
                                   destination=self._destination()))
            cursor = start
        stays = list(reversed(before)) + [index]
        index_at = len(stays) - 1
        cursor = discharged
        for chance in READMISSION_CHANCE[: 4 - len(stays)]:  # at most four stays in all
            if rng.random() >= chance:
                break
            start = cursor + timedelta(days=max(1, int(rng.expovariate(1 / 110))))
            if start > today:
                break
            w = self._ward(site_code if rng.random() < 0.9 else rng.choice(
                [h.code for h in ref.HOSPITALS]), 0.1)
            stays.append(StayPlan(ward=w, admitted_on=start,
                                  discharged_on=start + timedelta(days=self._los(w))))
            cursor = stays[-1].discharged_on or today
        for stay in stays:
            if stay.discharged_on is not None and stay.discharged_on > today:
                # Still in hospital: the discharge date is only expected so far.
                stay.expected_discharge_on = stay.discharged_on
                stay.discharged_on = None
            elif stay.discharged_on is not None and not stay.destination:
                stay.destination = self._destination()
        # Open stays can only be the last; later planned stays after an open one are dropped.
        for i, stay in enumerate(stays):
            if stay.discharged_on is None:
                return stays[: i + 1], min(index_at, i)
        return stays, index_at

    def _destination(self) -> str:
        D = HospitalStay.Destination
        return self.rng.choices([D.HOME, D.SUPPORTED_HOUSING, D.SHELTER, D.OTHER], [70, 15, 7, 8])[0]

    def _shares(self) -> frozenset[str]:
        rng = self.rng
        chances = {"contact_details": 0.85, "discharge_date": 0.9, "stay_status": 0.65,
                   "background": 0.35, "safety_notes": 0.45}
        return frozenset(k for k, p in chances.items() if rng.random() < p)

    def _pick(self, plan: Plan, start: date, end: date | None,
              exclude: set[int]) -> SupporterInfo | None:
        """A supporter with a free place for the whole match, preferring common ground."""
        client = plan.client
        required = ref.REQUIRED_TRAINING.get(plan.site.code, ())
        langs = {lang.code for lang in plan.languages}
        interests = {i.slug for i in plan.interests}
        age = client.age_on(start)
        best: list[tuple[float, int, SupporterInfo]] = []
        for n, info in enumerate(self.supporter_info[plan.site.code]):
            if id(info) in exclude or not info.free_for(start, end, required):
                continue
            p = info.profile
            if client.pref_gender_strength == Strength.REQUIRED and p.gender != client.pref_gender:
                continue
            if (client.pref_language_strength == Strength.REQUIRED and client.pref_language
                    and client.pref_language.code not in info.languages):
                continue
            score = (2.0 * (p.gender == client.pref_gender) + 2.0 * bool(langs & info.languages)
                     + len(interests & info.interests) - abs(age - info.age) / 15
                     + self.rng.random())
            best.append((score, n, info))
        if not best:
            return None
        best.sort(key=lambda t: (-t[0], t[1]))
        return best[0][2]

    def _random_path(self, plan: Plan) -> None:
        """Walk one enrolment along the program's path; cut everything after today."""
        rng, today = self.rng, self.today
        r = plan.referred_on
        index = plan.stays[plan.index_stay]
        discharge = index.discharged_on or index.expected_discharge_on or today + timedelta(days=7)
        steps: list[tuple[str, date, str]] = [(S.REFERRED, r, "Referred by ward staff")]
        plan.steps = steps
        roll = rng.random()
        if roll < 0.07:
            on = r + timedelta(days=rng.randint(1, 6))
            if on <= today:
                steps.append((S.DECLINED, on, "Declined peer support"))
                plan.consents.append(ConsentPlan(on, False, frozenset(), "Declined peer support"))
            return
        consent_on = r + timedelta(days=rng.randint(0, 4))
        if consent_on > today or plan.stop_at == S.REFERRED:
            return
        plan.consents.append(ConsentPlan(consent_on, True, self._shares()))
        steps.append((S.CONSENTED, consent_on, "Consent recorded"))
        plan.social = rng.choices(["satisfied", "neutral", "unsatisfied", ""], [35, 30, 25, 10])[0]
        waitlist_on = consent_on + timedelta(days=rng.randint(0, 2))
        if waitlist_on > today or plan.stop_at == S.CONSENTED:
            return
        steps.append((S.WAITLISTED, waitlist_on, "Waiting for a peer supporter"))
        if roll < 0.11:
            on = waitlist_on + timedelta(days=rng.randint(5, 40))
            if on <= today:
                steps.append((S.WITHDRAWN, on, "Chose not to continue before a match"))
            return
        self._matched_path(plan, waitlist_on, discharge, exclude=set())

    def _matched_path(self, plan: Plan, waitlist_on: date, discharge: date,
                      exclude: set[int], second: bool = False) -> None:
        rng, today, steps = self.rng, self.today, plan.steps
        match_on = waitlist_on + timedelta(days=rng.randint(1, 21 if not second else 14))
        active_on = max(match_on + timedelta(days=rng.randint(0, 7)), discharge)
        outcome = rng.choices(["complete", "dropout", "rematch", "withdrew", "pause", "early"],
                              [55, 14, 10 if not second else 0, 6, 5, 10])[0]
        if outcome == "complete":
            end_on = active_on + timedelta(days=rng.randint(180, 370))
        elif outcome == "early":
            end_on = active_on + timedelta(days=rng.randint(90, 200))
        elif outcome == "pause":
            end_on = active_on + timedelta(days=rng.randint(200, 370))
        else:
            end_on = active_on + timedelta(days=rng.randint(20, 160))
        # A supporter with a free place; if none, the client waits (up to eight weeks more).
        info = None
        for wait in (0, 7, 14, 21, 28, 42, 56):
            shift = timedelta(days=wait)
            start, end = match_on + shift, end_on + shift
            if start > today:
                return  # still on the waitlist today
            info = self._pick(plan, start, end if end <= today else None, exclude)
            if info is not None:
                match_on, active_on, end_on = start, max(active_on + shift, discharge), end
                break
        if info is None:
            on = match_on + timedelta(days=63)
            if on <= today:
                steps.append((S.WITHDRAWN, on, "No peer supporter available in time"))
            return
        segment = Segment(info.profile, match_on, end_on if end_on <= today else None)
        info.busy.append((match_on, segment.end))
        plan.segments.append(segment)
        steps.append((S.MATCHED, match_on, "Matched with a peer supporter"))
        if active_on > today:
            return
        steps.append((S.ACTIVE, active_on, "Discharged; support continues in the community"))
        if outcome == "pause":
            hold_on = active_on + timedelta(days=rng.randint(30, 120))
            back_on = hold_on + timedelta(days=rng.randint(14, 45))
            if hold_on <= today:
                steps.append((S.ON_HOLD, hold_on, "Client asked for a pause"))
            if back_on <= today:
                steps.append((S.ACTIVE, back_on, "Back in touch"))
        if end_on > today:
            return
        M = Match.EndReason
        if outcome in {"complete", "early", "pause"}:
            segment.end_reason = M.COMPLETED
            if steps[-1][0] == S.ON_HOLD:
                steps.append((S.ACTIVE, end_on, "Back in touch"))
            steps.append((S.FINISHED, end_on, "Support completed" if outcome != "early"
                          else "Goals reached; support completed early"))
        elif outcome == "dropout":
            segment.end_reason = M.DROPPED_OUT
            segment.end_note = "No contact for several weeks despite outreach"
            steps.append((S.ON_HOLD, end_on, "Client dropped out"))
            later = end_on + timedelta(days=rng.randint(30, 90))
            if later <= today and rng.random() < 0.6:
                steps.append((S.WITHDRAWN, later, "Could not be reached"))
        elif outcome == "withdrew":
            segment.end_reason = M.WITHDREW
            segment.end_note = "Consent withdrawn"
            plan.consents.append(ConsentPlan(end_on, False, frozenset(), "Consent withdrawn"))
            steps.append((S.WITHDRAWN, end_on, "Consent to take part withdrawn"))
        else:  # rematch
            segment.end_reason = rng.choice([M.NO_RAPPORT, M.NO_RAPPORT, M.CLIENT_ASKED,
                                             M.SUPPORTER_ASKED])
            segment.do_not_rematch = segment.end_reason == M.NO_RAPPORT and rng.random() < 0.7
            segment.end_note = {"no_rapport": "We clicked at first, then nothing",
                                "client_asked": "Client asked for someone else",
                                "supporter_asked": "Supporter asked to hand over"}[segment.end_reason]
            steps.append((S.WAITLISTED, end_on, f"Match ended: {M(segment.end_reason).label}"))
            plan.priority = True
            self._matched_path(plan, end_on, end_on, exclude | {id(info)}, second=True)
            if plan.steps[-1][0] != S.WAITLISTED:
                plan.priority = False

    def _consent_changes(self, plan: Plan) -> None:
        """Some clients later stop sharing one category (the new version is in force at once)."""
        if not plan.consents or not plan.consents[0].participation or self.rng.random() > 0.12:
            return
        first = plan.consents[0]
        shared = sorted(first.share)
        on = first.on + timedelta(days=self.rng.randint(7, 200))
        closing = [d for s, d, _ in plan.steps if s in {S.WITHDRAWN, S.FINISHED, S.DECLINED}]
        if not shared or on > self.today or (closing and on >= closing[0]):
            return
        dropped = self.rng.choice(shared)
        plan.consents.insert(1, ConsentPlan(on, True, first.share - {dropped},
                                            f"Client asked to stop sharing: {dropped}"))

    def clients(self) -> None:
        rng, today = self.rng, self.today
        total = sum(SITE_VOLUME.values())
        done = 0
        for code, volume in SITE_VOLUME.items():
            site = self.sites[code]
            start = site.program_start_date or today
            span = (today - start).days - 3
            for n in range(volume):
                referred_on = start + timedelta(days=int(span * rng.random() ** 0.9))
                stop_at = ""
                if n < 2:  # this week's referrals: one awaits consent, one the waitlist
                    referred_on = today - timedelta(days=rng.randint(0, 3))
                    stop_at = S.REFERRED if n == 0 else S.CONSENTED
                client, langs, interests = self._new_client(code, referred_on)
                if code == "riverside":
                    # The scenarios' proposals stay clear (see supporters()).
                    interests = [i for i in interests if i not in {"fishing", "art"}] or ["reading"]
                stays, index_at = self._stays(code, referred_on)
                plan = Plan(client=client, site=site,
                            languages=[self.languages[x] for x in langs],
                            interests=[self.interests[x] for x in interests], stays=stays,
                            index_stay=index_at, referred_on=referred_on,
                            referrer=rng.choice(self.site_staff[code]),
                            note=rng.choice(["", "Lives alone; few supports in the community.",
                                             "Interested in peer support after hearing the "
                                             "on-ward group.", "First admission.",
                                             "Several admissions this year."]),
                            intensity=rng.choices(["standard", "intensive"], [85, 15])[0],
                            stop_at=stop_at)
                self.plans.append(plan)
                done += 1
                if done % 50 == 0:
                    self.ctx.progress("clients: planning", done, total)
        # Chronological, so supporters fill up in the order referrals arrived.
        self.plans.sort(key=lambda p: (p.referred_on, p.client.family_name, p.client.given_name))
        for plan in self.plans:
            self._random_path(plan)
            self._consent_changes(plan)
        self._scenario_clients()

    def _scripted(self, *, given: str, family: str, gender: str, age: int, langs: list[str],
                  interests: list[str], fsa: str, stays: list[StayPlan], referred_on: date,
                  steps: list[tuple[str, date, str]], segments: list[Segment],
                  consents: list[ConsentPlan], note: str = "") -> Plan:
        site = self.sites["riverside"]
        client = Client(public_id=_uuid(self.ctx), given_name=given, family_name=family,
                        date_of_birth=_birth_date(self.ctx, age, self.today), gender=gender,
                        pronouns={"man": "he/him", "woman": "she/her"}.get(gender, "they/them"),
                        home_fsa=fsa, availability=self._slots(4, 8),
                        health_card_number=_health_card(self.ctx))
        self._contact(client, "519")
        plan = Plan(client=client, site=site, languages=[self.languages[x] for x in langs],
                    interests=[self.interests[x] for x in interests], stays=stays,
                    index_stay=len(stays) - 1 if stays[-1].admitted_on <= referred_on else 0,
                    referred_on=referred_on, referrer=self.personas["ward_staff"], note=note,
                    steps=steps, segments=segments, consents=consents, social="neutral")
        for segment in segments:
            info = next(i for i in self.scripted.values() if i.profile is segment.supporter)
            info.busy.append((segment.start, segment.end))
        self.plans.append(plan)
        return plan

    def _scenario_clients(self) -> None:
        today = self.today

        def ago(days: int) -> date:
            return today - timedelta(days=days)

        acute = next(w for w in self.wards["riverside"] if w.ward_type == Ward.WardType.ACUTE)
        jordan, alex = self.scripted["jordan"].profile, self.scripted["alex"].profile
        linda = self.scripted["maya_supporter"].profile
        all_shares = frozenset({"contact_details", "discharge_date", "stay_status"})
        # Daniel: on the acute ward, home in about ten days, waiting for a peer supporter.
        daniel = self._scripted(
            given="Daniel", family="Tremblay", gender=Gender.MAN, age=46, langs=["en"],
            interests=["fishing", "old-movies"], fsa="N5Y",
            stays=[StayPlan(acute, ago(640), ago(619), destination="home"),
                   StayPlan(acute, ago(12), None, expected_discharge_on=today + timedelta(days=10))],
            referred_on=ago(5),
            steps=[(S.REFERRED, ago(5), "Referred by ward staff"),
                   (S.CONSENTED, ago(4), "Consent recorded"),
                   (S.WAITLISTED, ago(4), "Waiting for a peer supporter")],
            segments=[],
            consents=[ConsentPlan(ago(4), True, frozenset({"contact_details", "discharge_date"}),
                                  "Shares contact details and discharge date, not background")],
            note="Lives alone; expects to go home in about ten days; keen to meet a peer.")
        daniel.index_stay = 1
        c = daniel.client
        c.pref_gender, c.pref_gender_strength = Gender.MAN, Strength.PREFERRED
        c.pref_age_min, c.pref_age_max, c.pref_age_strength = 40, 59, Strength.PREFERRED
        c.background = "Worked as a bus mechanic; fished with his father on the Thames as a boy."
        # Maya: matched with a supporter thirty years older; it is not working.
        maya = self._scripted(
            given="Maya", family="Leblanc", gender=Gender.WOMAN, age=23, langs=["fr", "en"],
            interests=["art", "music"], fsa="N6B",
            stays=[StayPlan(acute, ago(150), ago(128), destination="home")], referred_on=ago(146),
            steps=[(S.REFERRED, ago(146), "Referred by ward staff"),
                   (S.CONSENTED, ago(145), "Consent recorded"),
                   (S.WAITLISTED, ago(145), "Waiting for a peer supporter"),
                   (S.MATCHED, ago(138), "Matched with a peer supporter"),
                   (S.ACTIVE, ago(128), "Discharged; support continues in the community")],
            segments=[Segment(linda, ago(138), None)],
            consents=[ConsentPlan(ago(145), True, all_shares | {"background"})])
        maya.client.pref_language = self.languages["fr"]
        maya.client.pref_language_strength = Strength.PREFERRED
        # Jordan's current client (one of three places used) and a completed year before it.
        self._scripted(
            given="Gary", family="Wilson", gender=Gender.MAN, age=58, langs=["en"],
            interests=["walking", "sports"], fsa="N5V",
            stays=[StayPlan(acute, ago(95), ago(74), destination="supported_housing")],
            referred_on=ago(90),
            steps=[(S.REFERRED, ago(90), "Referred by ward staff"),
                   (S.CONSENTED, ago(88), "Consent recorded"),
                   (S.WAITLISTED, ago(88), "Waiting for a peer supporter"),
                   (S.MATCHED, ago(84), "Matched with a peer supporter"),
                   (S.ACTIVE, ago(74), "Discharged; support continues in the community")],
            segments=[Segment(jordan, ago(84), None)], consents=[ConsentPlan(ago(88), True, all_shares)])
        self._scripted(
            given="Trevor", family="Hughes", gender=Gender.MAN, age=39, langs=["en"],
            interests=["gaming", "cooking"], fsa="N6E",
            stays=[StayPlan(acute, ago(540), ago(521), destination="home")], referred_on=ago(536),
            steps=[(S.REFERRED, ago(536), "Referred by ward staff"),
                   (S.CONSENTED, ago(535), "Consent recorded"),
                   (S.WAITLISTED, ago(535), "Waiting for a peer supporter"),
                   (S.MATCHED, ago(530), "Matched with a peer supporter"),
                   (S.ACTIVE, ago(521), "Discharged; support continues in the community"),
                   (S.FINISHED, ago(160), "Support completed")],
            segments=[Segment(jordan, ago(530), ago(160), Match.EndReason.COMPLETED)],
            consents=[ConsentPlan(ago(535), True, all_shares)])
        # Alex: one client, two free places.
        self._scripted(
            given="Chloe", family="Bennett", gender=Gender.WOMAN, age=29, langs=["en"],
            interests=["photography", "walking"], fsa="N6G",
            stays=[StayPlan(acute, ago(60), ago(41), destination="home")], referred_on=ago(57),
            steps=[(S.REFERRED, ago(57), "Referred by ward staff"),
                   (S.CONSENTED, ago(56), "Consent recorded"),
                   (S.WAITLISTED, ago(56), "Waiting for a peer supporter"),
                   (S.MATCHED, ago(50), "Matched with a peer supporter"),
                   (S.ACTIVE, ago(41), "Discharged; support continues in the community")],
            segments=[Segment(alex, ago(50), None)],
            consents=[ConsentPlan(ago(56), True, all_shares | {"safety_notes"})])
        self.daniel, self.maya = daniel.client, maya.client

    # ---- writing --------------------------------------------------------------------------

    def write_people(self) -> None:
        User.objects.bulk_create(self.users, batch_size=BATCH)
        RoleAssignment.objects.bulk_create(self.grants, batch_size=BATCH)
        infos = list(self.scripted.values()) + [
            i for infos in self.supporter_info.values() for i in infos]
        unique: dict[int, SupporterInfo] = {id(i): i for i in infos}
        self.all_supporters = list(unique.values())
        SupporterProfile.objects.bulk_create([i.profile for i in self.all_supporters],
                                             batch_size=BATCH)
        sites_t = SupporterProfile.sites.through
        langs_t = SupporterProfile.languages.through
        ints_t = SupporterProfile.interests.through
        sites_rows, lang_rows, int_rows, training = [], [], [], []
        coordinator_of = self.coordinators
        for info in self.all_supporters:
            pk = info.profile.pk
            sites_rows += [sites_t(supporterprofile_id=pk, programsite_id=self.sites[s].pk)
                           for s in info.sites]
            lang_rows += [langs_t(supporterprofile_id=pk, language_id=self.languages[c].pk)
                          for c in sorted(info.languages)]
            int_rows += [ints_t(supporterprofile_id=pk, interest_id=self.interests[c].pk)
                         for c in sorted(info.interests)]
            for code, on in sorted(info.ready_on.items()):
                module = self.modules[code]
                training.append(TrainingRecord(
                    public_id=_uuid(self.ctx), supporter=info.profile, module=module,
                    completed_on=on, recorded_by=coordinator_of[info.sites[0]],
                    expires_on=(on + timedelta(days=module.valid_for_days)
                                if module.valid_for_days else None)))
            safety = info.ready_on.get("safety")
            if safety and safety + timedelta(days=700) <= self.today:  # renewed safety training
                renewed = safety + timedelta(days=self.rng.randint(650, 700))
                training.append(TrainingRecord(
                    public_id=_uuid(self.ctx), supporter=info.profile, module=self.modules["safety"],
                    completed_on=renewed, recorded_by=coordinator_of[info.sites[0]],
                    expires_on=renewed + timedelta(days=730)))
        sites_t.objects.bulk_create(sites_rows, batch_size=BATCH)
        langs_t.objects.bulk_create(lang_rows, batch_size=BATCH)
        ints_t.objects.bulk_create(int_rows, batch_size=BATCH)
        TrainingRecord.objects.bulk_create(training, batch_size=BATCH)

    def write_clients(self) -> None:
        ctx, plans = self.ctx, self.plans
        Client.objects.bulk_create([p.client for p in plans], batch_size=BATCH)
        ctx.progress("clients: writing", 1, 5)
        langs_t, ints_t = Client.languages.through, Client.interests.through
        langs_t.objects.bulk_create([langs_t(client_id=p.client.pk, language_id=lang.pk)
                                     for p in plans for lang in p.languages], batch_size=BATCH)
        ints_t.objects.bulk_create([ints_t(client_id=p.client.pk, interest_id=i.pk)
                                    for p in plans for i in p.interests], batch_size=BATCH)
        stays: list[HospitalStay] = []
        index_stays: list[HospitalStay] = []
        for p in plans:
            made = [HospitalStay(public_id=_uuid(ctx), client=p.client, hospital=s.ward.hospital,
                                 ward=s.ward, admitted_on=s.admitted_on,
                                 expected_discharge_on=s.expected_discharge_on,
                                 discharged_on=s.discharged_on,
                                 discharge_destination=s.destination) for s in p.stays]
            stays += made
            index_stays.append(made[p.index_stay])
        HospitalStay.objects.bulk_create(stays, batch_size=BATCH)
        ctx.progress("clients: writing", 2, 5)
        enrolments: list[Enrolment] = []
        for p, stay in zip(plans, index_stays, strict=True):
            last_status, last_on, _ = p.steps[-1]
            waitlisted = [(i, d) for i, (s, d, _) in enumerate(p.steps) if s == S.WAITLISTED]
            enrolments.append(Enrolment(
                public_id=_uuid(ctx), client=p.client, site=p.site, status=last_status,
                status_changed_at=_at(last_on, len(p.steps) - 1), referred_on=p.referred_on,
                referred_by=p.referrer, referral_note=p.note, stay=stay,
                waitlisted_since=_at(waitlisted[-1][1], waitlisted[-1][0]) if waitlisted else None,
                priority=p.priority and last_status == S.WAITLISTED,
                support_intensity=p.intensity, social_relationships=p.social))
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        ctx.progress("clients: writing", 3, 5)
        history: list[EnrolmentStatusChange] = []
        consents: list[ConsentRecord] = []
        matches: list[Match] = []
        for p, enrolment in zip(plans, enrolments, strict=True):
            coordinator = self.coordinators[p.site.code]
            previous = ""
            for i, (status, on, reason) in enumerate(p.steps):
                history.append(EnrolmentStatusChange(
                    enrolment=enrolment, from_status=previous, to_status=status,
                    changed_at=_at(on, i), reason=reason,
                    actor=p.referrer if status == S.REFERRED else coordinator))
                previous = status
            for version, consent in enumerate(p.consents, start=1):
                consents.append(ConsentRecord(
                    enrolment=enrolment, version=version, participation=consent.participation,
                    recorded_by=coordinator, recorded_at=_at(consent.on, 0, -5), note=consent.note,
                    **{f"share_{name}": consent.participation and name in consent.share
                       for name in ("contact_details", "discharge_date", "stay_status",
                                    "background", "safety_notes")}))
            for segment in p.segments:
                matches.append(Match(
                    public_id=_uuid(ctx), enrolment=enrolment, client=p.client,
                    supporter=segment.supporter, site=p.site,
                    status=Match.Status.ACTIVE if segment.end is None else Match.Status.ENDED,
                    started_on=segment.start, ended_on=segment.end,
                    end_reason=segment.end_reason, end_note=segment.end_note,
                    do_not_rematch=segment.do_not_rematch,
                    home_visits_allowed=self.rng.random() < 0.3, created_by=coordinator))
        EnrolmentStatusChange.objects.bulk_create(history, batch_size=BATCH)
        ConsentRecord.objects.bulk_create(consents, batch_size=BATCH)
        Match.objects.bulk_create(matches, batch_size=BATCH)
        ctx.progress("clients: writing", 5, 5)
        self.enrolments, self.stays, self.matches = enrolments, stays, matches

    def publish(self) -> None:
        data = self.ctx.data
        data["sites"] = list(self.sites.values())
        data["hospitals"] = list(self.hospitals.values())
        data["peer_organisations"] = list(self.peer_orgs.values())
        data["wards"] = [w for wards in self.wards.values() for w in wards]
        data["supporters"] = [i.profile for i in self.all_supporters]
        data["clients"] = [p.client for p in self.plans]
        data["enrolments"] = self.enrolments
        data["stays"] = self.stays
        data["matches"] = self.matches
        data["personas"] = dict(self.personas)
        data["daniel"] = self.daniel
        data["maya"] = self.maya
        data["scenario_supporters"] = {k: i.profile for k, i in self.scripted.items()}


def generate(ctx: DemoContext) -> None:
    builder = Builder(ctx)
    ctx.progress("clients: reference data", 0, 5)
    builder.reference()
    builder.organisations()
    ctx.progress("clients: accounts", 1, 5)
    builder.accounts()
    builder.supporters()
    ctx.progress("clients: planning", 2, 5)
    builder.clients()
    builder.write_people()
    builder.write_clients()
    builder.publish()
