"""Writes of the safety net: alerts and their handling, the scan, discharge notices,
incidents, supervision and check-ins. Keyword-only, atomic, audited in the same transaction.

Binder, bridging, checklist and outreach writes live in care.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bridgeway.access.policy import current_consent
from bridgeway.audit.writer import record
from bridgeway.clients.events import Event, subscribe
from bridgeway.clients.models import Client, Enrolment, HospitalStay, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, RoleAssignment, User
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.services import supporter_set_status

from . import rules as r
from .models import (
    Alert,
    AlertLog,
    CheckIn,
    Incident,
    Notification,
    SafetyThresholds,
    ScanRun,
    SupervisionSession,
)
from .notify import deliver, notify
from .scan import ScanResult, context_for, evaluate


def _audit(actor: Actor, action: str, *, client: Client | None = None, detail: str = "",
           category: str = "safety") -> None:
    record(who=actor.who, category=category, action=action,
           client_public_id=client.public_id if client else None, detail=detail)


def people_with_role(site_ids: set[int] | list[int], *roles: str) -> list[User]:
    grants = (RoleAssignment.objects.filter(role__in=roles, site_id__in=site_ids, active=True,
                                            user__is_active=True).select_related("user"))
    return [g.user for g in grants]


def coordinators_of(site_ids: set[int] | list[int]) -> list[User]:
    return people_with_role(site_ids, Role.COORDINATOR)


# --- alerts -----------------------------------------------------------------------------

def _log(alert: Alert, actor: Actor, action: str, note: str = "") -> None:
    AlertLog.objects.create(alert=alert, at=timezone.now(), actor=actor.user, action=action,
                            note=note[:500])
    _audit(actor, f"alert_{action}", client=alert.client,
           detail=f"alert:{alert.public_id} rule:{alert.rule}")


def _lock(alert: Alert) -> Alert:
    return (Alert.objects.select_for_update(of=("self",)).select_related("client", "site")
            .get(pk=alert.pk))


def _require_open(alert: Alert) -> None:
    if not alert.is_open:
        raise ValidationError(_("This alert is already resolved."))


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: Alert) -> Alert:
    alert = _lock(alert)
    _require_open(alert)
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.snoozed_until = None
    if alert.owner_id is None and actor.user is not None and actor.role != Role.ADMINISTRATOR:
        alert.owner = actor.user
    alert.save(update_fields=["status", "snoozed_until", "owner", "updated_at"])
    _log(alert, actor, "acknowledged")
    return alert


@transaction.atomic
def alert_snooze(*, actor: Actor, alert: Alert, until: dt.date, note: str = "") -> Alert:
    alert = _lock(alert)
    _require_open(alert)
    today = timezone.localdate()
    if until <= today:
        raise ValidationError({"until": _("Choose a date after today.")})
    if until > today + dt.timedelta(days=90):
        raise ValidationError({"until": _("An alert can be snoozed for 90 days at most.")})
    alert.status = Alert.Status.SNOOZED
    alert.snoozed_until = until
    alert.save(update_fields=["status", "snoozed_until", "updated_at"])
    _log(alert, actor, "snoozed", note or until.isoformat())
    return alert


@transaction.atomic
def alert_resolve(*, actor: Actor, alert: Alert, note: str) -> Alert:
    alert = _lock(alert)
    _require_open(alert)
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    alert.status = Alert.Status.RESOLVED
    alert.resolution = Alert.Resolution.MANUAL
    alert.resolution_note = note.strip()[:500]
    alert.resolved_at = timezone.now()
    alert.resolved_by = actor.user
    alert.save(update_fields=["status", "resolution", "resolution_note", "resolved_at",
                              "resolved_by", "updated_at"])
    _log(alert, actor, "resolved", note)
    return alert


ESCALATION_ROLES = {r.OwnerRole.COORDINATOR.value: Role.COORDINATOR,
                    r.OwnerRole.SITE_LEAD.value: Role.SITE_LEAD}


@transaction.atomic
def alert_escalate(*, actor: Actor, alert: Alert, to: str, note: str = "") -> Alert:
    alert = _lock(alert)
    _require_open(alert)
    if to not in ESCALATION_ROLES:
        raise ValidationError({"to": _("Choose the coordinator or the site lead.")})
    alert.owner_role = to
    alert.owner = None
    alert.escalated_at = timezone.now()
    alert.status = Alert.Status.OPEN
    alert.snoozed_until = None
    alert.due_on = min(alert.due_on, r.due_on(timezone.localdate(), r.Severity.URGENT))
    alert.save(update_fields=["owner_role", "owner", "escalated_at", "status", "snoozed_until",
                              "due_on", "updated_at"])
    _log(alert, actor, "escalated", note)
    title = _("An alert was escalated to you: %(rule)s") % {"rule": alert.get_rule_display()}
    if alert.client is not None:
        title += f" ({alert.client.first_name_initial})"
    notify(recipients=people_with_role([alert.site_id], ESCALATION_ROLES[to]),
           kind="alert_escalated", title=title, body=note[:500],
           url=reverse("safety:alert", kwargs={"public_id": alert.public_id}), alert=alert)
    return alert


def raise_alert(*, actor: Actor, rule: r.Rule, site: ProgramSite, subject_id: int,
                severity: r.Severity, episode: str = "", client: Client | None = None,
                supporter: SupporterProfile | None = None, incident: Incident | None = None,
                facts: dict[str, object] | None = None) -> tuple[Alert, bool]:
    """Open an alert raised by an event (incident, check-in), or return the open one."""
    existing = (Alert.objects.select_for_update()
                .filter(rule=rule.value, subject_id=subject_id)
                .exclude(status=Alert.Status.RESOLVED).first())
    if existing is not None:
        return existing, False
    spec = r.SPECS[rule]
    alert = Alert.objects.create(
        rule=rule.value, severity=severity.value, site=site, subject_id=subject_id,
        client=client, supporter=supporter, incident=incident, episode=episode,
        owner_role=spec.owner.value, due_on=r.due_on(timezone.localdate(), severity),
        facts=facts or {}, last_seen_at=timezone.now())
    AlertLog.objects.create(alert=alert, at=timezone.now(), actor=actor.user, action="raised")
    return alert, True


# --- the scan ---------------------------------------------------------------------------

@transaction.atomic
def scan_run(*, actor: Actor | None = None, today: dt.date | None = None,
             now: dt.datetime | None = None, notify_people: bool = True) -> ScanResult:
    """Evaluate every rule once (idempotent), audit it, and tell owners about new alerts."""
    actor = actor or Actor.system("scan")
    started = timezone.now()
    ctx = context_for(today=today, now=now)
    result = evaluate(ctx)
    ScanRun.objects.create(started_at=started, finished_at=timezone.now(), hits=result.hits,
                           created=result.created, updated=result.updated,
                           resolved=result.resolved)
    _audit(actor, "scan", detail=(f"hits:{result.hits} created:{result.created} "
                                  f"resolved:{result.resolved} updated:{result.updated}"))
    if notify_people and result.created:
        _notify_new(ctx.now)
    return result


def _notify_new(created_at: dt.datetime) -> None:
    """One digest per coordinator of each site with new alerts, one per supporter owner."""
    rows = (Alert.objects.filter(created_at=created_at, rule__in=r.SCANNED_RULES)
            .values("site_id", "owner_id").annotate(n=Count("id")))
    per_site: dict[int, int] = defaultdict(int)
    per_owner: dict[int, int] = defaultdict(int)
    for row in rows:
        per_site[row["site_id"]] += row["n"]
        if row["owner_id"]:
            per_owner[row["owner_id"]] += row["n"]
    url = reverse("safety:inbox")
    grants = (RoleAssignment.objects.filter(role=Role.COORDINATOR, site_id__in=per_site,
                                            active=True).select_related("user", "site"))
    per_user: dict[User, int] = defaultdict(int)
    for g in grants:
        per_user[g.user] += per_site[g.site_id or 0]
    for user in User.objects.filter(id__in=per_owner):
        per_user[user] += per_owner[user.id]
    deliver([Notification(recipient=user, kind="scan_digest", url=url,
                          title=ngettext("%(n)d new safety-net alert to look at",
                                         "%(n)d new safety-net alerts to look at", n)
                          % {"n": n})
             for user, n in per_user.items() if user.is_active])


# --- discharge notices ------------------------------------------------------------------

def _notice_recipients(stay: HospitalStay, needs_consent: str) -> tuple[list[User], list[User],
                                                                         list[Match]]:
    """(supporters told, coordinators told, active matches) for a stay's client."""
    matches = list(Match.objects.filter(client_id=stay.client_id, status=Match.Status.ACTIVE)
                   .select_related("supporter__user", "enrolment"))
    supporters: list[User] = []
    for match in matches:
        consent = current_consent(match.enrolment)
        if consent is not None and needs_consent in consent.shared_categories():
            supporters.append(match.supporter.user)
    site_ids = {m.site_id for m in matches} or set(
        Enrolment.objects.filter(client_id=stay.client_id, site__hospital_id=stay.hospital_id)
        .exclude(status__in=["finished", "withdrawn", "declined"]).values_list("site_id",
                                                                                flat=True))
    return supporters, coordinators_of(site_ids), matches


