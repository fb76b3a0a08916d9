"""Clients: their stays, and each enrolment's path through the program, with matches
that never take a supporter over capacity."""

from __future__ import annotations

from datetime import date, timedelta

from bridgeway.clients.models import (
    Client,
    HospitalStay,
    Match,
)
from bridgeway.core.choices import Gender, Strength
from bridgeway.demo import reference as ref
from bridgeway.demo.context import new_uuid

from .base import BuilderBase
from .plans import (
    READMISSION_CHANCE,
    SITE_VOLUME,
    ConsentPlan,
    Plan,
    S,
    Segment,
    StayPlan,
    SupporterInfo,
    _birth_date,
    _health_card,
)


class PathsMixin(BuilderBase):
    def _new_client(self, site_code: str, referred_on: date
                    ) -> tuple[Client, list[str], list[str], str]:
        rng = self.rng
        gender = rng.choices([Gender.MAN, Gender.WOMAN, Gender.NON_BINARY, Gender.TWO_SPIRIT,
                              Gender.UNDISCLOSED], [48, 45, 3, 1, 3])[0]
        given, family, lang = self._name(gender)
        age = min(80, max(18, int(rng.gauss(40, 13))))
        languages = [lang] if lang == "en" else [lang] + (["en"] if rng.random() < 0.7 else [])
        if lang == "en" and site_code in {"rideau-valley", "nickel-basin"} and rng.random() < 0.3:
            languages.append("fr")
        interests = rng.sample([s for s, _ in ref.INTERESTS], rng.randint(1, 4))
        # Drawn in the order the fields were drawn before identifiers left the client row.
        public_id = new_uuid(self.ctx)
        dob = _birth_date(self.ctx, age, referred_on)
        health_card = _health_card(self.ctx) if rng.random() < 0.7 else ""
        client = Client(
            public_id=public_id, given_name=given, family_name=family, date_of_birth=dob,
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
        return client, languages, interests, health_card

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
                client, langs, interests, health_card = self._new_client(code, referred_on)
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
                            stop_at=stop_at, health_card=health_card)
                self.plans.append(plan)
                done += 1
                if done % 50 == 0:
                    self.ctx.progress("clients: planning", done, total)
        # Chronological, so supporters fill up in the order referrals arrived.
        self.plans.sort(key=lambda p: (p.referred_on, p.client.family_name, p.client.given_name))
        for plan in self.plans:
            self._random_path(plan)
            self._consent_changes(plan)
