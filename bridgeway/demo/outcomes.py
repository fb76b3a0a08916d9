"""Demo step for outcomes: usual-care clients on the same wards, a before-period, ED visits,
per-diems, and coded 6- and 12-month reflections, with a modest and KNOWN program effect.

The program arm comes from the foundation step (enrolled clients; readmission chance 30 % with
an exponential delay of mean 110 days, i.e. about 7 % within 30 days). This step adds, per site:

* before-period clients: ~10 discharges a month for the 36 months before the program start;
* usual-care clients: ~6 discharges a month after the start, never enrolled;
  both with readmission chance 45 % with an
  exponential delay of mean 80 days (14 % within 30 days: twice the program's, as in the
  Scottish pilot; 30 % within 90; 44 % within a year), and LOS 8 days (acute) / 12 days
  (tertiary) longer than the program's LOS distribution;
* mental-health ED visits after discharge: 40 % of usual-care and before-period clients,
  25 % of program clients (one visit, 1-200 days after discharge);
* per-diems for three hospitals (others use the documented defaults);
* reflections from peer supporters, staff and clients at 6 and 12 months after the start,
  split into excerpts (paraphrased in the spirit of the seed paper), most coded to Table 1.

docs/outcomes.md states the effect the dashboards should recover.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bridgeway.clients.models import Client, Enrolment, HospitalStay
from bridgeway.core.models import ProgramSite, Ward
from bridgeway.demo.context import DemoContext, new_uuid
from bridgeway.outcomes import feedback
from bridgeway.outcomes.models import (
    EDVisit,
    Excerpt,
    PerDiem,
    Reflection,
    RespondentRole,
    Subtheme,
)

TZ = ZoneInfo("America/Toronto")
BEFORE_PER_MONTH = 10
USUAL_CARE_PER_MONTH = 6
BEFORE_MONTHS = 36
# Usual care / before-period: readmission chance 45 % with an exponential delay of mean 80 days
# (14 % within 30 days, 30 % within 90, 44 % within a year), vs the program's 30 % with mean
# 110 days (7 %, 17 %, 29 %).
P_READMIT = 0.45
READMIT_DELAY_MEAN = 80.0
LOS_EXTRA = {Ward.WardType.ACUTE: 8, Ward.WardType.TERTIARY: 12}
P_ED_USUAL, P_ED_PROGRAM = 0.40, 0.25

GIVEN = ["Avery", "Blake", "Carmen", "Dariusz", "Elodie", "Farid", "Greer", "Hollis", "Imani",
         "Jovan", "Keira", "Lorcan", "Mireille", "Nuno", "Oona", "Pascale", "Quill", "Rosalind",
         "Soren", "Tamsin", "Ulric", "Vesna", "Wendell", "Xiomara", "Yusuf", "Zinnia"]
FAMILY = ["Abernethy", "Bellweather", "Castellane", "Dunmore", "Everleigh", "Fairbairn",
          "Greythorne", "Hallowell", "Inverarity", "Jessop", "Kilbride", "Lockhart", "Merriweather",
          "Northcote", "Ormsby", "Pemberton", "Quenneville", "Rutherford", "Stroud", "Thistlewood",
          "Underhill", "Vantongeren", "Whitlock", "Yardley"]

# Paraphrased excerpts per subtheme, in the spirit of the seed paper's focus groups.
QUOTES: dict[str, list[str]] = {
    "Promoting client autonomy": [
        "We took the bus together twice and now she goes to the drop-in on her own.",
        "I suggest a walk or the library, but the choice is always theirs."],
    "Establishing a safety net": [
        "People leave the ward and vanish from every service; we are the ones who keep calling.",
        "He told me I'm the one person he can still phone when everything else has closed his file."],
    "Peer support offers hope to clients": [
        "When they hear we have been through the same thing and are doing okay, you can see hope."],
    "Reducing readmissions and the cost of healthcare": [
        "She says this time feels different, she thinks she'll stay out of hospital longer."],
    "Ensuring consistent presence": [
        "When he was readmitted I just kept visiting, on the ward instead of the coffee shop."],
    "Helping clients to build their capacity and develop a routine": [
        "We built a weekly routine around groceries and the community garden."],
    "Attending regular on-ward and community meetings": [
        "The Tuesday group on the ward is where clients first get to know who we are."],
    "Accompanying clients to appointments": [
        "Going with him to the housing appointment meant he actually said what he needed."],
    "Working with clients to develop and to set goals": [
        "We broke 'go back to school' into small steps, starting with the open house."],
    "Peer support is fulfilling": [
        "Honestly it gives me as much as it gives them; I look forward to every visit."],
    "TDM as a different and exciting model": [
        "Meeting people before discharge is new for us and it changes the whole relationship."],
    "Fostering own recovery": [
        "Supporting someone else keeps me on track with my own recovery."],
    "Lack of understanding and appreciation of peer support roles": [
        "Some nurses still think we are visitors and don't tell us anything."],
    "Issues with matching peer supporter to clients": [
        "I was matched with someone thirty years younger and we had nothing in common."],
    "Issues of stigma": [
        "I worried my neighbours would find out why I volunteer on a psychiatric ward."],
    "Concerns about personal safety and vulnerability": [
        "A client shouted at me at the community meeting and I didn't know who to call."],
    "Fear of thinking about own triggers": [
        "Some stories bring back my own admission and I need time afterwards."],
    "Clients dropping out of the peer support program": [
        "After a few weeks she stopped answering and we never found out why."],
    "Dealing with matching issues": [
        "Match on interests and age, not on diagnosis, and let us swap when it doesn't click."],
    "Clarifying peer supporters' roles": [
        "A one-page description of what we do would help the ward staff."],
    "Improving communication": [
        "Tell us the discharge date early; twice I found out the client had already gone home."],
    "Providing appropriate training": [
        "More role play on hard conversations, and on looking after our own triggers."],
    "Bending information sharing rules": [
        "A little background, with the client's agreement, would make the first visit safer."],
}



def _program_like_los(ctx: DemoContext, ward_type: str) -> int:
    """The foundation step's LOS distribution (lognormal, clamped) for this ward type."""
    if ward_type == Ward.WardType.TERTIARY:
        return max(25, min(330, int(ctx.rng.lognormvariate(4.3, 0.5))))
    return max(3, min(75, int(ctx.rng.lognormvariate(2.8, 0.55))))


