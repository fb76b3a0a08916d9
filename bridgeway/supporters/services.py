"""Writes for peer supporter profiles, status (pauses), training records, supervision and
check-ins. What the safety net does about a check-in or a lifted pause (alerts, notices) it
does in reaction to the events emitted here (supporters/events.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.models import Interest, Language, ProgramSite, TrainingModule

from . import events
from .models import CheckIn, SupervisionSession, SupporterProfile, TrainingRecord


def _audit(actor: Actor, supporter: SupporterProfile, action: str, detail: str = "") -> None:
    # Supporter records are personal information too; their changes are audited the same way.
    record(who=actor.who, category="supporter_profile", action=action,
           detail=f"supporter:{supporter.public_id} {detail}".strip())


@transaction.atomic
def supporter_update(
    *,
    actor: Actor,
    supporter: SupporterProfile,
    fields: dict[str, Any],
    languages: list[Language] | None = None,
    interests: list[Interest] | None = None,
    sites: list[ProgramSite] | None = None,
) -> SupporterProfile:
    for name, value in fields.items():
        setattr(supporter, name, value)
    supporter.full_clean(exclude=["user"])
    supporter.save()
    if languages is not None:
        supporter.languages.set(languages)
    if interests is not None:
        supporter.interests.set(interests)
    if sites is not None:
        supporter.sites.set(sites)
    _audit(actor, supporter, "update", "fields:" + ",".join(sorted(fields)))
    return supporter


@transaction.atomic
def supporter_set_status(*, actor: Actor, supporter: SupporterProfile, status: str,
                         reason: str = "") -> SupporterProfile:
    """Pause (no new matches), resume, or record that a supporter left the program."""
    if status not in SupporterProfile.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    previous = supporter.status
    supporter.status = status
    supporter.status_reason = reason[:200]
    supporter.save(update_fields=["status", "status_reason", "updated_at"])
    _audit(actor, supporter, "status", f"{previous}->{status}")
    return supporter


@transaction.atomic
def training_record_add(*, actor: Actor, supporter: SupporterProfile, module: TrainingModule,
                        completed_on: date, expires_on: date | None = None) -> TrainingRecord:
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("A training cannot be completed in the future.")})
    if expires_on is None and module.valid_for_days:
        expires_on = completed_on + timedelta(days=module.valid_for_days)
    if expires_on is not None and expires_on < completed_on:
        raise ValidationError({"expires_on": _("Expiry is before completion.")})
    training = TrainingRecord.objects.create(supporter=supporter, module=module,
                                             completed_on=completed_on, expires_on=expires_on,
                                             recorded_by=actor.user)
    _audit(actor, supporter, "training", f"module:{module.code}")
    return training


# --- supervision and check-ins -------------------------------------------------------------

@transaction.atomic
def supervision_record(*, actor: Actor, site: ProgramSite, kind: str, held_on: date,
                       supporters: list[SupporterProfile], notes: str = "") -> SupervisionSession:
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
                                                led_by=actor.user, notes=notes[:4000])
    session.supporters.set(supporters)
    record(who=actor.who, category="supervision", action="supervision",
           detail=f"session:{session.public_id} supporters:{len(supporters)}")
    return session


@transaction.atomic
def checkin_record(*, actor: Actor, supporter: SupporterProfile, feeling: str,
                   note: str = "") -> CheckIn:
    """A supporter's own check-in. "I need a break" pauses new matches at once (for a supporter
    who serves a site); the safety net tells the coordinators (events.CheckInRecorded)."""
    if feeling not in CheckIn.Feeling.values:
        raise ValidationError({"feeling": _("Choose how you are doing.")})
    checkin = CheckIn.objects.create(supporter=supporter, feeling=feeling, note=note[:500])
    record(who=actor.who, category="wellbeing", action="checkin",
           detail=f"supporter:{supporter.public_id} {feeling}")
    site_ids = list(supporter.sites.values_list("id", flat=True))
    if feeling == CheckIn.Feeling.BREAK and site_ids:
        supporter_set_status(actor=actor, supporter=supporter,
                             status=SupporterProfile.Status.PAUSED,
                             reason=_("Asked for a break"))
    events.emit(events.CheckInRecorded(actor=actor, checkin=checkin, site_ids=site_ids))
    return checkin


@transaction.atomic
def checkin_handle(*, actor: Actor, checkin: CheckIn, note: str = "") -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.handled_at is not None:
        raise ValidationError(_("This check-in was already followed up."))
    checkin.handled_at = timezone.now()
    checkin.handled_by = actor.user
    checkin.save(update_fields=["handled_at", "handled_by", "updated_at"])
    record(who=actor.who, category="wellbeing", action="checkin_handled",
           detail=f"supporter:{checkin.supporter.public_id}")
    events.emit(events.CheckInHandled(actor=actor, checkin=checkin, note=note))
    return checkin


@transaction.atomic
def supporter_resume(*, actor: Actor, supporter: SupporterProfile, note: str = "") -> None:
    """Lift a break: the supporter can be proposed for new matches again."""
    if supporter.status != SupporterProfile.Status.PAUSED:
        raise ValidationError(_("This peer supporter is not paused."))
    supporter_set_status(actor=actor, supporter=supporter, status=SupporterProfile.Status.ACTIVE,
                         reason=note or _("Back from a break"))
    events.emit(events.PauseLifted(actor=actor, supporter=supporter, note=note))
    CheckIn.objects.filter(supporter=supporter, feeling=CheckIn.Feeling.BREAK,
                           handled_at__isnull=True).update(handled_at=timezone.now(),
                                                           handled_by=actor.user)
