"""Reads for the contacts app, always scoped through the access layer.

The list pages (caseload, site view) run a constant number of queries whatever the caseload
or the history: per-client figures come from correlated subqueries that use the
(client, occurred_at) and (supporter, occurred_at) indexes, and related rows (appointments,
goals, open stays) come in one query each for all clients shown.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bridgeway.access import reveals
from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess, clients_for_user, sites_for
from bridgeway.clients.models import ConsentRecord, HospitalStay, Match
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.supporters.models import SupporterProfile

from . import listing
from .models import Appointment, Contact, GoalStep, GroupSession, Outcome, RecoveryGoal, Setting

LAPSE_DAYS = 14


def zone_of(site: ProgramSite | None) -> tzinfo:
    if site is not None:
        try:
            return zoneinfo.ZoneInfo(site.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_current_timezone()


def week_start(now: datetime | None = None, tz: tzinfo | None = None) -> datetime:
    """Monday 00:00 of the current week in `tz`, as an aware datetime."""
    tz = tz or timezone.get_current_timezone()
    local = timezone.localtime(now or timezone.now(), tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time.min, tzinfo=tz)


def _last_contact_sq(**outer: str) -> Subquery:
    return Subquery(Contact.objects.filter(**{k: OuterRef(v) for k, v in outer.items()})
                    .order_by("-occurred_at").values("occurred_at")[:1],
                    output_field=DateTimeField())


def _minutes_since_sq(since: datetime, **outer: str) -> Coalesce:
    sq = (Contact.objects.filter(**{k: OuterRef(v) for k, v in outer.items()},
                                 occurred_at__gte=since, outcome=Outcome.MET)
          .order_by().values(*outer.keys()).annotate(total=Sum("duration_minutes")).values("total"))
    return Coalesce(Subquery(sq, output_field=IntegerField()), Value(0))


def _latest_consent_sq(column: str) -> Subquery:
    return Subquery(ConsentRecord.objects.filter(enrolment=OuterRef("enrolment"))
                    .order_by("-version").values(column)[:1])


# --- The supporter's caseload ---------------------------------------------------------------
# Rows are plain values (no model instances) and links are built from one reversed prefix:
# these pages list every client of a site, so per-row ORM and reverse() costs add up.

def _url_prefix(name: str) -> str:
    """'/contacts/clients/{}/' style template for a URL taking one public_id."""
    zero = uuid.UUID(int=0)
    return reverse(name, args=[zero]).replace(str(zero), "{}")


@dataclass
class AppointmentBrief:
    public_id: uuid.UUID
    starts_at: datetime
    place: str
    url: str


@dataclass
class GoalBrief:
    public_id: uuid.UUID
    title: str
    steps_done: int
    steps_total: int
    url: str


@dataclass
class CaseloadRow:
    client_id: int
    public_id: uuid.UUID
    given_name: str
    family_name: str
    supporter_id: int
    last_contact: datetime | None
    minutes_week: int
    target_minutes: int
    url: str = ""
    supporter_name: str = ""
    next_appointment: AppointmentBrief | None = None
    goals: list[GoalBrief] = field(default_factory=list)
    in_hospital_since: date | None = None

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def short_name(self) -> str:
        return f"{self.given_name} {self.family_name[:1]}."

    @property
    def at_target(self) -> bool:
        return self.minutes_week >= self.target_minutes

    @property
    def days_since_contact(self) -> int | None:
        if self.last_contact is None:
            return None
        return (timezone.now() - self.last_contact).days

    @property
    def lapsed(self) -> bool:
        days = self.days_since_contact
        return days is None or days >= LAPSE_DAYS


@dataclass
class Caseload:
    rows: list[CaseloadRow]
    week_start: datetime
    supporter_public_id: uuid.UUID | None


def supporter_profile(user: User) -> SupporterProfile | None:
    if not user.is_authenticated:
        return None
    return SupporterProfile.objects.filter(user=user).select_related("user").first()


def caseload_for(user: User, *, now: datetime | None = None) -> Caseload:
    """The supporter's active matches with last contact, hours this week, next appointment,
    active goals and (where the client shares stay status) the open hospital stay.

    Two queries whatever the caseload or its history (see listing.py).
    """
    now = now or timezone.now()
    start = week_start(now)
    scope = clients_for_user(user, Role.PEER_SUPPORTER)
    client_url = _url_prefix("contacts:client")
    appt_url = _url_prefix("contacts:appointment")
    rows = []
    supporter_public_id = None
    for m in listing.caseload_rows(user, scope, since=start, now=now):
        supporter_public_id = m["supporter_public_id"]
        appointment = None
        if m["appt_public_id"] is not None:
            appointment = AppointmentBrief(m["appt_public_id"], m["appt_starts_at"],
                                           m["appt_place"], appt_url.format(m["appt_public_id"]))
        rows.append(CaseloadRow(
            client_id=m["client_id"], public_id=m["public_id"], given_name=m["given_name"],
            family_name=m["family_name"], supporter_id=m["supporter_id"],
            last_contact=m["last_contact"], minutes_week=m["minutes_week"],
            target_minutes=m["target"], url=client_url.format(m["public_id"]),
            next_appointment=appointment,
            # Stay status is consent-gated (Info.STAY_STATUS): shown only if the client shares
            # it, exactly as access.policy.decide grants it to a matched supporter.
            in_hospital_since=m["open_stay_since"] if m["shares_stay"] else None))
    by_client = {r.client_id: r for r in rows}
    goal_url = _url_prefix("contacts:goal")
    for g in listing.active_goals(list(by_client)):
        by_client[g["client_id"]].goals.append(GoalBrief(
            g["public_id"], g["title"], g["steps_done"], g["steps_total"],
            goal_url.format(g["public_id"])))
    return Caseload(rows=rows, week_start=start, supporter_public_id=supporter_public_id)


def _goals_with_progress(qs: QuerySet[RecoveryGoal]) -> QuerySet[RecoveryGoal]:
    return qs.annotate(steps_total=Count("steps"),
                       steps_done=Count("steps", filter=Q(steps__done_on__isnull=False))
                       ).order_by("target_date", "title")


# --- The coordinator's site view ------------------------------------------------------------

@dataclass
class SupporterRow:
    supporter_id: int
    public_id: uuid.UUID
    name: str
    last_contact: datetime | None
    url: str = ""
    rows: list[CaseloadRow] = field(default_factory=list)

    @property
    def minutes_week(self) -> int:
        return sum(r.minutes_week for r in self.rows)

    @property
    def target_minutes(self) -> int:
        return sum(r.target_minutes for r in self.rows)

    @property
    def clients_at_target(self) -> int:
        return sum(1 for r in self.rows if r.at_target)

    @property
    def at_target(self) -> bool:
        return self.minutes_week >= self.target_minutes


@dataclass
class SiteView:
    site: ProgramSite
    sites: list[ProgramSite]
    supporters: list[SupporterRow]
    lapsed: list[CaseloadRow]
    week_start: datetime

    @property
    def clients(self) -> list[CaseloadRow]:
        return [r for s in self.supporters for r in s.rows]


def coordinator_sites(user: User) -> list[ProgramSite]:
    return list(sites_for(user, Role.COORDINATOR, Role.SITE_LEAD).order_by("name"))


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def site_view(user: User, site: ProgramSite, sites: list[ProgramSite], *,
              now: datetime | None = None) -> SiteView:
    """Per supporter at `site`: clients, hours this week against target, last contact; and
    the clients without a contact for LAPSE_DAYS or more. Two queries whatever the site's size
    or history (see listing.py)."""
    now = now or timezone.now()
    start = week_start(now, zone_of(site))
    scope = clients_for_user(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD)
    week_url = _url_prefix("contacts:week")
    client_url = _url_prefix("contacts:client")
    by_supporter = {
        s["id"]: SupporterRow(s["id"], s["public_id"],
                              _person(s["first_name"], s["last_name"], s["username"]),
                              s["last_contact"], week_url.format(s["public_id"]))
        for s in listing.site_supporter_rows(site)}
    lapsed = []
    target = site.weekly_commitment_minutes
    for m in listing.site_match_rows(site, scope, since=start):
        supporter_name = _person(m["first_name"], m["last_name"], m["username"])
        row = CaseloadRow(
            client_id=m["client_id"], public_id=m["public_id"], given_name=m["given_name"],
            family_name=m["family_name"], supporter_id=m["supporter_id"],
            last_contact=m["last_contact"], minutes_week=m["minutes_week"],
            target_minutes=target, url=client_url.format(m["public_id"]),
            supporter_name=supporter_name)
        holder = by_supporter.get(m["supporter_id"])
        if holder is None:  # matched supporter no longer listed at the site
            holder = by_supporter[m["supporter_id"]] = SupporterRow(
                m["supporter_id"], m["supporter_public_id"], supporter_name, None,
                week_url.format(m["supporter_public_id"]))
        holder.rows.append(row)
        if row.lapsed:
            lapsed.append(row)
    lapsed.sort(key=lambda r: r.last_contact or datetime.min.replace(tzinfo=zoneinfo.ZoneInfo("UTC")))
    return SiteView(site=site, sites=sites, supporters=list(by_supporter.values()), lapsed=lapsed,
                    week_start=start)


# --- Weekly summary of one supporter --------------------------------------------------------

@dataclass
class WeekSummary:
    start: date
    contacts_met: int = 0
    contacts_missed: int = 0
    minutes: int = 0
    group_contacts: int = 0
    clients_met: set[int] = field(default_factory=set)
    client_minutes: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    active_clients: int = 0
    target_minutes: int = 60

    @property
    def clients_at_target(self) -> int:
        return sum(1 for v in self.client_minutes.values() if v >= self.target_minutes)


def supporter_weeks(supporter: SupporterProfile, *, weeks: int = 8,
                    now: datetime | None = None) -> list[WeekSummary]:
    """The last `weeks` weeks of one supporter's contacts, newest first (no client names)."""
    now = now or timezone.now()
    site = supporter.sites.order_by("name").first()
    tz = zone_of(site)
    target = site.weekly_commitment_minutes if site else 60
    first = week_start(now, tz) - timedelta(weeks=weeks - 1)
    out = [WeekSummary(start=(first + timedelta(weeks=i)).date(), target_minutes=target)
           for i in range(weeks)]
    for occurred_at, minutes, outcome, client_id, is_group in (
            Contact.objects.filter(supporter=supporter, occurred_at__gte=first)
            .values_list("occurred_at", "duration_minutes", "outcome", "client_id", "is_group")):
        index = (timezone.localtime(occurred_at, tz).date() - first.date()).days // 7
        if not 0 <= index < weeks:
            continue
        week = out[index]
        if outcome == Outcome.MET:
            week.contacts_met += 1
            week.minutes += minutes
            week.clients_met.add(client_id)
            week.client_minutes[client_id] += minutes
            week.group_contacts += int(is_group)
        else:
            week.contacts_missed += 1
    for started_on, ended_on in Match.objects.filter(supporter=supporter).values_list(
            "started_on", "ended_on"):
        for week in out:
            end = week.start + timedelta(days=6)
            if started_on <= end and (ended_on is None or ended_on >= week.start):
                week.active_clients += 1
    return list(reversed(out))