def _client(ctx: DemoContext, admitted: date) -> Client:
    rng = ctx.rng
    age = min(80, max(18, int(rng.gauss(41, 13))))
    gender = rng.choices(["man", "woman", "non_binary", "undisclosed"], [48, 46, 3, 3])[0]
    dob = admitted - timedelta(days=int(age * 365.25) + rng.randint(0, 364))
    return Client(public_id=new_uuid(ctx), given_name=rng.choice(GIVEN),
                  family_name=rng.choice(FAMILY), date_of_birth=dob, gender=gender)


def _plan_stays(ctx: DemoContext, wards: list[Ward], first: date, last: date, months: int,
                per_month: int) -> list[tuple[Client, list[tuple[Ward, date, date | None]], int]]:
    """Clients with an index stay discharged between `first` and `last`, and readmissions."""
    rng, today = ctx.rng, ctx.today
    acute = [w for w in wards if w.ward_type == Ward.WardType.ACUTE] or wards
    tertiary = [w for w in wards if w.ward_type == Ward.WardType.TERTIARY] or wards
    out = []
    span = max(1, (last - first).days)
    for _ in range(months * per_month):
        ward = rng.choice(tertiary) if rng.random() < 0.25 else rng.choice(acute)
        los = _program_like_los(ctx, ward.ward_type) + LOS_EXTRA[Ward.WardType(ward.ward_type)]
        discharged = first + timedelta(days=rng.randint(0, span))
        admitted = discharged - timedelta(days=los)
        stays: list[tuple[Ward, date, date | None]] = []
        main = len(stays)
        stays.append((ward, admitted, discharged))
        gap = (max(1, int(rng.expovariate(1 / READMIT_DELAY_MEAN)))
               if rng.random() < P_READMIT else None)
        if gap is not None and discharged + timedelta(days=gap) < today:
            back = discharged + timedelta(days=gap)
            w2 = rng.choice(acute)
            end: date | None = back + timedelta(days=_program_like_los(ctx, w2.ward_type))
            if end is not None and end >= today:
                end = None
            stays.append((w2, back, end))
        out.append((_client(ctx, admitted), stays, main))
    return out


def _ed_visits(ctx: DemoContext, client_id: int, hospital_id: int, discharged: date,
               p: float) -> list[EDVisit]:
    if ctx.rng.random() >= p:
        return []
    day = discharged + timedelta(days=ctx.rng.randint(1, 200))
    if day >= ctx.today:
        return []
    return [EDVisit(public_id=new_uuid(ctx), client_id=client_id, hospital_id=hospital_id,
                    visited_on=day, mental_health=ctx.rng.random() < 0.9)]


