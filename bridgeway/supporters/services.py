"""Writes for peer supporter profiles, status (pauses) and training records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.models import Interest, Language, ProgramSite, TrainingModule

from .models import SupporterProfile, TrainingRecord


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
    from django.utils import timezone

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