# --- One client (after client_for_user decided) ---------------------------------------------

def note_visible(access: ClientAccess, contact: Contact) -> bool:
    """Notes are private to the supporter who wrote them and the coordinator (and admins).

    Ward staff lack Info.CONTACT_NOTES (access.categories); a peer supporter sees only the
    notes of contacts they logged or were the supporter for, not a former supporter's.
    """
    if not access.sees(Info.CONTACT_NOTES):
        return False
    if access.role == Role.PEER_SUPPORTER:
        supporter_user = contact.supporter.user_id if contact.supporter else None
        return access.user.pk in (supporter_user, contact.logged_by_id)
    return True


@dataclass
class ContactRow:
    contact: Contact
    note: str | None  # None: not shown to this viewer


def client_contacts(access: ClientAccess, *, limit: int = 50) -> list[ContactRow]:
    if not access.sees(Info.CONTACT_LOG):
        return []
    contacts = (Contact.objects.filter(client=access.client)
                .select_related("supporter__user", "group_session")
                .order_by("-occurred_at")[:limit])
    return [ContactRow(c, c.note if note_visible(access, c) else None) for c in contacts]


def open_stay(access: ClientAccess) -> HospitalStay | None:
    """The client's open hospital stay, only if this viewer may know the stay status."""
    return reveals.open_stay(access)


