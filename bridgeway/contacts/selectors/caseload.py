"""The list pages: the supporter's caseload, the coordinator's site view and a supporter's
weekly summary. Each runs a constant number of queries whatever the caseload or the history
(per-client figures from correlated subqueries over the (client, occurred_at) and
(supporter, occurred_at) indexes; related rows in one query each; see listing.py).
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from bridgeway.access.policy import clients_for_user, sites_for
from bridgeway.clients.models import Match
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.supporters.models import SupporterProfile

from .. import listing
from ..models import Contact, Outcome
from .common import url_template, week_start, zone_of

# A client without a contact for this many days is listed as lapsed.
LAPSE_DAYS = 14

# --- The supporter's caseload ---------------------------------------------------------------
# Rows are plain values (no model instances) and links are built from one reversed prefix:
# these pages list every client of a site, so per-row ORM and reverse() costs add up.

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



def caseload_for(user: User, *, now: datetime | None = None) -> Caseload:
    """The supporter's active matches with last contact, hours this week, next appointment,
    active goals and (where the client shares stay status) the open hospital stay.

    Two queries whatever the caseload or its history (see listing.py).
    """
    now = now or timezone.now()
    start = week_start(now)
    scope = clients_for_user(user, Role.PEER_SUPPORTER)
    client_url = url_template("contacts:client")
    appt_url = url_template("contacts:appointment")
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
    goal_url = url_template("contacts:goal")
    for g in listing.active_goals(list(by_client)):
        by_client[g["client_id"]].goals.append(GoalBrief(
            g["public_id"], g["title"], g["steps_done"], g["steps_total"],
            goal_url.format(g["public_id"])))
    return Caseload(rows=rows, week_start=start, supporter_public_id=supporter_public_id)



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
    week_url = url_template("contacts:week")
    client_url = url_template("contacts:client")
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
            minutes = minutes or 0  # a met contact always has a length (validate_contact)
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