def _send_notice(event: Event, *, kind: str, consent: str, title: str, body: str) -> None:
    stay: HospitalStay = event.obj
    supporters, coordinators, _matches = _notice_recipients(stay, consent)
    url = reverse("safety:client", kwargs={"public_id": stay.client.public_id})
    notify(recipients=supporters + coordinators, kind=kind, title=title, body=body, url=url)
    record(who=event.actor.who, category=consent, action="notify",
           client_public_id=stay.client.public_id,
           detail=f"{kind} supporters:{len(supporters)} coordinators:{len(coordinators)}")


def on_expected_discharge_set(event: Event) -> None:
    stay: HospitalStay = event.obj
    name = stay.client.first_name_initial
    if stay.expected_discharge_on is None:
        title = _("Expected discharge date cleared for %(name)s") % {"name": name}
        body = ""
    else:
        title = _("Expected discharge date set for %(name)s") % {"name": name}
        body = _("Expected discharge: %(date)s.") % {"date": stay.expected_discharge_on}
        if event.previous:
            body += " " + _("It was %(date)s.") % {"date": event.previous}
    _send_notice(event, kind="expected_discharge", consent="discharge_date", title=title,
                 body=body)


def on_stay_discharged(event: Event) -> None:
    stay: HospitalStay = event.obj
    title = _("%(name)s has been discharged") % {"name": stay.client.first_name_initial}
    body = _("Discharged on %(date)s. Plan the first community meeting.") % {
        "date": stay.discharged_on}
    _send_notice(event, kind="discharged", consent="discharge_date", title=title, body=body)