def contact_defaults(access: ClientAccess, *, in_hospital: bool,
                     now: datetime | None = None) -> dict[str, object]:
    """Initial values for the log form: the viewer's last one-to-one contact with the client."""
    now = now or timezone.now()
    last = (Contact.objects.filter(client=access.client, logged_by=access.user, is_group=False)
            .order_by("-occurred_at").first())
    initial: dict[str, object] = {
        "occurred_at": timezone.localtime(now).replace(second=0, microsecond=0),
        "mode": "in_person", "setting": Setting.WARD if in_hospital else Setting.COMMUNITY,
        "duration_minutes": 60, "activities": [], "outcome": Outcome.MET,
    }
    if last is not None:
        initial.update(mode=last.mode, setting=last.setting, duration_minutes=last.duration_minutes,
                       activities=list(last.activities or []))
        if in_hospital and last.setting != Setting.WARD and last.mode == "in_person":
            initial["setting"] = Setting.WARD  # readmitted since: visits happen on the ward
        if last.setting == Setting.HOME and not (access.match and access.match.home_visits_allowed):
            initial["setting"] = Setting.COMMUNITY
    return initial


def client_goals(access: ClientAccess, *, status: str | None = None,
                 with_steps: bool = True) -> list[RecoveryGoal]:
    """The client's goals with their step counts; the steps themselves only `with_steps`
    (the client page's section shows the counts only)."""
    if not access.sees(Info.GOALS):
        return []
    qs = _goals_with_progress(RecoveryGoal.objects.filter(client=access.client))
    if status is not None:
        qs = qs.filter(status=status)
    if with_steps:
        qs = qs.prefetch_related(Prefetch("steps",
                                          queryset=GoalStep.objects.order_by("position", "id")))
    return list(qs.order_by("status", "target_date", "title"))


