"""Matches: a supporter assigned to an enrolment, and the match's end."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.actors import Actor
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.selectors import has_required_training

from ..models import Enrolment, Match
from ..statuses import MATCHABLE_STATUSES, REMATCH_REASONS
from .common import S, change_status, end_match, write_audit


def supporter_free_capacity(supporter: SupporterProfile) -> int:
    active = supporter.matches.filter(status=Match.Status.ACTIVE).count()
    return supporter.max_active_clients - active


@transaction.atomic
def match_create(
    *,
    actor: Actor,
    enrolment: Enrolment,
    supporter: SupporterProfile,
    started_on: date | None = None,
    home_visits_allowed: bool = False,
    require_training: bool = True,
) -> Match:
    """Assign a supporter. Locks the supporter row so concurrent approvals cannot overfill.

    Matching's services call it and then tell the supporter and supersede open proposals
    themselves (no hook calls back up; decision 0011).

    The site's required training is a hard constraint for manual matches too; matching passes
    its site criteria's `require_training` (a coordinator may turn it off there)."""
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    enrolment = Enrolment.objects.select_for_update().select_related("client", "site").get(
        pk=enrolment.pk)
    if enrolment.status not in MATCHABLE_STATUSES:
        raise ValidationError(_("Only a consented or waitlisted client can be matched."))
    if enrolment.matches.filter(status=Match.Status.ACTIVE).exists():
        raise ValidationError(_("This client already has a peer supporter."))
    if supporter.status != SupporterProfile.Status.ACTIVE:
        raise ValidationError({"supporter": _("This peer supporter is not taking new clients.")})
    if not supporter.sites.filter(pk=enrolment.site_id).exists():
        raise ValidationError({"supporter": _("This peer supporter does not serve this site.")})
    if require_training and not has_required_training(supporter, enrolment.site,
                                                      timezone.localdate()):
        raise ValidationError({"supporter": _(
            "This peer supporter has not completed the training this site requires, or it "
            "has expired.")})
    if supporter_free_capacity(supporter) <= 0:
        raise ValidationError({"supporter": _("This peer supporter has no free place.")})
    if Match.objects.filter(client=enrolment.client, supporter=supporter, do_not_rematch=True).exists():
        raise ValidationError({"supporter": _("This pair was marked not to be matched again.")})
    match = Match.objects.create(
        enrolment=enrolment, client=enrolment.client, supporter=supporter, site=enrolment.site,
        started_on=started_on or timezone.localdate(), home_visits_allowed=home_visits_allowed,
        created_by=actor.user)
    previous = enrolment.status
    enrolment.priority = False
    enrolment.save(update_fields=["priority", "updated_at"])
    change_status(actor=actor, enrolment=enrolment, to_status=S.MATCHED,
                  reason=_("Matched with a peer supporter"), audit=False)
    # One event for one thing: the client has a supporter now (the status move is part of it).
    write_audit(actor, category="match", action="create", client=enrolment.client,
                detail=f"match:{match.public_id} enrolment:{previous}->{S.MATCHED}")
    return match



@transaction.atomic
def match_end(*, actor: Actor, match: Match, reason: str, note: str = "",
              do_not_rematch: bool = False, ended_on: date | None = None) -> Match:
    match = Match.objects.select_for_update().select_related("enrolment", "client").get(pk=match.pk)
    if match.status != Match.Status.ACTIVE:
        raise ValidationError(_("This match has already ended."))
    if reason not in Match.EndReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    ended_on = ended_on or timezone.localdate()
    if ended_on < match.started_on:
        raise ValidationError({"ended_on": _("A match cannot end before it started.")})
    end_match(actor=actor, match=match, reason=reason, note=note, do_not_rematch=do_not_rematch,
              ended_on=ended_on)
    enrolment = match.enrolment
    if reason in REMATCH_REASONS and enrolment.is_open:
        enrolment.priority = True
        enrolment.save(update_fields=["priority", "updated_at"])
        change_status(actor=actor, enrolment=enrolment, to_status=S.WAITLISTED,
                      reason=_("Match ended: %(reason)s") % {"reason": Match.EndReason(reason).label})
    elif reason == Match.EndReason.COMPLETED and enrolment.is_open:
        change_status(actor=actor, enrolment=enrolment, to_status=S.FINISHED,
                      reason=_("Support completed"))
    elif reason == Match.EndReason.DROPPED_OUT and enrolment.is_open:
        change_status(actor=actor, enrolment=enrolment, to_status=S.ON_HOLD,
                      reason=_("Client dropped out"))
    return match
