"""Safety incidents: report (raises an alert), follow up, close. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
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
    audit(actor, "incident_report", client=client, detail=f"incident:{incident.public_id}")
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
