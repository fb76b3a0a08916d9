"""Demo step of the safety net: thresholds, Daniel's binder, bridging and checklist, a
discharge notice, an incident with its debrief, check-ins, and one scan so coordinators have
alerts to work through. Everything goes through the services (and so through the audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from bridgeway.clients.models import Client, HospitalStay, Match
from bridgeway.clients.services import consent_record, stay_set_expected_discharge
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.demo.context import DemoContext
from bridgeway.safety import care, services
from bridgeway.safety.models import Alert, SafetyThresholds
from bridgeway.safety.notify import without_email
from bridgeway.supporters.models import SupporterProfile


def _actor(user: User, role: str, site: ProgramSite | None = None) -> Actor:
    return Actor(user=user, role=role, site_code=site.code if site else "")


def generate(ctx: DemoContext) -> None:
    with without_email():
        _generate(ctx)


def _generate(ctx: DemoContext) -> None:
    sites: list[ProgramSite] = list(ctx.data.get("sites") or ProgramSite.objects.all())
    personas: dict[str, Any] = ctx.data.get("personas", {})
    ctx.progress("safety: thresholds", 0, 5)
    # Documented defaults everywhere; two sites chose tighter follow-up after discharge.
    rows = []
    for i, site in enumerate(sites):
        tighter = i % 4 == 1
        rows.append(SafetyThresholds(site=site, first_contact_days=5 if tighter else 7,
                                     lapse_warning_days=10 if tighter else 14))
    SafetyThresholds.objects.bulk_create(rows, ignore_conflicts=True)

    sam: User | None = personas.get("coordinator")
    priya: User | None = personas.get("ward_staff")
    jordan_user: User | None = personas.get("supporter")
    lead: User | None = personas.get("site_lead")
    daniel: Client | None = ctx.data.get("daniel")
    if sam and priya and jordan_user and daniel:
        _daniel(ctx, sam, priya, jordan_user, lead, daniel)
    ctx.progress("safety: scan", 3, 5)
    result = services.scan_run(actor=Actor.system("demo"))
    ctx.data["safety_alerts"] = result.created
    _outreach(ctx, sam)
    ctx.progress("safety: done", 5, 5)


def _daniel(ctx: DemoContext, sam: User, priya: User, jordan_user: User, lead: User | None,
            daniel: Client) -> None:
    today = timezone.localdate()
    site = daniel.enrolments.select_related("site").order_by("-status_changed_at").first()
    site_obj = site.site if site else ProgramSite.objects.first()
    assert site_obj is not None  # noqa: S101  # the foundation step made the sites
    coordinator = _actor(sam, Role.COORDINATOR, site_obj)
    nurse = _actor(priya, Role.WARD_STAFF)
    jordan = SupporterProfile.objects.get(user=jordan_user)
    supporter = _actor(jordan_user, Role.PEER_SUPPORTER, site_obj)
    ctx.progress("safety: binder", 1, 5)
    care.binder_set_in_charge(actor=nurse, client=daniel, person=priya)
    entries = [
        (nurse, "discharge_planning", "Team meeting: discharge home planned for Friday; "
                                      "community psychiatrist follow-up requested.", False),
        (coordinator, "appointment", "First community meeting with Jordan booked for Monday "
                                     "at the coffee shop near home.", False),
        (coordinator, "update", "Met Daniel at the Tuesday on-ward group; matching this week. "
                                "He would like to go back to college.", False),
        (nurse, "concern", "Medication change this week; watch for drowsiness.", True),
    ]
    for who, category, text, staff_only in entries:
        care.binder_add_entry(actor=who, client=daniel, category=category, text=text,
                              staff_only=staff_only)
    stay = (HospitalStay.objects.filter(client=daniel, discharged_on__isnull=True).first()
            or HospitalStay.objects.filter(client=daniel).order_by("-admitted_on").first())
    if stay is not None:
        care.bridging_start(actor=nurse, client=daniel, staff=priya,
                            started_on=max(stay.admitted_on, today - dt.timedelta(days=7)),
                            stay=stay)
        care.checklist_update(actor=coordinator, stay=stay,
                              met_on_ward_on=max(stay.admitted_on, today - dt.timedelta(days=3)),
                              community_plan_agreed_on=today - dt.timedelta(days=1),
                              first_meeting_on=today + dt.timedelta(days=5))
        if stay.discharged_on is None:
            # Priya sets the discharge date: Jordan (Daniel shares it) and Sam are told.
            stay_set_expected_discharge(actor=nurse, stay=stay,
                                        expected_discharge_on=today + dt.timedelta(days=3))
    # One of Jordan's own clients still on the ward: Priya sets the discharge date, and
    # Jordan (the client shares it) and the coordinators are told.
    mine = (Match.objects.filter(supporter=jordan, status=Match.Status.ACTIVE)
            .select_related("client", "site").order_by("id"))
    on_ward = HospitalStay.objects.filter(client_id=OuterRef("client_id"),
                                          discharged_on__isnull=True)
    inpatients = (Match.objects.filter(status=Match.Status.ACTIVE, site=site_obj)
                  .filter(Exists(on_ward)).select_related("client", "site", "enrolment")
                  .order_by("id"))
    notice = inpatients.filter(supporter=jordan).first() or inpatients.first()
    if notice is not None:
        open_stay = HospitalStay.objects.get(client=notice.client, discharged_on__isnull=True)
        consent_share_discharge(notice, sam)
        stay_set_expected_discharge(actor=nurse, stay=open_stay,
                                    expected_discharge_on=today + dt.timedelta(days=4))
        ctx.data["safety_discharge_notice"] = notice
    first = mine.first()
    reported_about = first.client if first is not None else None
    ctx.progress("safety: incident and supervision", 2, 5)
    incident = services.incident_report(
        actor=supporter, site=site_obj, client=reported_about, supporter=jordan,
        kind="verbal_aggression",
        description="Another client shouted at me during the community meeting.",
        occurred_at=timezone.now() - dt.timedelta(days=2))
    services.incident_follow_up(actor=coordinator, incident=incident,
                                follow_up="Called Jordan the same evening; debrief booked.")
    services.supervision_record(actor=coordinator, site=site_obj, kind="debrief",
                                held_on=today - dt.timedelta(days=1), supporters=[jordan],
                                incident=incident, notes="Talked it through; Jordan feels okay.")
    services.checkin_record(actor=supporter, supporter=jordan, feeling="fine")
    # Two colleagues at the same site check in: one would like to talk, one needs a break.
    others = list(SupporterProfile.objects.filter(sites=site_obj, status="active")
                  .exclude(pk=jordan.pk).order_by("id")[:2])
    for profile, feeling in zip(others, ["talk", "break"], strict=False):
        services.checkin_record(actor=_actor(profile.user, Role.PEER_SUPPORTER, site_obj),
                                supporter=profile, feeling=feeling,
                                note="Rough week." if feeling == "break" else "")
    if lead is not None:
        services.supervision_record(actor=coordinator, site=site_obj, kind="group",
                                    held_on=today - dt.timedelta(days=6),
                                    supporters=[jordan, *others])


def consent_share_discharge(match: Match, sam: User) -> None:
    """Make sure the demo client shares the discharge date (a new consent version if not)."""
    consent = match.enrolment.consents.order_by("-version").first()
    if consent is not None and consent.participation and consent.share_discharge_date:
        return
    shared = set(consent.shared_categories()) if consent else set()
    consent_record(actor=_actor(sam, Role.COORDINATOR, match.site), enrolment=match.enrolment,
                   participation=True, share=shared | {"discharge_date"},
                   note="Demo: shares the discharge date with the peer supporter")


def _outreach(ctx: DemoContext, sam: User | None) -> None:
    """Outreach under way for the first client with missed contacts."""
    alert = (Alert.objects.filter(rule="missed_contacts", status="open")
             .select_related("client", "site").order_by("id").first())
    if alert is None or alert.client is None or sam is None:
        return
    actor = _actor(sam, Role.COORDINATOR, alert.site)
    case = care.outreach_open(actor=actor, client=alert.client, alert=alert)
    care.outreach_add_step(actor=actor, case=case, taken_on=timezone.localdate(), method="phone",
                           note="No answer; left a message.")
