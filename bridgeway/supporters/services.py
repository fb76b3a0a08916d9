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
from bridgeway.core import services as accounts
from bridgeway.core.actors import Actor
from bridgeway.core.events import emit
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    ProgramSite,
    Role,
    TrainingModule,
)

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
    sites_scope: list[ProgramSite] | None = None,
) -> SupporterProfile:
    """Change a profile. With `sites_scope` (the sites the actor manages), `sites` replaces
    only the sites within that scope: a coordinator cannot drop a site they do not run."""
    for name, value in fields.items():
        setattr(supporter, name, value)
    supporter.full_clean(exclude=["user"])
    supporter.save()
    if languages is not None:
        supporter.languages.set(languages)
    if interests is not None:
        supporter.interests.set(interests)
    if sites is not None:
        if sites_scope is not None:
            scope = {site.pk for site in sites_scope}
            kept = [site for site in supporter.sites.all() if site.pk not in scope]
            sites = kept + [site for site in sites if site.pk in scope]
        if not sites:
            raise ValidationError({"sites": _("A peer supporter serves at least one site.")})
        supporter.sites.set(sites)
        fields = {**fields, "sites": None}
    _audit(actor, supporter, "update", "fields:" + ",".join(sorted(fields)))
    return supporter


@transaction.atomic
def supporter_set_status(*, actor: Actor, supporter: SupporterProfile, status: str,
                         reason: str = "") -> SupporterProfile:
    """Pause (no new matches), resume, or record that a supporter left the program."""
    if status not in SupporterProfile.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    previous, previous_reason = supporter.status, supporter.status_reason
    lifting = previous == SupporterProfile.Status.PAUSED and status == SupporterProfile.Status.ACTIVE
    if lifting and reason.strip() == previous_reason:
        # The edit form sends the old reason back untouched: "Active — Asked for a break"
        # would read as if the break were still on.
        reason = ""
    supporter.status = status
    supporter.status_reason = reason.strip()[:200]
    supporter.save(update_fields=["status", "status_reason", "updated_at"])
    _audit(actor, supporter, "status", f"{previous}->{status}")
    if lifting:
        # Whichever door lifts the pause (the alert, the profile, the check-ins page, the edit
        # form), the break alert resolves and the break check-ins count as followed up.
        emit(events.PauseLifted(actor=actor, supporter=supporter, note=reason.strip()))
        CheckIn.objects.filter(supporter=supporter, feeling=CheckIn.Feeling.BREAK,
                               handled_at__isnull=True).update(handled_at=timezone.now(),
                                                               handled_by=actor.user)
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


@transaction.atomic
def supporter_create(
    *,
    actor: Actor,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
    organisation: Organisation,
    sites: list[ProgramSite],
    fields: dict[str, Any],
    languages: list[Language] | None = None,
    interests: list[Interest] | None = None,
    invite: bool = True,
) -> SupporterProfile:
    """Onboard a peer supporter: the account, the peer-supporter role at their organisation,
    the profile, and (with `invite`) the e-mail with a link to set a password. All or nothing."""
    if organisation.kind != Organisation.Kind.PEER_ORGANISATION:
        raise ValidationError({"organisation": _("Choose a community peer organisation.")})
    if not sites:
        raise ValidationError({"sites": _("A peer supporter serves at least one site.")})
    served = set(organisation.served_sites.values_list("pk", flat=True))
    unserved = [site.name for site in sites if site.pk not in served]
    if unserved:
        raise ValidationError({"sites": _("%(org)s does not serve: %(sites)s.") % {
            "org": organisation.name, "sites": ", ".join(unserved)}})
    user = accounts.account_create(actor=actor, username=username, email=email,
                                   first_name=first_name, last_name=last_name,
                                   preferred_language=preferred_language)
    accounts.role_grant(actor=actor, user=user, role=Role.PEER_SUPPORTER,
                        organisation=organisation)
    supporter = SupporterProfile(user=user, organisation=organisation, **fields)
    supporter.full_clean(exclude=["user"])
    supporter.save()
    supporter.sites.set(sites)
    supporter.languages.set(languages or [])
    supporter.interests.set(interests or [])
    _audit(actor, supporter, "create", f"user:{user.public_id}")
    if invite:
        accounts.invitation_send(actor=actor, user=user)
    return supporter


@transaction.atomic
def training_record_update(*, actor: Actor, training: TrainingRecord, completed_on: date,
                           expires_on: date | None) -> TrainingRecord:
    """Correct a training record's dates (e.g. a renewal, or a typing mistake)."""
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("A training cannot be completed in the future.")})
    if expires_on is not None and expires_on < completed_on:
        raise ValidationError({"expires_on": _("Expiry is before completion.")})
    training.completed_on, training.expires_on = completed_on, expires_on
    training.save(update_fields=["completed_on", "expires_on", "updated_at"])
    _audit(actor, training.supporter, "training_update",
           f"module:{training.module.code} record:{training.public_id}")
    return training


@transaction.atomic
def training_record_delete(*, actor: Actor, training: TrainingRecord) -> None:
    """Remove a record entered by mistake (the audit keeps that it existed)."""
    _audit(actor, training.supporter, "training_delete",
           f"module:{training.module.code} record:{training.public_id}")
    training.delete()


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
    emit(events.CheckInRecorded(actor=actor, checkin=checkin, site_ids=site_ids))
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
    emit(events.CheckInHandled(actor=actor, checkin=checkin, note=note))
    return checkin


@transaction.atomic
def supporter_resume(*, actor: Actor, supporter: SupporterProfile, note: str = "") -> None:
    """Lift a pause: the supporter can be proposed for new matches again, and the break alert
    resolves (with `note`, when given)."""
    if supporter.status != SupporterProfile.Status.PAUSED:
        raise ValidationError(_("This peer supporter is not paused."))
    supporter_set_status(actor=actor, supporter=supporter, status=SupporterProfile.Status.ACTIVE,
                         reason=note)