def goal_detail(goal: RecoveryGoal) -> RecoveryGoal:
    """Steps and timeline of one goal (the caller has checked access to its client)."""
    return (RecoveryGoal.objects.filter(pk=goal.pk)
            .prefetch_related(Prefetch("steps", queryset=GoalStep.objects.order_by("position", "id")),
                              Prefetch("notes__author"))
            .get())


def client_appointments(access: ClientAccess, *, upcoming_only: bool = False) -> list[Appointment]:
    if not access.sees(Info.CONTACT_LOG):
        return []
    qs = Appointment.objects.filter(client=access.client).select_related("supporter__user")
    if upcoming_only:
        qs = qs.filter(starts_at__gte=timezone.now() - timedelta(hours=12),
                       outcome=Appointment.Outcome.PLANNED)
        return list(qs.order_by("starts_at")[:10])
    return list(qs.order_by("-starts_at")[:30])


# --- Groups and the calendar ----------------------------------------------------------------

def group_candidates(user: User, site: ProgramSite) -> QuerySet:
    """Clients the user may record at a group of `site`: in their access scope and enrolled
    (open) at the site."""
    from bridgeway.clients.models import CLOSED_STATUSES, Client

    return (Client.objects.filter(pk__in=clients_for_user(user).values("pk"))
            .filter(enrolments__site=site).exclude(enrolments__status__in=CLOSED_STATUSES)
            .distinct().order_by("given_name", "family_name"))


def group_sites(user: User) -> list[ProgramSite]:
    """Sites where the user may record a group: their coordinator sites and the sites the
    supporter serves (site leads oversee, they do not record)."""
    sites = set(sites_for(user, Role.COORDINATOR))
    profile = supporter_profile(user)
    if profile is not None:
        sites |= set(profile.sites.all())
    return sorted(sites, key=lambda s: s.name)


def feed_appointments(supporter: SupporterProfile, *, now: datetime | None = None) -> list[Appointment]:
    """Planned appointments (last 30 days onward) for clients still matched with the supporter."""
    now = now or timezone.now()
    scope = clients_for_user(supporter.user, Role.PEER_SUPPORTER)
    return list(Appointment.objects.filter(
        supporter=supporter, client__in=scope, starts_at__gte=now - timedelta(days=30))
        .exclude(outcome__in=[Appointment.Outcome.CANCELLED, Appointment.Outcome.RESCHEDULED])
        .select_related("client").order_by("starts_at"))


def feed_groups(supporter: SupporterProfile, *, now: datetime | None = None) -> list[GroupSession]:
    now = now or timezone.now()
    return list(GroupSession.objects.filter(facilitators=supporter, starts_at__gte=now - timedelta(days=30))
                .order_by("starts_at"))



def group_attendees(user: User, session: GroupSession) -> list:
    """The clients present at a group whom this user may see (others are only counted)."""
    return list(clients_for_user(user).filter(
        pk__in=Contact.objects.filter(group_session=session).values("client_id"))
        .order_by("given_name", "family_name"))
