"""The contacts step of the demo program: a supporter's weeks, groups, appointments and goals.

For every match the foundation step made (active and ended): roughly weekly contacts over the
match's life — on the ward while the client is in hospital, then in the community, by phone
and text in between; some no-shows and unanswered calls, a few lapses; weekly on-ward groups
and monthly community groups with attendance; upcoming accompanied appointments; recovery
goals with steps and a timeline (Daniel-style "go back to college part time"). A bulk path
(docs/dev/demo-data.md: a year of weekly contacts per match is history the services cannot
write, and 15,000 audited calls would take minutes); deterministic for a seed and a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bridgeway.clients.models import Client, HospitalStay, Match
from bridgeway.contacts.models import (
    Activity,
    Appointment,
    Contact,
    GoalNote,
    GoalStep,
    GroupSession,
    Mode,
    Outcome,
    RecoveryGoal,
    Setting,
)
from bridgeway.core.models import ProgramSite
from bridgeway.demo.context import DemoContext, new_uuid
from bridgeway.supporters.models import SupporterProfile

BATCH = 1000
OUTCOMES = ([Outcome.MET] * 84 + [Outcome.NO_SHOW] * 6 + [Outcome.NOT_REACHED] * 6
            + [Outcome.CANCELLED_CLIENT] * 3 + [Outcome.CANCELLED_SUPPORTER])
NOTES = [
    "Coffee near home, then took the bus to the community centre together.",
    "Walked by the river; talked about getting out more.",
    "Planned the week: groceries, laundry, a call to the pharmacy.",
    "Went to the mall; practised the bus route.",
    "Listened; a hard week. Agreed to talk again on Thursday.",
    "Looked at the drop-in programs at the library.",
    "Quick check-in by phone; doing OK.",
    "Worked on the goal's next step together.",
    "Visited on the ward; talked about going home.",
    "Short text exchange; confirmed next meeting.",
    "",
    "",
]
GOALS: dict[str, list[tuple[str, list[str]]]] = {
    "school": [("Go back to college part time in September",
                ["Visit the college's open house", "Ask about bursaries",
                 "Fill in the application"])],
    "work": [("Find a part-time job", ["Update my résumé", "Visit the employment centre",
                                       "Apply to three places"]),
             ("Volunteer one morning a week", ["Call the food bank", "Try one shift"])],
    "housing": [("Move into my own apartment", ["Apply for housing support",
                                                 "Visit two apartments"])],
    "social": [("Join a group I enjoy", ["Find a walking group", "Go twice"]),
               ("Call my sister every week", ["Agree a day with her"])],
    "routine_health": [("Keep a daily routine", ["Get up by nine", "Cook dinner three times a week"]),
                       ("Walk 20 minutes a day", ["Find a route near home"])],
    "leisure": [("Go fishing again", ["Get a fishing licence", "Borrow a rod"]),
                ("Take a pottery class", ["Find a class at the community centre"])],
}
APPOINTMENTS = [("Housing office", "Housing application"), ("Family doctor", "Check-up"),
                ("Employment centre", "First visit"), ("Ontario Works office", "Benefits review"),
                ("Pharmacy", "Medication pick-up"), ("Community college", "Admissions advice")]
TOPICS_WARD = ["Coping with stress", "Planning for home", "Sleep and routine",
               "What peer support is", "Getting around the city"]
TOPICS_COMMUNITY = ["Walking group", "Cooking on a budget", "Games afternoon", "Art drop-in"]



class Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        # Everything comes from what the foundation step made (ctx.data), not from queries:
        # the matching step proposes nothing ahead of the person trying the demo.
        self.sites: dict[int, ProgramSite] = {s.pk: s for s in ctx.data["sites"]}
        self.supporters: dict[int, SupporterProfile] = {s.pk: s for s in ctx.data["supporters"]}
        self.clients: dict[int, Client] = {c.pk: c for c in ctx.data["clients"]}
        matches: list[Match] = list(ctx.data["matches"])
        self.matches = sorted(matches, key=lambda m: (m.started_on, m.pk))
        self.stays: dict[int, list[HospitalStay]] = defaultdict(list)
        for stay in ctx.data["stays"]:
            self.stays[stay.client_id].append(stay)
        self.contacts: list[Contact] = []
        self.personas: dict[str, Any] = ctx.data["personas"]
        # Contacts are logged up to yesterday: which hours of today are past depends on when
        # the demo is loaded, and one seed on one day must give one program.
        self.last_day = self.today - timedelta(days=1)

    def _zone(self, site_id: int) -> ZoneInfo:
        site = self.sites.get(site_id)
        try:
            return ZoneInfo(site.time_zone if site else "America/Toronto")
        except (KeyError, ValueError):
            return ZoneInfo("America/Toronto")

    def _at(self, day: date, site_id: int, earliest: int = 10, latest: int = 18) -> datetime:
        hour = self.rng.randint(earliest, latest)
        return datetime.combine(day, time(hour, self.rng.choice([0, 15, 30, 45])),
                                tzinfo=self._zone(site_id))

    def _in_hospital(self, client_id: int, day: date) -> bool:
        return any(s.admitted_on <= day and (s.discharged_on is None or day <= s.discharged_on)
                   for s in self.stays.get(client_id, []))

    def _activities(self, setting: str) -> list[str]:
        pool = [Activity.ROUTINE, Activity.LEISURE, Activity.GOAL_WORK,
                Activity.EMOTIONAL_SUPPORT, Activity.EMOTIONAL_SUPPORT,
                Activity.COMMUNITY_RESOURCES]
        if setting == Setting.APPOINTMENT:
            return [Activity.ADVOCACY.value]
        picked = {self.rng.choice(pool).value for _ in range(self.rng.randint(1, 3))}
        return sorted(picked)

    # ---- one-to-one contacts ----------------------------------------------------------------

    def one_to_one(self) -> None:
        total = len(self.matches)
        for i, match in enumerate(self.matches):
            if i % 50 == 0:
                self.ctx.progress("contacts: one-to-one", i, total)
            self._match_contacts(match)

    def _match_contacts(self, match: Match) -> None:
        supporter = self.supporters[match.supporter_id]
        end = min(match.ended_on or self.last_day, self.last_day)
        if match.status == Match.Status.ACTIVE and self.rng.random() < 0.12:
            end = self.today - timedelta(days=self.rng.randint(15, 25))  # a lapse to notice
        day = match.started_on + timedelta(days=self.rng.randint(0, 3))
        dropping = match.end_reason in (Match.EndReason.DROPPED_OUT, Match.EndReason.NO_RAPPORT)
        last_mode = Mode.IN_PERSON
        lapse_at = (day + timedelta(days=self.rng.randint(30, 200))
                    if self.rng.random() < 0.15 else None)
        while day <= end:
            in_hospital = self._in_hospital(match.client_id, day)
            near_end = dropping and (end - day).days < 28
            outcome = self.rng.choice(OUTCOMES)
            if near_end and self.rng.random() < 0.6:
                outcome = self.rng.choice([Outcome.NO_SHOW, Outcome.NOT_REACHED])
            if in_hospital:
                mode, setting = Mode.IN_PERSON, Setting.WARD
                minutes = self.rng.choice([30, 45, 45, 60])
            else:
                r = self.rng.random()
                if r < 0.55:
                    mode = Mode.IN_PERSON
                    s = self.rng.random()
                    setting = (Setting.HOME if match.home_visits_allowed and s < 0.2
                               else Setting.APPOINTMENT if s > 0.92 else Setting.COMMUNITY)
                    minutes = self.rng.choice([45, 60, 60, 75, 90, 120])
                elif r < 0.85:
                    mode, setting = Mode.PHONE, Setting.COMMUNITY
                    minutes = self.rng.choice([10, 15, 20, 30, 40])
                elif r < 0.9:
                    mode, setting = Mode.VIDEO, Setting.COMMUNITY
                    minutes = self.rng.choice([20, 30, 45])
                else:
                    mode, setting = Mode.TEXT, Setting.COMMUNITY
                    minutes = self.rng.choice([5, 10])
            if outcome == Outcome.NOT_REACHED:
                mode, minutes = Mode.PHONE, 5
            last_mode = mode
            met = outcome == Outcome.MET  # nobody met: no length, a missed call no place (0022)
            self.contacts.append(Contact(
                public_id=new_uuid(self.ctx), client_id=match.client_id, match_id=match.pk,
                supporter_id=match.supporter_id, site_id=match.site_id,
                occurred_at=self._at(day, match.site_id),
                duration_minutes=minutes if met else None, mode=mode,
                setting="" if outcome == Outcome.NOT_REACHED else setting, is_group=False,
                activities=self._activities(setting) if outcome == Outcome.MET else [],
                outcome=outcome,
                note=self.rng.choice(NOTES) if outcome == Outcome.MET else "",
                logged_by_id=supporter.user_id))
            # A quick phone call between meetings, now and then.
            if outcome == Outcome.MET and last_mode == Mode.IN_PERSON and self.rng.random() < 0.25:
                extra = day + timedelta(days=3)
                if extra <= end:
                    self.contacts.append(Contact(
                        public_id=new_uuid(self.ctx), client_id=match.client_id, match_id=match.pk,
                        supporter_id=match.supporter_id, site_id=match.site_id,
                        occurred_at=self._at(extra, match.site_id), duration_minutes=15,
                        mode=Mode.PHONE, setting=Setting.COMMUNITY, is_group=False,
                        activities=[Activity.EMOTIONAL_SUPPORT.value], outcome=Outcome.MET,
                        note="", logged_by_id=supporter.user_id))
            step = self.rng.choice([5, 6, 7, 7, 7, 8, 9])
            if lapse_at is not None and day >= lapse_at:
                step, lapse_at = self.rng.randint(15, 24), None
            day += timedelta(days=step)

    # ---- groups -------------------------------------------------------------------------------

    def groups(self) -> None:
        # In the order the enrolments were made (a dict, not a set: a set of ids iterates by
        # their values, and the same seed must draw the same groups whatever ids rows get).
        enrolled: dict[int, dict[int, None]] = defaultdict(dict)
        for e in self.ctx.data["enrolments"]:
            enrolled[e.site_id][e.client_id] = None
        by_site: dict[int, list[SupporterProfile]] = defaultdict(list)
        active_supporters = {m.supporter_id for m in self.matches if m.status == Match.Status.ACTIVE}
        for m in self.matches:
            profile = self.supporters.get(m.supporter_id)
            if profile is not None and profile not in by_site[m.site_id]:
                by_site[m.site_id].append(profile)
        self.ctx.progress("contacts: groups", 0, 1)
        sessions: list[tuple[GroupSession, list[SupporterProfile], list[int]]] = []
        active_match = {(m.client_id, m.site_id): m for m in self.matches
                        if m.status == Match.Status.ACTIVE}
        for site in self.sites.values():
            pool = by_site.get(site.pk) or []
            if not pool:
                continue
            preferred = [p for p in pool if p.pk in active_supporters] or pool
            creator = self.personas.get("coordinator")
            for weeks_ago in range(12, 0, -1):
                for kind in ("on_ward", "community"):
                    if kind == "community" and weeks_ago % 4:
                        continue
                    day = self.today - timedelta(weeks=weeks_ago) + timedelta(days=1)
                    if kind == "on_ward":
                        present = [c for c in enrolled[site.pk]
                                   if any(s.hospital_id == site.hospital_id
                                          and s.admitted_on <= day
                                          and (s.discharged_on is None or day <= s.discharged_on)
                                          for s in self.stays.get(c, []))]
                    else:
                        present = [c for (c, s) in active_match if s == site.pk]
                    self.rng.shuffle(present)
                    present = sorted(present[: self.rng.randint(2, 6)])
                    if not present:
                        continue
                    facilitators = self.rng.sample(preferred, k=min(len(preferred), self.rng.choice([1, 2])))
                    created_by_id = (creator.pk if creator is not None and site.code == "riverside"
                                     else facilitators[0].user_id)
                    session = GroupSession(
                        public_id=new_uuid(self.ctx), site_id=site.pk, kind=kind,
                        topic=self.rng.choice(TOPICS_WARD if kind == "on_ward" else TOPICS_COMMUNITY),
                        starts_at=self._at(day, site.pk, 13, 15), duration_minutes=self.rng.choice([60, 90]),
                        created_by_id=created_by_id)
                    # Attendance taken when the group ended (decision 0024).
                    session.attendance_taken_at = session.starts_at + timedelta(
                        minutes=session.duration_minutes)
                    sessions.append((session, facilitators, present))
        GroupSession.objects.bulk_create([s for s, _, _ in sessions], batch_size=BATCH)
        through = GroupSession.facilitators.through
        links = []
        for session, facilitators, present in sessions:
            facilitator_ids = {f.pk for f in facilitators}
            for f in facilitators:
                links.append(through(groupsession_id=session.pk, supporterprofile_id=f.pk))
            for client_id in present:
                match = active_match.get((client_id, session.site_id))
                supporter_id = (match.supporter_id if match and match.supporter_id in facilitator_ids
                                else facilitators[0].pk)
                self.contacts.append(Contact(
                    public_id=new_uuid(self.ctx), client_id=client_id,
                    match_id=match.pk if match else None, supporter_id=supporter_id,
                    site_id=session.site_id, occurred_at=session.starts_at,
                    duration_minutes=session.duration_minutes, mode=Mode.IN_PERSON,
                    setting=Setting.WARD if session.kind == "on_ward" else Setting.COMMUNITY,
                    is_group=True, group_session_id=session.pk,
                    activities=[Activity.EMOTIONAL_SUPPORT.value], outcome=Outcome.MET,
                    note="", logged_by_id=session.created_by_id))
        through.objects.bulk_create(links, batch_size=BATCH)

    # ---- appointments and goals -----------------------------------------------------------

    def appointments_and_goals(self) -> None:
        self.ctx.progress("contacts: goals and appointments", 0, 1)
        appointments: list[Appointment] = []
        goals: list[tuple[RecoveryGoal, list[str], int]] = []
        jordan = self.personas.get("supporter")
        for match in self.matches:
            supporter = self.supporters[match.supporter_id]
            active = match.status == Match.Status.ACTIVE
            is_jordan = jordan is not None and supporter.user_id == jordan.pk
            if active and (is_jordan or self.rng.random() < 0.45):
                place, purpose = self.rng.choice(APPOINTMENTS)
                day = self.today + timedelta(days=self.rng.randint(1, 14))
                starts = datetime.combine(day, time(self.rng.randint(9, 15), 30),
                                          tzinfo=self._zone(match.site_id))
                appointments.append(Appointment(
                    public_id=new_uuid(self.ctx), client_id=match.client_id, match_id=match.pk,
                    supporter_id=match.supporter_id, site_id=match.site_id, starts_at=starts,
                    duration_minutes=self.rng.choice([45, 60, 90]), place=place, purpose=purpose,
                    reminder_minutes=self.rng.choice([60, 120, 1440]), consent_to_accompany=True,
                    created_by_id=supporter.user_id))
            if not (active or self.rng.random() < 0.4):
                continue
            count = 2 if is_jordan else self.rng.choice([0, 1, 1, 2])
            domains = ["school"] if is_jordan else []
            domains += self.rng.sample(list(GOALS), k=count)
            for domain in dict.fromkeys(domains):
                title, steps = self.rng.choice(GOALS[domain])
                started = match.started_on + timedelta(days=self.rng.randint(7, 30))
                started = min(started, self.last_day)
                done_steps = 0 if is_jordan and domain == "school" else self.rng.randint(0, len(steps))
                if not active:
                    status = self.rng.choice([RecoveryGoal.Status.ACHIEVED, RecoveryGoal.Status.DROPPED,
                                              RecoveryGoal.Status.ACHIEVED])
                elif done_steps == len(steps) and self.rng.random() < 0.5:
                    status = RecoveryGoal.Status.ACHIEVED
                else:
                    status = self.rng.choice([RecoveryGoal.Status.ACTIVE] * 5 + [RecoveryGoal.Status.PAUSED])
                target_year = self.today.year + (1 if self.today.month >= 9 else 0)
                target = (date(target_year, 9, 1) if domain == "school"
                          else started + timedelta(days=self.rng.choice([60, 90, 180])))
                goal = RecoveryGoal(
                    public_id=new_uuid(self.ctx), client_id=match.client_id, site_id=match.site_id,
                    domain=domain, title=title, target_date=target, status=status,
                    status_changed_at=datetime.combine(started, time(11), tzinfo=self._zone(match.site_id)),
                    created_by_id=supporter.user_id)
                goals.append((goal, steps, done_steps))
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
        RecoveryGoal.objects.bulk_create([g for g, _, _ in goals], batch_size=BATCH)
        steps_out: list[GoalStep] = []
        notes_out: list[GoalNote] = []
        for goal, steps, done in goals:
            started = goal.status_changed_at.date() if goal.status_changed_at else self.today
            notes_out.append(GoalNote(public_id=new_uuid(self.ctx), goal_id=goal.pk,
                                      kind=GoalNote.Kind.CREATED, text=goal.title,
                                      author_id=goal.created_by_id))
            for position, title in enumerate(steps):
                done_on = None
                if position < done:
                    done_on = min(started + timedelta(days=14 * (position + 1)), self.today)
                    notes_out.append(GoalNote(public_id=new_uuid(self.ctx), goal_id=goal.pk,
                                              kind=GoalNote.Kind.STEP_DONE, text=title,
                                              author_id=goal.created_by_id))
                steps_out.append(GoalStep(public_id=new_uuid(self.ctx), goal_id=goal.pk, title=title,
                                          position=position, done_on=done_on))
            if self.rng.random() < 0.5:
                notes_out.append(GoalNote(public_id=new_uuid(self.ctx), goal_id=goal.pk,
                                          kind=GoalNote.Kind.NOTE,
                                          text=self.rng.choice(["Talked it through over coffee.",
                                                                "Feeling more confident about this.",
                                                                "Hard week; kept the goal but slower."]),
                                          author_id=goal.created_by_id))
        GoalStep.objects.bulk_create(steps_out, batch_size=BATCH)
        GoalNote.objects.bulk_create(notes_out, batch_size=BATCH)

    def write_contacts(self) -> None:
        self.ctx.progress("contacts: writing", 0, 1)
        Contact.objects.bulk_create(self.contacts, batch_size=BATCH)
        self.ctx.data["contacts_count"] = len(self.contacts)


def generate(ctx: DemoContext) -> None:
    builder = Builder(ctx)
    builder.one_to_one()
    builder.groups()
    builder.appointments_and_goals()
    builder.write_contacts()
    ctx.progress("contacts: done", 1, 1)
