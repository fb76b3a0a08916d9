"""Reference data, organisations and sites, role accounts, and the peer supporters."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from bridgeway.core import french
from bridgeway.core.choices import Gender
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    PostalArea,
    ProgramSite,
    Role,
    StaffKind,
    TrainingModule,
    Ward,
)
from bridgeway.demo import reference as ref
from bridgeway.demo.context import new_uuid
from bridgeway.supporters.models import SupporterProfile

from .base import BuilderBase
from .plans import (
    SITE_SUPPORTERS,
    _ascii,
)


class PeopleMixin(BuilderBase):
    def reference(self) -> None:
        self.languages = {lang.code: lang for lang in Language.objects.bulk_create(
            [Language(code=c, name=n, name_fr=french.LANGUAGES.get(c, ""))
             for c, n in ref.LANGUAGES])}
        self.interests = {i.slug: i for i in Interest.objects.bulk_create(
            [Interest(slug=s, name=n, name_fr=french.INTERESTS.get(s, ""))
             for s, n in ref.INTERESTS])}
        self.modules = {m.code: m for m in TrainingModule.objects.bulk_create([
            TrainingModule(public_id=new_uuid(self.ctx), code=t.code, name=t.name, level=t.level,
                           valid_for_days=t.valid_for_days) for t in ref.TRAINING_MODULES])}
        self.centroids = ref.fsa_centroids()
        PostalArea.objects.bulk_create([PostalArea(fsa=fsa, latitude=lat, longitude=lon)
                                        for fsa, (lat, lon) in sorted(self.centroids.items())])

    def organisations(self) -> None:
        peer_orgs = Organisation.objects.bulk_create([
            Organisation(public_id=new_uuid(self.ctx), name=p.name, code=p.code,
                         kind=Organisation.Kind.PEER_ORGANISATION, city=p.city)
            for p in ref.PEER_ORGANISATIONS])
        self.peer_orgs = {o.code: o for o in peer_orgs}
        hospitals = Organisation.objects.bulk_create([
            Organisation(public_id=new_uuid(self.ctx), name=h.name, code=h.code,
                         kind=Organisation.Kind.HOSPITAL, city=h.city) for h in ref.HOSPITALS])
        self.hospitals = {o.code: o for o in hospitals}
        self.hospital_ref = {h.code: h for h in ref.HOSPITALS}
        wards = Ward.objects.bulk_create([
            Ward(public_id=new_uuid(self.ctx), hospital=self.hospitals[h.code], name=name,
                 ward_type=kind) for h in ref.HOSPITALS for name, kind in h.wards])
        self.wards = defaultdict(list)
        for ward in wards:
            self.wards[ward.hospital.code].append(ward)
        sites = ProgramSite.objects.bulk_create([
            ProgramSite(public_id=new_uuid(self.ctx), code=h.code, name=f"{h.name} TDM program",
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
            self.site_leads[code] = lead
            self.site_staff[code] = [nurse, nurse, social, bridging]  # nurses refer most
            if code == "riverside":
                self.personas.update(coordinator=coord, site_lead=lead, ward_staff=nurse)
        lee = self._user("lee", "Lee", "Chen")
        self._grant(lee, Role.EVALUATOR)
        site_evaluator = self._user("eval-limestone", "Robin", "Sinclair")
        self._grant(site_evaluator, Role.EVALUATOR, site=self.sites["limestone"])
        admin = self._user("admin", "Avery", "Admin", is_staff=True, is_superuser=True)
        self._grant(admin, Role.ADMINISTRATOR)
        # Riverside Hospital's privacy officer: reads access histories, never a record.
        officer = self._user("noor", "Noor", "Haddad")
        self._grant(officer, Role.PRIVACY_OFFICER, organisation=self.hospitals["riverside"])
        self.personas.update(evaluator=lee, admin=admin, privacy_officer=officer)

    def supporters(self) -> None:
        rng, today = self.rng, self.today
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
