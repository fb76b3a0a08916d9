"""Demo step of the safety net, written through the services (and so through the audit).

Thresholds for every site; Daniel's binder and bridging; a matched inpatient whose discharge
date Priya sets (the supporter and coordinators are told) and whose pre-discharge checklist
ticks only what the contact log shows; an incident with its debrief; check-ins; one scan so
coordinators have alerts to work through, and outreach under way on one of them.

Every actor is what the access layer grants the persona (`authorize`), as on the pages, except
a supporter's own check-in, which the check-in page also records without a client or a site.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bridgeway.access.policy import Action, authorize, current_consent
from bridgeway.clients.models import Client, HospitalStay, Match
from bridgeway.clients.services import consent_record, stay_set_expected_discharge
from bridgeway.contacts.models import Contact, Outcome, Setting
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.demo.context import DemoContext
from bridgeway.safety.models import Alert, SafetyThresholds
from bridgeway.safety.notify import without_email
from bridgeway.safety.services import care
from bridgeway.safety.services.alerts import thresholds_save
from bridgeway.safety.services.incidents import debrief_record, incident_follow_up, incident_report
from bridgeway.safety.services.scan import scan_run
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.services import checkin_record, supervision_record

TZ = ZoneInfo("America/Toronto")


def generate(ctx: DemoContext) -> None:
    with without_email():
        _generate(ctx)


def _generate(ctx: DemoContext) -> None:
    sites: list[ProgramSite] = ctx.data["sites"]
    personas: dict[str, Any] = ctx.data["personas"]
    coordinators: dict[str, User] = ctx.data["coordinators"]
    ctx.progress("safety: thresholds", 0, 5)
    # Documented defaults everywhere; some sites chose tighter follow-up after discharge.
    for i, site in enumerate(sites):
        tighter = i % 4 == 1
        actor = authorize(coordinators[site.code], Action.MANAGE_SAFETY, site=site)
        thresholds_save(actor=actor, thresholds=SafetyThresholds(
            site=site, first_contact_days=5 if tighter else 7,
            lapse_warning_days=10 if tighter else 14))
    sam: User = personas["coordinator"]
    priya: User = personas["ward_staff"]
    riverside = next(s for s in sites if s.code == "riverside")
    # What the foundation step made, by client: read from memory, not queried back.
    stays: dict[int, list[HospitalStay]] = {}
    for stay in ctx.data["stays"]:
        stays.setdefault(stay.client_id, []).append(stay)
    open_stay = {c: s[-1] for c, s in stays.items() if s[-1].discharged_on is None}
    ctx.progress("safety: binder", 1, 5)
    _daniel(ctx, riverside, sam, priya, ctx.data["daniel"], open_stay)
    _discharge_notice(ctx, riverside, sam, priya, open_stay)
    ctx.progress("safety: incident and supervision", 2, 5)
    _incident_and_supervision(ctx, riverside, sam)
    ctx.progress("safety: scan", 3, 5)
    result = scan_run(actor=Actor.system("demo"), today=ctx.today)
    ctx.data["safety_alerts"] = result.created
    _outreach(ctx, coordinators)
    ctx.progress("safety: done", 5, 5)


def _daniel(ctx: DemoContext, site: ProgramSite, sam: User, priya: User, daniel: Client,
            open_stay: dict[int, HospitalStay]) -> None:
    """Daniel waits for a supporter: his binder and bridging say so, and his checklist is
    empty (nobody has met him as his peer yet). Setting his discharge date is left to the
    person trying the demo (SCENARIOS.md 2)."""
    today = ctx.today
    nurse = authorize(priya, Action.WRITE_BINDER, site=site)
    coordinator = authorize(sam, Action.WRITE_BINDER, site=site)
    care.binder_set_in_charge(actor=nurse, client=daniel, person=priya)
    entries = [
        (nurse, "discharge_planning", "Team meeting: discharge home planned in about ten days; "
                                      "community psychiatrist follow-up requested.", False),
        (coordinator, "update", "Met Daniel on the ward to explain peer support. He would like "
                                "a peer who fishes; matching this week. He would also like to "
                                "go back to college.", False),
        (nurse, "concern", "Medication change this week; watch for drowsiness.", True),
    ]
    for who, category, text, staff_only in entries:
        care.binder_add_entry(actor=who, client=daniel, category=category, text=text,
                              staff_only=staff_only)
    stay = open_stay.get(daniel.pk)
    if stay is not None:
        care.bridging_start(actor=authorize(priya, Action.RECORD_BRIDGING, site=site),
                            client=daniel, staff=priya,
                            started_on=max(stay.admitted_on, today - dt.timedelta(days=7)),
                            stay=stay)


def _ward_meetings(match: Match, stay: HospitalStay, today: dt.date) -> list[dt.date]:
    """Days the supporter met the client on the ward during this stay, from the contact log."""
    days = (Contact.objects.filter(client_id=match.client_id, supporter_id=match.supporter_id,
                                   outcome=Outcome.MET, setting=Setting.WARD,
                                   occurred_at__date__gte=stay.admitted_on,
                                   occurred_at__date__lte=today)
            .order_by("occurred_at").values_list("occurred_at", flat=True))
    return sorted({at.astimezone(TZ).date() for at in days})


def _discharge_notice(ctx: DemoContext, site: ProgramSite, sam: User, priya: User,
                      open_stay: dict[int, HospitalStay]) -> None:
    """A matched inpatient (Jordan's if he has one) whose discharge date Priya sets; the
    checklist records the ward meetings the contact log shows, and nothing it does not."""
    today = ctx.today
    jordan = ctx.data["scenario_supporters"]["jordan"]
    inpatients = sorted((m for m in ctx.data["matches"] if m.status == Match.Status.ACTIVE
                         and m.site_id == site.pk and m.client_id in open_stay),
                        key=lambda m: (m.supporter_id != jordan.pk, m.pk))  # Jordan's first
    if not inpatients:
        return
    met = {m.pk: _ward_meetings(m, open_stay[m.client_id], today) for m in inpatients}
    notice = next((m for m in inpatients if met[m.pk]), inpatients[0])
    stay = open_stay[notice.client_id]
    consent_share_discharge(notice, sam)
    expected = today + dt.timedelta(days=4)
    stay_set_expected_discharge(actor=authorize(priya, Action.RECORD_STAY, site=site),
                                stay=stay, expected_discharge_on=expected)
    meetings = met[notice.pk]
    if meetings:
        # Met on the ward at the first meeting; the community plan agreed at the latest one;
        # the first community meeting booked for a few days after discharge.
        care.checklist_update(actor=authorize(sam, Action.WRITE_BINDER, site=site), stay=stay,
                              met_on_ward_on=meetings[0], community_plan_agreed_on=meetings[-1],
                              first_meeting_on=expected + dt.timedelta(days=3))
    ctx.data["safety_discharge_notice"] = notice


def _incident_and_supervision(ctx: DemoContext, site: ProgramSite, sam: User) -> None:
    today = ctx.today
    coordinator = authorize(sam, Action.MANAGE_SAFETY, site=site)
    jordan: SupporterProfile = ctx.data["scenario_supporters"]["jordan"]
    jordan_user = jordan.user
    first = min((m for m in ctx.data["matches"]
                 if m.supporter_id == jordan.pk and m.status == Match.Status.ACTIVE),
                key=lambda m: m.pk, default=None)
    incident = incident_report(
        actor=authorize(jordan_user, Action.REPORT_INCIDENT, site=site), site=site,
        client=first.client if first is not None else None, supporter=jordan,
        kind="verbal_aggression",
        description="Another client shouted at me during the community meeting.",
        # Someone else was involved: the report is kept at the site, not against the client.
        involved="other", other_person="another client", place="community", severity="minor",
        occurred_at=dt.datetime.combine(today - dt.timedelta(days=2), dt.time(18, 30),
                                        tzinfo=TZ))
    incident_follow_up(actor=coordinator, incident=incident,
                       follow_up="Called Jordan the same evening; debrief booked.")
    debrief_record(actor=coordinator, incident=incident, site=site, kind="debrief",
                   held_on=today - dt.timedelta(days=1), supporters=[jordan],
                   notes="Talked it through; Jordan feels okay.")
    # A supporter's own check-in (as the check-in page records it: no client, no site).
    checkin_record(actor=Actor(user=jordan_user, role=Role.PEER_SUPPORTER),
                   supporter=jordan, feeling="fine")
    # Two colleagues at the same site check in: one would like to talk, one needs a break.
    others = list(SupporterProfile.objects.filter(sites=site, status="active")
                  .exclude(pk=jordan.pk).select_related("user").order_by("id")[:2])
    for profile, feeling in zip(others, ["talk", "break"], strict=False):
        checkin_record(actor=Actor(user=profile.user, role=Role.PEER_SUPPORTER),
                       supporter=profile, feeling=feeling,
                       note="Rough week." if feeling == "break" else "")
    supervision_record(actor=coordinator, site=site, kind="group",
                       held_on=today - dt.timedelta(days=6),
                       supporters=[jordan, *others])


def consent_share_discharge(match: Match, sam: User) -> None:
    """Make sure the demo client shares the discharge date (a new consent version if not)."""
    consent = current_consent(match.enrolment)
    if consent is not None and consent.participation and consent.share_discharge_date:
        return
    shared = set(consent.shared_categories()) if consent else set()
    consent_record(actor=authorize(sam, Action.RECORD_CONSENT, site=match.site),
                   enrolment=match.enrolment, participation=True,
                   share=shared | {"discharge_date"},
                   note="Demo: shares the discharge date with the peer supporter")


def _outreach(ctx: DemoContext, coordinators: dict[str, User]) -> None:
    """Outreach under way for a client with missed contacts (at Riverside if there is one, so
    Sam has it), recorded by the coordinator of the alert's site."""
    alerts = (Alert.objects.filter(rule="missed_contacts", status="open", client__isnull=False,
                                   site__isnull=False)
              .select_related("client", "site").order_by("id"))
    alert = alerts.filter(site__code="riverside").first() or alerts.first()
    if alert is None or alert.client is None or alert.site is None:
        return
    actor = authorize(coordinators[alert.site.code], Action.LOG_CONTACT, site=alert.site)
    case = care.outreach_open(actor=actor, client=alert.client, alert=alert)
    care.outreach_add_step(actor=actor, case=case, taken_on=ctx.today, method="phone",
                           note="No answer; left a message.")
