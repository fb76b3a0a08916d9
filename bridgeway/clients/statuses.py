"""Which enrolments can be matched, what a profile needs before the waitlist, and which
match endings send the client back to the waitlist: defined once here, read by clients'
services, the access layer's client record, matching's services and the matching pages."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Client, EnrolmentStatus, Match

# Waiting for a peer supporter: the statuses a match can be made from (by hand or by a run).
MATCHABLE_STATUSES = frozenset({EnrolmentStatus.CONSENTED, EnrolmentStatus.WAITLISTED,
                                EnrolmentStatus.ON_HOLD})

# Reasons to end a match after which the client goes back to the waitlist, ahead of others
# (in the order a coordinator is offered them when ending a match to re-match).
REMATCH_REASONS = (Match.EndReason.CLIENT_ASKED, Match.EndReason.SUPPORTER_ASKED,
                   Match.EndReason.NO_RAPPORT, Match.EndReason.SUPPORTER_LEFT,
                   Match.EndReason.SAFETY)


def profile_gaps(client: Client) -> list[Promise]:
    """What a profile lacks before the client waits for a supporter (empty: complete): the
    languages a supporter must share and the home area the matching scores distance by."""
    gaps: list[Promise] = []
    if not client.languages.exists():
        gaps.append(_("preferred languages"))
    if not client.home_fsa:
        gaps.append(_("home area"))
    return gaps