def _reflections(ctx: DemoContext, sites: list[ProgramSite]) -> int:
    book = feedback.codebook_for(None)
    subthemes = {s.name: s for s in Subtheme.objects.filter(theme__codebook=book)
                 .select_related("theme")}
    rng = ctx.rng
    reflections, pending = [], []
    for site in sites:
        if site.program_start_date is None:
            continue
        for months in (6, 12):
            collected = site.program_start_date + relativedelta(months=months)
            if collected >= ctx.today:
                continue
            for role in RespondentRole.values:
                r = Reflection(public_id=new_uuid(ctx), site=site, respondent_role=role,
                               timepoint_months=months, collected_on=collected)
                reflections.append(r)
                for name in rng.sample(sorted(QUOTES), rng.randint(3, 6)):
                    sub = subthemes.get(name)
                    if sub is None:
                        continue
                    pending.append((r, sub, rng.choice(QUOTES[name])))
    Reflection.objects.bulk_create(reflections)
    coded_at = datetime.combine(ctx.today, time(10, 0), tzinfo=TZ)
    excerpts = []
    for r, sub, text in pending:
        coded = rng.random() < 0.85
        excerpts.append(Excerpt(public_id=new_uuid(ctx), reflection=r,
                                descriptor=sub.theme.descriptor, text=text,
                                subtheme=sub if coded else None,
                                exemplar=coded and rng.random() < 0.2,
                                coded_at=coded_at if coded else None))
    Excerpt.objects.bulk_create(excerpts, batch_size=500)
    return len(excerpts)


def generate(ctx: DemoContext) -> None:
    sites: list[ProgramSite] = ctx.data.get("sites") or list(ProgramSite.objects.all())
    wards_all: list[Ward] = ctx.data.get("wards") or list(Ward.objects.all())
    total = len(sites) + 3
    plans: list[tuple[Client, list[tuple[Ward, date, date | None]], int]] = []
    for i, site in enumerate(sites):
        start = site.program_start_date
        wards = [w for w in wards_all if w.hospital_id == site.hospital_id]
        if start is None or not wards:
            continue
        before_first = start - relativedelta(months=BEFORE_MONTHS)
        plans += _plan_stays(ctx, wards, before_first, start - timedelta(days=1),
                             BEFORE_MONTHS, BEFORE_PER_MONTH)
        after_months = max(1, math.ceil((ctx.today - start).days / 30.4))
        plans += _plan_stays(ctx, wards, start, ctx.today - timedelta(days=2), after_months,
                             USUAL_CARE_PER_MONTH)
        ctx.progress("outcomes", i + 1, total)

    clients = Client.objects.bulk_create([c for c, _, _ in plans], batch_size=1000)
    stays: list[HospitalStay] = []
    visits: list[EDVisit] = []
    for (_, planned, main), client in zip(plans, clients, strict=True):
        for ward, admitted, discharged in planned:
            stays.append(HospitalStay(
                public_id=new_uuid(ctx), client_id=client.id, hospital_id=ward.hospital_id,
                ward=ward, admitted_on=admitted, discharged_on=discharged,
                expected_discharge_on=None if discharged else ctx.today + timedelta(days=7),
                discharge_destination="home" if discharged else ""))
        ward, _, discharged = planned[main]
        if discharged is not None:
            visits += _ed_visits(ctx, client.id, ward.hospital_id, discharged, P_ED_USUAL)
    HospitalStay.objects.bulk_create(stays, batch_size=1000)
    ctx.progress("outcomes", len(sites) + 1, total)

    enrolled = ctx.data.get("enrolments") or list(Enrolment.objects.select_related("stay"))
    for e in enrolled:
        stay = e.stay
        if stay is not None and stay.discharged_on is not None:
            visits += _ed_visits(ctx, e.client_id, stay.hospital_id, stay.discharged_on,
                                 P_ED_PROGRAM)
    EDVisit.objects.bulk_create(visits, batch_size=1000)

    hospitals = sorted({s.hospital for s in sites}, key=lambda h: h.code)[:3]
    PerDiem.objects.bulk_create([
        PerDiem(public_id=new_uuid(ctx), hospital=h, ward_type=wt, amount=Decimal(amount),
                source="Demo: hospital finance, fiscal year rate")
        for h in hospitals for wt, amount in (("acute", "1180.00"), ("tertiary", "820.00"))],
        ignore_conflicts=True)
    ctx.progress("outcomes", len(sites) + 2, total)
    excerpts = _reflections(ctx, sites)
    ctx.progress("outcomes", total, total)
    ctx.data["outcomes"] = {"usual_care_and_before_clients": len(clients), "stays": len(stays),
                            "ed_visits": len(visits), "excerpts": excerpts}