def on_stay_admitted(event: Event) -> None:
    """A matched client is back in hospital: the supporter only if stay status is shared."""
    stay: HospitalStay = event.obj
    if not Match.objects.filter(client_id=stay.client_id, status=Match.Status.ACTIVE).exists():
        return
    title = _("%(name)s is in hospital") % {"name": stay.client.first_name_initial}
    body = _("Admitted on %(date)s.") % {"date": stay.admitted_on}
    _send_notice(event, kind="admitted", consent="stay_status", title=title, body=body)


def connect() -> None:
    subscribe("expected_discharge_set", on_expected_discharge_set)
    subscribe("stay_discharged", on_stay_discharged)
    subscribe("stay_admitted", on_stay_admitted)


# --- incidents --------------------------------------------------------------------------

URGENT_INCIDENTS = {Incident.Kind.THREAT, Incident.Kind.RISK_DISCLOSURE}


@transaction.atomic
def incident_report(*, actor: Actor, site: ProgramSite, kind: str, client: Client | None = None,
                    supporter: SupporterProfile | None = None, description: str = "",
                    occurred_at: dt.datetime | None = None) -> Incident:
    if kind not in Incident.Kind.values:
        raise ValidationError({"kind": _("Choose what happened.")})
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An incident cannot be in the future.")})
    if actor.user is None:
        raise ValidationError(_("Incidents are reported by a person."))
    incident = Incident.objects.create(site=site, client=client, supporter=supporter,
                                       reported_by=actor.user, kind=kind,
                                       occurred_at=occurred_at, description=description[:2000])
    severity = r.Severity.URGENT if kind in URGENT_INCIDENTS else r.Severity.WARNING
    alert, _new = raise_alert(actor=actor, rule=r.Rule.INCIDENT, site=site,
                              subject_id=incident.pk, severity=severity,
                              episode=str(incident.pk), client=client, supporter=supporter,
                              incident=incident)
    _audit(actor, "incident_report", client=client, detail=f"incident:{incident.public_id}")
    reporter = actor.user.get_full_name() or actor.user.username
    notify(recipients=coordinators_of([site.pk]), kind="incident",
           title=_("Safety incident reported by %(who)s") % {"who": reporter},
           body=str(Incident.Kind(kind).label),
           url=reverse("safety:incident", kwargs={"public_id": incident.public_id}), alert=alert)
    return incident


