"""Safety incidents: report (raises an alert), undo within minutes, follow up, close.
Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.clients.models import Client
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupervisionSession, SupporterProfile
from bridgeway.supporters.services import supervision_record

from .. import rules as r
from ..models import Alert, Incident
from ..notify import notify
from .alerts import alert_resolve, audit, coordinators_of, raise_alert

URGENT_INCIDENTS = {Incident.Kind.THREAT, Incident.Kind.RISK_DISCLOSURE}


def _check_details(kind: str, involved: str, place: str, severity: str) -> None:
    errors: dict[str, str] = {}
    if kind not in Incident.Kind.values:
        errors["kind"] = _("Choose what happened.")
    if involved not in Incident.Involved.values:
        errors["involved"] = _("Say who was involved.")
    if place and place not in Incident.Place.values:
        errors["place"] = _("Choose where it happened.")
    if severity not in Incident.Severity.values:
        errors["severity"] = _("Say how serious it was.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def incident_report(*, actor: Actor, site: ProgramSite, kind: str, client: Client | None = None,
                    supporter: SupporterProfile | None = None, description: str = "",
                    occurred_at: dt.datetime | None = None,
                    involved: str = Incident.Involved.CLIENT, other_person: str = "",
                    place: str = "", severity: str = Incident.Severity.SERIOUS) -> Incident:
    """Report an incident. `client` is the client whose page it was filed from; unless the
    client was the one involved, the incident is not kept against them (client=None)."""
    _check_details(kind, involved, place, severity)
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An incident cannot be in the future.")})
    if actor.user is None:
        raise ValidationError(_("Incidents are reported by a person."))
    if involved != Incident.Involved.CLIENT:
        client = None
    incident = Incident.objects.create(
        site=site, client=client, supporter=supporter, reported_by=actor.user, kind=kind,
        occurred_at=occurred_at, description=description.strip()[:2000], involved=involved,
        other_person=other_person.strip()[:200] if involved == Incident.Involved.OTHER else "",
        place=place, severity=severity)
    severity_of_alert = (r.Severity.URGENT if kind in URGENT_INCIDENTS
                         or severity == Incident.Severity.CRITICAL else r.Severity.WARNING)
    alert, _new = raise_alert(actor=actor, rule=r.Rule.INCIDENT, site=site,
                              subject_id=incident.pk, severity=severity_of_alert,
                              episode=str(incident.pk), client=client, supporter=supporter,
                              incident=incident)
    audit(actor, "incident_report", client=client, detail=f"incident:{incident.public_id}")
    reporter = actor.user.get_full_name() or actor.user.username
    notify(recipients=coordinators_of([site.pk]), kind="incident",
           title=_("Safety incident reported by %(who)s") % {"who": reporter},
           body=str(Incident.Kind(kind).label),
           url=reverse("safety:incident", kwargs={"public_id": incident.public_id}), alert=alert)
    return incident


def _incident_lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def undo_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.BRIDGEWAY_INCIDENT_UNDO_MINUTES)


def may_withdraw(incident: Incident, user_id: int | None, *,
                 now: dt.datetime | None = None) -> bool:
    """Only the person who reported it, only for a few minutes, only while nobody acted."""
    return (user_id is not None and incident.reported_by_id == user_id
            and incident.status == Incident.Status.OPEN
            and (now or timezone.now()) <= incident.created_at + undo_window())


@transaction.atomic
def incident_withdraw(*, actor: Actor, incident: Incident) -> Incident:
    """Undo a report made by mistake: the incident stays, marked withdrawn, its alert resolved;
    the coordinators who were told learn that it was withdrawn."""
    incident = _incident_lock(incident)
    if not may_withdraw(incident, actor.user.pk if actor.user else None):
        raise PermissionDenied(_("This report can no longer be withdrawn. Ask your coordinator."))
    incident.status = Incident.Status.WITHDRAWN
    incident.withdrawn_at = timezone.now()
    incident.save(update_fields=["status", "withdrawn_at", "updated_at"])
    for alert in incident.alerts.exclude(status=Alert.Status.RESOLVED):
        alert_resolve(actor=actor, alert=alert, note=_("Withdrawn by the person who reported it"))
    audit(actor, "incident_withdraw", client=incident.client,
          detail=f"incident:{incident.public_id}")
    if actor.user is None:  # may_withdraw already refuses: never reached
        raise PermissionDenied(_("An incident is withdrawn by the person who reported it."))
    reporter = actor.user.get_full_name() or actor.user.username
    notify(recipients=coordinators_of([incident.site_id]), kind="incident",
           title=_("Incident report withdrawn by %(who)s") % {"who": reporter},
           body=str(Incident.Kind(incident.kind).label),
           url=reverse("safety:incident", kwargs={"public_id": incident.public_id}))
    return incident


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
    audit(actor, "incident_follow_up", client=incident.client,
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
    audit(actor, "incident_close", client=incident.client, detail=f"incident:{incident.public_id}")
    return incident



@transaction.atomic
def debrief_record(*, actor: Actor, incident: Incident, site: ProgramSite, kind: str,
                   held_on: dt.date, supporters: list[SupporterProfile],
                   notes: str = "") -> SupervisionSession:
    """A supervision session held as the debrief of an incident: the session is the
    supporters' (supervision_record); the link from the incident is the safety net's."""
    session = supervision_record(actor=actor, site=site, kind=kind, held_on=held_on,
                                 supporters=supporters, notes=notes)
    incident.debriefs.add(session)
    return session
