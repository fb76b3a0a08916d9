"""Alerts and their handling: acknowledge, snooze, resolve, escalate, raise (for alerts raised
by an event), and a site's thresholds. Keyword-only, atomic, audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients.models import Client
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, RoleAssignment, User
from bridgeway.supporters.models import SupporterProfile

from .. import rules as r
from ..models import Alert, AlertLog, Incident, SafetyThresholds
from ..notify import notify


def audit(actor: Actor, action: str, *, client: Client | None = None, detail: str = "",
           category: str = "safety") -> None:
    record(who=actor.who, category=category, action=action,
           client_public_id=client.public_id if client else None, detail=detail)


def people_with_role(site_ids: set[int] | list[int], *roles: str) -> list[User]:
    grants = (RoleAssignment.objects.filter(role__in=roles, site_id__in=site_ids, active=True,
                                            user__is_active=True).select_related("user"))
    return [g.user for g in grants]


def coordinators_of(site_ids: set[int] | list[int]) -> list[User]:
    return people_with_role(site_ids, Role.COORDINATOR)


def _log(alert: Alert, actor: Actor, action: str, note: str = "") -> None:
    AlertLog.objects.create(alert=alert, at=timezone.now(), actor=actor.user, action=action,
                            note=note[:500])
    audit(actor, f"alert_{action}", client=alert.client,
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


@transaction.atomic
def thresholds_save(*, actor: Actor, thresholds: SafetyThresholds) -> SafetyThresholds:
    thresholds.full_clean()
    if thresholds.lapse_urgent_days <= thresholds.lapse_warning_days:
        raise ValidationError({"lapse_urgent_days": _("Make it longer than the warning.")})
    thresholds.save()
    audit(actor, "thresholds", detail=f"site:{thresholds.site.code}")
    return thresholds