def _incident_lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def incident_follow_up(*, actor: Actor, incident: Incident, follow_up: str) -> Incident:
    incident = _incident_lock(incident)
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("This incident is closed."))
    if not follow_up.strip():
        raise ValidationError({"follow_up": _("Describe the follow-up.")})
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    incident.follow_up = (incident.follow_up + f"\n[{stamp}] " + follow_up.strip()).strip()[:2000]
    incident.status = Incident.Status.FOLLOW_UP
    incident.save(update_fields=["follow_up", "status", "updated_at"])
    for alert in incident.alerts.exclude(status=Alert.Status.RESOLVED):
        if alert.status == Alert.Status.OPEN:
            alert.status = Alert.Status.ACKNOWLEDGED
            alert.save(update_fields=["status", "updated_at"])
    _audit(actor, "incident_follow_up", client=incident.client,
           detail=f"incident:{incident.public_id}")
    return incident


@transaction.atomic
def incident_close(*, actor: Actor, incident: Incident, note: str = "") -> Incident:
    incident = _incident_lock(incident)
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("This incident is already closed."))
    if note.strip():
        incident_follow_up(actor=actor, incident=incident, follow_up=note)
        incident.refresh_from_db()
    if not incident.follow_up.strip():
        raise ValidationError({"note": _("Record the follow-up before closing.")})
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = actor.user
    incident.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    for alert in incident.alerts.exclude(status=Alert.Status.RESOLVED):
        alert_resolve(actor=actor, alert=alert, note=_("Incident closed"))
    _audit(actor, "incident_close", client=incident.client, detail=f"incident:{incident.public_id}")
    return incident


# --- supervision and check-ins ----------------------------------------------------------

@transaction.atomic
def supervision_record(*, actor: Actor, site: ProgramSite, kind: str, held_on: dt.date,
                       supporters: list[SupporterProfile], notes: str = "",
                       incident: Incident | None = None) -> SupervisionSession:
    if kind not in SupervisionSession.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of session.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A session cannot be recorded in the future.")})
    if not supporters:
        raise ValidationError({"supporters": _("Choose at least one peer supporter.")})
    if kind == SupervisionSession.Kind.INDIVIDUAL and len(supporters) != 1:
        raise ValidationError({"supporters": _("Individual supervision is with one person.")})
    if any(not s.sites.filter(pk=site.pk).exists() for s in supporters):
        raise ValidationError({"supporters": _("Choose peer supporters of this site.")})
    if actor.user is None:
        raise ValidationError(_("Sessions are recorded by a person."))
    session = SupervisionSession.objects.create(site=site, kind=kind, held_on=held_on,
                                                led_by=actor.user, incident=incident,
                                                notes=notes[:4000])
    session.supporters.set(supporters)
    _audit(actor, "supervision", category="supervision",
           detail=f"session:{session.public_id} supporters:{len(supporters)}")
    return session


