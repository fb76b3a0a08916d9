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
* per-diems for three hospitals (others use the documented defaults), through per_diem_set;
* reflections from peer supporters, staff and clients at 6 and 12 months after the start
  (quotes.py: each paraphrased quote once), recorded and coded through the outcomes services.

The usual-care and before-period clients, their stays and the ED visits are a bulk path
(docs/dev/demo-data.md): thousands of people who never meet the program, with no service of
their own to go through.

docs/outcomes.md states the effect the dashboards should recover.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from bridgeway.access.policy import Action, authorize
from bridgeway.clients.models import Client, Enrolment, HospitalStay
from bridgeway.core.models import ProgramSite, User, Ward
from bridgeway.demo.context import DemoContext, new_uuid
from bridgeway.demo.quotes import QUOTES
from bridgeway.outcomes import feedback
from bridgeway.outcomes.models import Descriptor, EDVisit, RespondentRole, Subtheme
from bridgeway.outcomes.services import excerpt_code, per_diem_set, reflection_record

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
    """Clients admitted between `first` and `last` (the index stay), and their readmissions.

    Admissions, not discharges, are drawn uniformly over the period and the length of stay is
    added: drawing discharges and subtracting would start each period with long stays that
    straddle its start (a length-biased group the evaluation must not be fed). Every stay of a
    usual-care client, readmissions included, has the usual-care length of stay, and
    readmissions keep coming at the same rate until the next one would fall after today.
    """
    rng, today = ctx.rng, ctx.today
    acute = [w for w in wards if w.ward_type == Ward.WardType.ACUTE] or wards
    tertiary = [w for w in wards if w.ward_type == Ward.WardType.TERTIARY] or wards

    def usual_los(ward: Ward) -> int:
        return _program_like_los(ctx, ward.ward_type) + LOS_EXTRA[Ward.WardType(ward.ward_type)]

    out = []
    span = max(1, (last - first).days)
    for _ in range(months * per_month):
        ward = rng.choice(tertiary) if rng.random() < 0.25 else rng.choice(acute)
        admitted = first + timedelta(days=rng.randint(0, span))
        stays: list[tuple[Ward, date, date | None]] = []
        while admitted < today:
            end = admitted + timedelta(days=usual_los(ward))
            stays.append((ward, admitted, end if end < today else None))
            if end >= today or rng.random() >= P_READMIT:
                break
            admitted = end + timedelta(days=max(1, int(rng.expovariate(1 / READMIT_DELAY_MEAN))))
            ward = rng.choice(acute)
        out.append((_client(ctx, stays[0][1]), stays, 0))
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
    """Focus-group reflections at 6 and 12 months per site and respondent role, recorded by the
    site's coordinator and coded by the evaluator through the outcomes services. Each quote of
    QUOTES is used once, by a respondent of its role."""
    # Its own generator: editing the quotes leaves the comparison arms (the known effect) as
    # they were.
    rng = random.Random(f"{ctx.seed}:outcomes:feedback")  # nosec B311 — synthetic demo data drawn from a seeded generator; not used for security
    coordinators: dict[str, User] = ctx.data["coordinators"]
    evaluator: User = ctx.data["personas"]["evaluator"]
    book = feedback.codebook_for(None)
    subthemes = {s.name: s for s in Subtheme.objects.filter(theme__codebook=book)
                 .select_related("theme")}
    slots: dict[str, list[tuple[ProgramSite, int, date]]] = {r: [] for r in RespondentRole.values}
    for site in sites:
        if site.program_start_date is None:
            continue
        for months in (6, 12):
            collected = site.program_start_date + relativedelta(months=months)
            if collected < ctx.today:
                for role in RespondentRole.values:
                    slots[role].append((site, months, collected))
    planned: dict[tuple[str, int], list[tuple[Subtheme, str]]] = {}
    for role, role_slots in slots.items():
        pool = [(subthemes[name], text) for name, said in sorted(QUOTES.items())
                for who, text in said if who == role and name in subthemes]
        rng.shuffle(pool)
        for n, quote in enumerate(pool):
            if role_slots:
                planned.setdefault((role, n % len(role_slots)), []).append(quote)
    order = {d: i for i, d in enumerate(Descriptor.values)}
    count = 0
    for (role, n), quotes in sorted(planned.items()):
        site, months, collected = slots[role][n]
        # The service stores one excerpt per line, descriptor by descriptor, in that order.
        quotes.sort(key=lambda q: order[q[0].theme.descriptor])
        texts: dict[str, list[str]] = {}
        for sub, text in quotes:
            texts.setdefault(sub.theme.descriptor, []).append(text)
        reflection = reflection_record(
            actor=authorize(coordinators[site.code], Action.RECORD_REFLECTION, site=site),
            site=site, respondent_role=role, timepoint_months=months, collected_on=collected,
            texts={d: "\n".join(lines) for d, lines in texts.items()})
        excerpts = list(reflection.excerpts.order_by("id"))
        if len(excerpts) != len(quotes):
            raise ValueError("the reflection service split a demo quote in two")
        for excerpt, (sub, _text) in zip(excerpts, quotes, strict=True):
            if rng.random() < 0.85:  # some are left to code
                excerpt_code(actor=authorize(evaluator, Action.CODE_FEEDBACK, site=site),
                             excerpt=excerpt, subtheme=sub, exemplar=rng.random() < 0.25)
        count += len(excerpts)
    return count


def generate(ctx: DemoContext) -> None:
    sites: list[ProgramSite] = ctx.data["sites"]
    wards_all: list[Ward] = ctx.data["wards"]
    total = len(sites) + 3
    # Feedback first: the reflection service checks quotes against the names of everyone on
    # record, and before the comparison arms exist that is a seventh of the people.
    excerpts = _reflections(ctx, sites)
    # Three hospitals' finance departments gave their rates (the others use the defaults):
    # each site lead enters them, as on the costs page.
    leads: dict[str, User] = ctx.data["site_leads"]
    for site in sorted(sites, key=lambda s: s.hospital.code)[:3]:
        actor = authorize(leads[site.code], Action.SET_PER_DIEM, site=site)
        for ward_type, amount in (("acute", "1180.00"), ("tertiary", "820.00")):
            per_diem_set(actor=actor, hospital=site.hospital, ward_type=ward_type,
                         amount=Decimal(amount), source="Demo: hospital finance, fiscal year rate")
    ctx.progress("outcomes", 2, total)
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
        ctx.progress("outcomes", i + 3, total)

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

    enrolled: list[Enrolment] = ctx.data["enrolments"]
    for e in enrolled:
        stay = e.stay
        if stay is not None and stay.discharged_on is not None:
            visits += _ed_visits(ctx, e.client_id, stay.hospital_id, stay.discharged_on,
                                 P_ED_PROGRAM)
    EDVisit.objects.bulk_create(visits, batch_size=1000)
    ctx.progress("outcomes", total, total)
    ctx.data["outcomes"] = {"usual_care_and_before_clients": len(clients), "stays": len(stays),
                            "ed_visits": len(visits), "excerpts": excerpts}
