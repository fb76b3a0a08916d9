"""Reads for the matching pages: the waitlist, proposals, matches and notices, scoped to
the user where they list clients (access.policy.clients_for_user)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from bridgeway.access.policy import clients_for_user
from bridgeway.clients.models import Client, Enrolment, EnrolmentStatus, Match
from bridgeway.core.models import ProgramSite, User
from bridgeway.supporters.models import SupporterProfile

from ..models import MatchNotice, Proposal


def waitlist(site: ProgramSite) -> QuerySet[Enrolment]:
    """The site's waitlist: waitlisted enrolments without an active match, priority first."""
    return (Enrolment.objects.filter(site=site, status=EnrolmentStatus.WAITLISTED)
            .exclude(matches__status=Match.Status.ACTIVE)
            .select_related("client").order_by("-priority", "waitlisted_since", "id"))


def waitlist_for_user(user: User, site: ProgramSite) -> list[Enrolment]:
    allowed = clients_for_user(user).values("id")
    return list(waitlist(site).filter(client_id__in=allowed))


def proposals_for_user(user: User, site: ProgramSite) -> QuerySet[Proposal]:
    """Open proposals at `site` for clients the user may see."""
    allowed = clients_for_user(user).values("id")
    return (Proposal.objects.filter(site=site, status=Proposal.Status.PROPOSED,
                                    enrolment__client_id__in=allowed)
            .select_related("enrolment__client", "supporter__user", "run")
            .order_by("-enrolment__priority", "enrolment__waitlisted_since", "id"))


def proposal_by_public_id(public_id: uuid.UUID | str) -> Proposal | None:
    try:
        return (Proposal.objects.select_related("enrolment__client", "supporter__user", "site",
                                                "run", "match")
                .filter(public_id=public_id).first())
    except (ValueError, TypeError):
        return None


def match_by_public_id(public_id: uuid.UUID | str) -> Match | None:
    return (Match.objects.select_related("client", "supporter__user", "site", "enrolment")
            .filter(public_id=public_id).first())


def match_history(client: Client) -> QuerySet[Match]:
    return client.matches.select_related("supporter__user", "site").order_by("-started_on", "-id")


def active_matches_for_user(user: User, site: ProgramSite) -> QuerySet[Match]:
    allowed = clients_for_user(user).values("id")
    return (Match.objects.filter(site=site, status=Match.Status.ACTIVE, client_id__in=allowed)
            .select_related("client", "supporter__user").order_by("client__family_name", "id"))


def notices_for(supporter: SupporterProfile) -> QuerySet[MatchNotice]:
    return MatchNotice.objects.filter(supporter=supporter).select_related(
        "match__client", "match__site")


def supporters_at_site(site: ProgramSite) -> QuerySet[SupporterProfile]:
    return SupporterProfile.objects.filter(sites=site).select_related("user")