@transaction.atomic
def checkin_record(*, actor: Actor, supporter: SupporterProfile, feeling: str,
                   note: str = "") -> CheckIn:
    """A supporter's own check-in. "I need a break" pauses new matches at once."""
    if feeling not in CheckIn.Feeling.values:
        raise ValidationError({"feeling": _("Choose how you are doing.")})
    checkin = CheckIn.objects.create(supporter=supporter, feeling=feeling, note=note[:500])
    _audit(actor, "checkin", category="wellbeing",
           detail=f"supporter:{supporter.public_id} {feeling}")
    site_ids = list(supporter.sites.values_list("id", flat=True))
    if feeling == CheckIn.Feeling.FINE or not site_ids:
        return checkin
    if feeling == CheckIn.Feeling.BREAK:
        supporter_set_status(actor=actor, supporter=supporter,
                             status=SupporterProfile.Status.PAUSED,
                             reason=_("Asked for a break"))
        rule, severity = r.Rule.BREAK_REQUESTED, r.Severity.URGENT
        title = _("%(who)s needs a break; new matches are paused")
    else:
        rule, severity = r.Rule.TALK_REQUESTED, r.Severity.WARNING
        title = _("%(who)s would like to talk")
    site = ProgramSite.objects.get(pk=min(site_ids))
    alert, _new = raise_alert(actor=actor, rule=rule, site=site, subject_id=supporter.pk,
                              severity=severity, episode=str(checkin.pk), supporter=supporter)
    notify(recipients=coordinators_of(site_ids), kind=f"checkin_{feeling}",
           title=title % {"who": str(supporter)},
           url=reverse("safety:checkins"), alert=alert)
    return checkin


@transaction.atomic
def checkin_handle(*, actor: Actor, checkin: CheckIn, note: str = "") -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.handled_at is not None:
        raise ValidationError(_("This check-in was already followed up."))
    checkin.handled_at = timezone.now()
    checkin.handled_by = actor.user
    checkin.save(update_fields=["handled_at", "handled_by", "updated_at"])
    _audit(actor, "checkin_handled", category="wellbeing",
           detail=f"supporter:{checkin.supporter.public_id}")
    if checkin.feeling == CheckIn.Feeling.TALK:
        for alert in Alert.objects.filter(rule=r.Rule.TALK_REQUESTED, subject_id=checkin.supporter_id
                                          ).exclude(status=Alert.Status.RESOLVED):
            alert_resolve(actor=actor, alert=alert, note=note or _("Talked with them"))
    return checkin


@transaction.atomic
def supporter_resume(*, actor: Actor, supporter: SupporterProfile, note: str = "") -> None:
    """Lift a break: the supporter can be proposed for new matches again."""
    if supporter.status != SupporterProfile.Status.PAUSED:
        raise ValidationError(_("This peer supporter is not paused."))
    supporter_set_status(actor=actor, supporter=supporter, status=SupporterProfile.Status.ACTIVE,
                         reason=note or _("Back from a break"))
    for alert in Alert.objects.filter(rule=r.Rule.BREAK_REQUESTED, subject_id=supporter.pk
                                      ).exclude(status=Alert.Status.RESOLVED):
        alert_resolve(actor=actor, alert=alert, note=note or _("Pause lifted"))
    CheckIn.objects.filter(supporter=supporter, feeling=CheckIn.Feeling.BREAK,
                           handled_at__isnull=True).update(handled_at=timezone.now(),
                                                           handled_by=actor.user)


@transaction.atomic
def thresholds_save(*, actor: Actor, thresholds: SafetyThresholds) -> SafetyThresholds:
    thresholds.full_clean()
    if thresholds.lapse_urgent_days <= thresholds.lapse_warning_days:
        raise ValidationError({"lapse_urgent_days": _("Make it longer than the warning.")})
    thresholds.save()
    _audit(actor, "thresholds", detail=f"site:{thresholds.site.code}")
    return thresholds
