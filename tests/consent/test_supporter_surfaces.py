"""Consent proven by property: no surface a peer supporter reaches shows an unshared category.

Hypothesis draws a client (sharing any subset of the consent categories), the viewer (their
matched supporter, a former supporter whose match ended, another supporter at the site, or that
other supporter covering for the matched one before, during or after the cover), one to
three hospital stays (readmissions, the last one open or not, recorded through the services so
the notices and e-mails go out as in production), contacts, goals, appointments and alerts.
Each category's facts carry unique markers (tests/consent/world.py). Every surface is rendered
as the viewer in every example — the pages (home, My clients, the client page, caseload,
contacts, goals, each goal and appointment, alerts and each alert, the inbox, the safety page,
the calendar page, the supporter's own page), the inbox notices, the e-mails (subject and
body) and the calendar feed (.ics) — and must hold no marker of a fact the client has not
shared; on the client page, what is shared must show. The oracle for stays is
`bridgeway.access.reveals` (the one table of what each category reveals).

Supporters reach no export: the outcome exports and the research extract refuse them (the
access matrix proves it), so they are not rendered here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings

from bridgeway.access.reveals import REVEALS, TOGETHER, StayFact
from bridgeway.clients.covers import Cover
from bridgeway.clients.models import ConsentCategory, HospitalStay, Match
from bridgeway.clients.services import stay_admit, stay_discharge, stay_set_expected_discharge
from bridgeway.contacts.models import Appointment, Contact, RecoveryGoal
from bridgeway.core.actors import Actor
from bridgeway.safety.models import Alert, Notification
from tests import factories as f

from .conftest import CONSENT_PROFILE
from .world import (
    COVER_DAYS,
    SEES_AS_MATCHED,
    SEES_NOTHING,
    Markers,
    Plan,
    date_texts,
    plans,
    today,
)

pytestmark = pytest.mark.django_db
CD, DD, SS = (ConsentCategory.CONTACT_DETAILS.value, ConsentCategory.DISCHARGE_DATE.value,
              ConsentCategory.STAY_STATUS.value)
BG, SN = ConsentCategory.BACKGROUND.value, ConsentCategory.SAFETY_NOTES.value


@dataclass
class StayMarks:
    place: list[str]
    admitted: list[str]
    expected: list[str]
    discharged: list[str]
    is_open: bool


@dataclass
class Built:
    client: Any
    marks: Markers
    stays: list[StayMarks] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # URLs about this client's objects
    readmission_alerts: list[str] = field(default_factory=list)


def _stay(world: Any, client: Any, token: str, i: int, admitted_on: dt.date,
          expected_on: dt.date) -> HospitalStay:
    hospital = f.HospitalFactory(name=f"Hosp{token}x{i} General", code=f"h{token}x{i}")
    ward = f.WardFactory(hospital=hospital, name=f"Ward{token}x{i}")
    return HospitalStay.objects.create(client=client, hospital=hospital, ward=ward,
                                       admitted_on=admitted_on, expected_discharge_on=expected_on)


def build(world: Any, plan: Plan) -> Built:
    marks = Markers.new()
    t = marks.token
    day = today()
    staff = Actor(user=world.staff_a, role="ward_staff")
    client = f.ClientFactory(given_name=f"Giv{t}", family_name=f"Fam{t}",
                             phone=f"555-7{t}", email=f"m{t}@marker.example",
                             address=f"{t} Markerplace Road", background=f"Bg{t}story",
                             safety_notes=f"Sn{t}caution")
    marks.name = f"Giv{t}"
    marks.by_category = {CD: [f"555-7{t}", f"m{t}@marker.example", f"{t} Markerplace Road"],
                         BG: [f"Bg{t}story"], SN: [f"Sn{t}caution"]}
    built = Built(client=client, marks=marks)
    # Every stay but a readmission recorded through the service is written directly (history).
    direct = plan.stays[:-1] if plan.readmit_by_service else plan.stays
    stays: list[HospitalStay] = []
    for i, sp in enumerate(direct):
        admitted = day - dt.timedelta(days=sp.admitted_ago)
        last = i == len(plan.stays) - 1
        expected = (day + dt.timedelta(days=sp.expected_after) if sp.length is None
                    else admitted + dt.timedelta(days=sp.expected_after))
        stay = _stay(world, client, t, i, admitted, expected)
        if sp.length is not None and not (last and plan.discharge_by_service):
            stay.discharged_on = admitted + dt.timedelta(days=sp.length)
            stay.save(update_fields=["discharged_on"])
        stays.append(stay)
    enrolment = f.EnrolmentFactory(client=client, site=world.site_a, stay=stays[0],
                                   status="matched", referred_by=world.staff_a)
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a,
                     **{f"share_{c.value}": c.value in plan.shared for c in ConsentCategory})
    ended = plan.viewer == "former"
    match = f.MatchFactory(enrolment=enrolment, supporter=world.supporter, created_by=world.coord_a,
                           status=Match.Status.ENDED if ended else Match.Status.ACTIVE,
                           ended_on=day - dt.timedelta(days=1) if ended else None)
    if plan.viewer in COVER_DAYS:
        start, end = COVER_DAYS[plan.viewer]
        Cover.objects.create(match=match, supporter=world.other_supporter,
                             starts_on=day + dt.timedelta(days=start),
                             ends_on=day + dt.timedelta(days=end), created_by=world.coord_a)
    # The rest through the services, so the notices and e-mails go out as in production.
    if plan.readmit_by_service:
        sp = plan.stays[-1]
        i = len(plan.stays) - 1
        hospital = f.HospitalFactory(name=f"Hosp{t}x{i} General", code=f"h{t}x{i}")
        ward = f.WardFactory(hospital=hospital, name=f"Ward{t}x{i}")
        stays.append(stay_admit(actor=staff, client=client, ward=ward,
                                admitted_on=day - dt.timedelta(days=sp.admitted_ago)))
    last_plan, last = plan.stays[-1], stays[-1]
    if last_plan.length is None and (plan.set_expected_by_service or plan.readmit_by_service):
        stay_set_expected_discharge(actor=staff, stay=last,
                                    expected_discharge_on=day + dt.timedelta(
                                        days=last_plan.expected_after))
    if last_plan.length is not None and last.discharged_on is None:
        stay_discharge(actor=staff, stay=last,
                       discharged_on=last.admitted_on + dt.timedelta(days=last_plan.length))
    for stay in stays:
        stay.refresh_from_db()
        built.stays.append(StayMarks(
            place=[stay.hospital.name, stay.ward.name], admitted=date_texts(stay.admitted_on),
            expected=date_texts(stay.expected_discharge_on) if stay.expected_discharge_on else [],
            discharged=date_texts(stay.discharged_on) if stay.discharged_on else [],
            is_open=stay.is_open))
    now = timezone.now()
    supporter = world.supporter
    for i in range(plan.contacts):
        Contact.objects.create(client=client, match=match, supporter=supporter, site=world.site_a,
                               occurred_at=now - dt.timedelta(days=1 + 9 * i),
                               duration_minutes=30, note=f"Note{t}x{i}", logged_by=supporter.user)
        marks.always.append(f"Note{t}x{i}")
    for i in range(plan.goals):
        goal = RecoveryGoal.objects.create(client=client, site=world.site_a, domain="work",
                                           title=f"Goal{t}x{i}", created_by=supporter.user,
                                           target_date=day + dt.timedelta(days=121 + 30 * i))
        marks.always.append(f"Goal{t}x{i}")
        built.pages.append(reverse("contacts:goal", args=[goal.public_id]))
    for i in range(plan.appointments):
        appt = Appointment.objects.create(
            client=client, match=match, supporter=supporter, site=world.site_a,
            starts_at=now + dt.timedelta(days=46 + 30 * i), place=f"Place{t}x{i}",
            purpose=f"Purpose{t}x{i}", consent_to_accompany=True, created_by=supporter.user)
        marks.always.append(f"Place{t}x{i}")
        built.pages.append(reverse("contacts:appointment", args=[appt.public_id]))
    for rule in plan.alerts:
        alert = Alert.objects.create(rule=rule, severity="warning", site=world.site_a,
                                     subject_id=client.pk, client=client,
                                     owner_role="peer_supporter", due_on=day)
        (built.readmission_alerts if rule == "readmission" else marks.always).append(
            str(alert.public_id))
        built.pages.append(reverse("safety:alert", args=[alert.public_id]))
    return built


def stay_facts(shared: frozenset[str]) -> frozenset[StayFact]:
    facts: set[StayFact] = set()
    for category, named in REVEALS.items():
        if category in shared:
            facts |= named
    if all(category in shared for category in REVEALS):
        facts |= TOGETHER
    return frozenset(facts)


def forbidden(plan: Plan, built: Built) -> dict[str, list[str]]:
    """What the viewer must never see, by the reason it is withheld."""
    viewing = plan.shared if plan.viewer in SEES_AS_MATCHED else frozenset()
    facts = stay_facts(viewing)
    out: dict[str, list[str]] = {c: m for c, m in built.marks.by_category.items()
                                 if c not in viewing}
    stays = built.stays
    if StayFact.PLACE not in facts:
        out["stay place"] = [m for s in stays for m in s.place]
    if StayFact.ADMITTED_ON not in facts:
        out["admission date"] = [m for s in stays for m in s.admitted]
    if StayFact.IN_HOSPITAL not in facts:
        out["in hospital"] = ["In hospital", *built.readmission_alerts]
    # The same day written for another of the client's dates is not a leak of this one.
    other_days = {m for s in stays for m in (*s.admitted, *s.discharged)}
    out["expected discharge of a closed stay"] = [m for s in stays if not s.is_open
                                                  for m in s.expected if m not in other_days]
    if StayFact.EXPECTED_DISCHARGE not in facts:
        out["expected discharge"] = [m for s in stays if s.is_open for m in s.expected]
    discharged = [s for s in stays if s.discharged]
    if StayFact.EVERY_DISCHARGE not in facts:
        allowed = discharged[-1:] if StayFact.LATEST_DISCHARGE in facts else []
        out["discharge date"] = [m for s in discharged if s not in allowed for m in s.discharged]
    if plan.viewer in SEES_NOTHING:
        out["another supporter's client"] = [built.marks.name, *built.marks.always,
                                             *built.readmission_alerts]
    return {k: v for k, v in out.items() if v}


def must_show(plan: Plan, built: Built) -> list[str]:
    """What the matched (or covering) supporter's client page must show (one marker per
    shared fact)."""
    if plan.viewer not in SEES_AS_MATCHED:
        return []
    facts = stay_facts(plan.shared)
    out = [m for c, marks in built.marks.by_category.items() if c in plan.shared
           for m in marks[:1]]
    if StayFact.PLACE in facts:
        out += [s.place[0] for s in built.stays]
    if StayFact.EXPECTED_DISCHARGE in facts and built.stays[-1].is_open:
        out += built.stays[-1].expected[2:3]
    return out


def surfaces(http: HttpClient, built: Built, user: Any, feed: str, group: str) -> dict[str, str]:
    """The group's surfaces as the viewer reads them, as text by surface."""
    client_id = built.client.public_id
    if group == "client pages":
        urls = [reverse("clients:detail", args=[client_id]),
                reverse("contacts:client", args=[client_id]),
                reverse("contacts:goals", args=[client_id]),
                reverse("safety:client", args=[client_id]), *built.pages]
    else:
        urls = [reverse("clients:mine"), reverse("contacts:caseload"), reverse("safety:inbox"),
                reverse("safety:notifications"), reverse("contacts:calendar"),
                reverse("supporters:me")]
    out: dict[str, str] = {}
    for url in urls:
        response = http.get(url, follow=True)  # "me" redirects to the supporter's own page
        assert response.status_code in {200, 403, 404}, (url, response.status_code)
        out[url] = response.content.decode()
    if group == "lists and notices":
        out["calendar feed"] = http.get(
            reverse("contacts:calendar_feed", args=[feed])).content.decode()
        out["e-mails"] = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox
                                   if user.email in m.to)
        out["notices"] = "\n".join(f"{n.title}\n{n.body}" for n in
                                   Notification.objects.filter(recipient=user))
    return out


@hsettings(hsettings.get_profile(CONSENT_PROFILE))
@given(plan=plans())
@pytest.mark.parametrize("group", ["client pages", "lists and notices"])
def test_no_surface_shows_an_unshared_category(world: Any, viewers: Any,
                                               django_capture_on_commit_callbacks: Any,
                                               group: str, plan: Plan) -> None:
    """Two groups of surfaces, so that the two CI workers share the examples' cost."""
    http, user, feed = viewers["supporter" if plan.viewer in {"matched", "former"} else "other"]
    with transaction.atomic():
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            built = build(world, plan)
        texts = surfaces(http, built, user, feed, group)
        transaction.set_rollback(True)
    # A page's own address names its object (an alert page may say "not found" for its id).
    leaks = {f"{reason} on {surface}": [m for m in marks if m in text and m not in surface]
             for surface, text in texts.items() for reason, marks in forbidden(plan, built).items()}
    leaks = {k: v for k, v in leaks.items() if v}
    assert not leaks, leaks
    if group != "client pages":
        return
    page = texts[reverse("clients:detail", args=[built.client.public_id])]
    missing = [m for m in must_show(plan, built) if m not in page]
    assert not missing, missing
