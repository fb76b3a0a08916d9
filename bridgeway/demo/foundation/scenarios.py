"""The people of SCENARIOS.md, placed by script: Jordan, Alex, Maya's supporter, Daniel, Maya."""

from __future__ import annotations

from datetime import date, timedelta

from bridgeway.clients.models import (
    Client,
    Match,
)
from bridgeway.core.choices import Gender, Strength
from bridgeway.core.models import (
    Ward,
)
from bridgeway.demo.context import new_uuid

from .base import BuilderBase
from .plans import (
    ConsentPlan,
    Plan,
    S,
    Segment,
    StayPlan,
    _birth_date,
    _health_card,
)


class ScenarioMixin(BuilderBase):
    def scenario_supporters(self) -> None:
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

    def _scripted(self, *, given: str, family: str, gender: str, age: int, langs: list[str],
                  interests: list[str], fsa: str, stays: list[StayPlan], referred_on: date,
                  steps: list[tuple[str, date, str]], segments: list[Segment],
                  consents: list[ConsentPlan], note: str = "") -> Plan:
        site = self.sites["riverside"]
        client = Client(public_id=new_uuid(self.ctx), given_name=given, family_name=family,
                        date_of_birth=_birth_date(self.ctx, age, self.today), gender=gender,
                        pronouns={"man": "he/him", "woman": "she/her"}.get(gender, "they/them"),
                        home_fsa=fsa, availability=self._slots(4, 8))
        health_card = _health_card(self.ctx)
        self._contact(client, "519")
        plan = Plan(client=client, site=site, languages=[self.languages[x] for x in langs],
                    interests=[self.interests[x] for x in interests], stays=stays,
                    index_stay=len(stays) - 1 if stays[-1].admitted_on <= referred_on else 0,
                    referred_on=referred_on, referrer=self.personas["ward_staff"], note=note,
                    steps=steps, segments=segments, consents=consents, social="neutral",
                    health_card=health_card)
        for segment in segments:
            info = next(i for i in self.scripted.values() if i.profile is segment.supporter)
            info.busy.append((segment.start, segment.end))
        self.plans.append(plan)
        return plan

    def scenario_clients(self) -> None:
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
