"""Supervision and supporters' check-ins (and lifting a pause). Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.services import supporter_set_status

from .. import rules as r
from ..models import Alert, CheckIn, Incident, SupervisionSession
from ..notify import notify
from .alerts import alert_resolve, audit, coordinators_of, raise_alert


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
    audit(actor, "supervision", category="supervision",
           detail=f"session:{session.public_id} supporters:{len(supporters)}")
    return session


@transaction.atomic
def checkin_record(*, actor: Actor, supporter: SupporterProfile, feeling: str,
                   note: str = "") -> CheckIn:
    """A supporter's own check-in. "I need a break" pauses new matches at once."""
    if feeling not in CheckIn.Feeling.values:
        raise ValidationError({"feeling": _("Choose how you are doing.")})
    checkin = CheckIn.objects.create(supporter=supporter, feeling=feeling, note=note[:500])
    audit(actor, "checkin", category="wellbeing",
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
    audit(actor, "checkin_handled", category="wellbeing",
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

