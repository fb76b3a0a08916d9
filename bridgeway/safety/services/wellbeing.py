"""The safety net's reactions to a supporter's wellbeing (bridgeway.supporters.events): a
check-in asking to talk or for a break opens an alert for the coordinators and tells them;
following it up, or lifting the pause, resolves it. The check-ins, supervision and pauses
themselves are the supporters' (bridgeway.supporters.services)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from bridgeway.core.events import subscribe
from bridgeway.core.models import ProgramSite
from bridgeway.supporters import events
from bridgeway.supporters.models import CheckIn

from .. import rules as r
from ..models import Alert
from ..notify import notify
from .alerts import alert_resolve, coordinators_of, raise_alert


def on_checkin_recorded(event: events.CheckInRecorded) -> None:
    checkin, supporter = event.checkin, event.checkin.supporter
    if checkin.feeling == CheckIn.Feeling.FINE or not event.site_ids:
        return
    if checkin.feeling == CheckIn.Feeling.BREAK:
        rule, severity = r.Rule.BREAK_REQUESTED, r.Severity.URGENT
        title = _("%(who)s needs a break; new matches are paused")
    else:
        rule, severity = r.Rule.TALK_REQUESTED, r.Severity.WARNING
        title = _("%(who)s would like to talk")
    site = ProgramSite.objects.get(pk=min(event.site_ids))
    alert, _new = raise_alert(actor=event.actor, rule=rule, site=site, subject_id=supporter.pk,
                              severity=severity, episode=str(checkin.pk), supporter=supporter)
    notify(recipients=coordinators_of(event.site_ids), kind=f"checkin_{checkin.feeling}",
           title=title % {"who": str(supporter)},
           url=_url(checkin, alert), alert=alert)


def _url(checkin: CheckIn, alert: Alert) -> str:
    # A break is lifted from its alert (which links to the supporter); a talk request is
    # followed up on the check-ins page.
    if checkin.feeling == CheckIn.Feeling.BREAK:
        return reverse("safety:alert", kwargs={"public_id": alert.public_id})
    return reverse("safety:checkins")


def on_checkin_handled(event: events.CheckInHandled) -> None:
    if event.checkin.feeling != CheckIn.Feeling.TALK:
        return
    for alert in Alert.objects.filter(rule=r.Rule.TALK_REQUESTED,
                                      subject_id=event.checkin.supporter_id
                                      ).exclude(status=Alert.Status.RESOLVED):
        alert_resolve(actor=event.actor, alert=alert, note=event.note or _("Talked with them"))


def on_pause_lifted(event: events.PauseLifted) -> None:
    for alert in Alert.objects.filter(rule=r.Rule.BREAK_REQUESTED, subject_id=event.supporter.pk
                                      ).exclude(status=Alert.Status.RESOLVED):
        alert_resolve(actor=event.actor, alert=alert, note=event.note or _("Pause lifted"))


def connect() -> None:
    subscribe(events.CheckInRecorded, on_checkin_recorded)
    subscribe(events.CheckInHandled, on_checkin_handled)
    subscribe(events.PauseLifted, on_pause_lifted)
