"""Writes for cover arrangements (bridgeway/clients/covers.py, decision 0024).

A coordinator arranges a colleague to support a matched client for a period, or ends it
early. Keyword-only, atomic, audited in the same transaction as the write, as the other
services of this app; permission is decided before by the access layer (Action.MATCH).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.supporters.models import SupporterProfile

from .covers import Cover
from .models import Match

LONGEST_COVER = timedelta(days=183)  # a cover is for a rest; longer, the client is re-matched


def _audit(actor: Actor, cover: Cover, action: str, detail: str) -> None:
    record(who=actor.who, category="match", action=action,
           client_public_id=cover.match.client.public_id,
           detail=f"cover:{cover.public_id} {detail}".strip())


@transaction.atomic
def cover_arrange(*, actor: Actor, match: Match, supporter: SupporterProfile, starts_on: date,
                  ends_on: date, note: str = "") -> Cover:
    """`supporter` covers `match`'s client from `starts_on` to `ends_on` (both included)."""
    match = Match.objects.select_for_update().select_related("client", "site").get(pk=match.pk)
    errors: dict[str, list[str]] = {}
    if match.status != Match.Status.ACTIVE:
        raise ValidationError(_("Only an active match can be covered."))
    if supporter.pk == match.supporter_id:
        errors["supporter"] = [_("Choose a colleague, not the client's own supporter.")]
    elif supporter.status != SupporterProfile.Status.ACTIVE:
        errors["supporter"] = [_("This peer supporter is not available (paused or left).")]
    elif not supporter.sites.filter(pk=match.site_id).exists():
        errors["supporter"] = [_("This peer supporter does not serve this site.")]
    today = timezone.localdate()
    if starts_on < today:
        errors["starts_on"] = [_("A cover starts today or later.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The cover ends on or after the day it starts.")]
    elif ends_on - starts_on > LONGEST_COVER:
        errors["ends_on"] = [_("A cover lasts at most six months; for longer, match the "
                               "client again.")]
    if not errors and Cover.objects.filter(match=match, cancelled_at__isnull=True,
                                           starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        errors["starts_on"] = [_("Another cover of this client overlaps these dates.")]
    if errors:
        raise ValidationError(errors)
    cover = Cover.objects.create(match=match, supporter=supporter, starts_on=starts_on,
                                 ends_on=ends_on, note=note.strip()[:300], created_by=actor.user)
    _audit(actor, cover, "cover_arrange",
           f"supporter:{supporter.public_id} {starts_on.isoformat()}..{ends_on.isoformat()}")
    return cover


@transaction.atomic
def cover_end(*, actor: Actor, cover: Cover) -> Cover:
    """End a cover now (or cancel a planned one): the colleague's access stops at once."""
    cover = Cover.objects.select_for_update().select_related("match__client").get(pk=cover.pk)
    if cover.cancelled_at is not None or cover.ends_on < timezone.localdate():
        raise ValidationError(_("This cover is already over."))
    cover.cancelled_at = timezone.now()
    cover.cancelled_by = actor.user
    cover.save(update_fields=["cancelled_at", "cancelled_by", "updated_at"])
    _audit(actor, cover, "cover_end", "")
    return cover
