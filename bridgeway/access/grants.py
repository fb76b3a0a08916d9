"""Who holds which role where, and which clients each role reaches (as a filter on Client).

The grants are read once per request and cached on the user object; every decision of the
access layer starts from them.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from bridgeway.clients.covers import Cover, in_force
from bridgeway.clients.models import Client, Enrolment, HospitalStay, Match
from bridgeway.core.models import ProgramSite, Role, RoleAssignment, User
from bridgeway.supporters.models import SupporterProfile

# When several roles allow the same thing, the audit names the first in this order.
ROLE_ORDER = [Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD, Role.WARD_STAFF,
              Role.PEER_SUPPORTER, Role.EVALUATOR, Role.PRIVACY_OFFICER]


GRANT_RELATED = ("site", "organisation", "site__hospital")


def active_grants() -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(active=True).select_related(*GRANT_RELATED)


def remember_grants(user: User, grants: list[RoleAssignment]) -> None:
    """Cache `grants` (the user's active role assignments) for the request."""
    user._bridgeway_grants = sorted(  # type: ignore[attr-defined]  # per-request cache
        grants, key=lambda g: ROLE_ORDER.index(Role(g.role)))


def grants_for(user: User) -> list[RoleAssignment]:
    """The user's active role assignments, cached on the user object for the request (read
    with the user at sign-in time by bridgeway.access.backends)."""
    cached: list[RoleAssignment] | None = getattr(user, "_bridgeway_grants", None)
    if cached is None:
        if not user.is_authenticated or not user.is_active:
            remember_grants(user, [])
        else:
            remember_grants(user, list(active_grants().filter(user=user)))
        cached = user._bridgeway_grants  # type: ignore[attr-defined]  # set just above
    return cached


def roles_of(user: User) -> set[str]:
    return {g.role for g in grants_for(user)}


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def supporter_profile_of(user: User) -> SupporterProfile | None:
    if not has_role(user, Role.PEER_SUPPORTER):
        return None
    return SupporterProfile.objects.filter(user=user).first()


def sites_for(user: User, *roles: str) -> QuerySet[ProgramSite]:
    """Program sites where the user holds one of `roles` (all sites for an administrator)."""
    grants = grants_for(user)
    if any(g.role == Role.ADMINISTRATOR for g in grants):
        return ProgramSite.objects.all()
    ids = {g.site_id for g in grants if g.role in roles and g.site_id}
    if Role.EVALUATOR in roles and any(g.role == Role.EVALUATOR and g.site_id is None for g in grants):
        return ProgramSite.objects.all()
    if Role.WARD_STAFF in roles:
        hospitals = {g.organisation_id for g in grants if g.role == Role.WARD_STAFF}
        return ProgramSite.objects.filter(Q(id__in=ids) | Q(hospital_id__in=hospitals))
    return ProgramSite.objects.filter(id__in=ids)


def site_ids_for(user: User, *roles: str) -> frozenset[int] | None:
    """The ids of the sites where the user holds one of `roles`, from the cached grants (no
    query); None means every site (an administrator). For the roles held at a site
    (coordinator, site lead); `sites_for` answers for the others."""
    grants = grants_for(user)
    if any(g.role == Role.ADMINISTRATOR for g in grants):
        return None
    return frozenset(g.site_id for g in grants if g.role in roles and g.site_id)


def supporter_matches(user: User, day: date | None = None) -> QuerySet[Match]:
    """The active matches a peer supporter works on: their own, and those they cover on `day`
    (today) — decision 0024. Each carries `cover_until`: the last day of the cover it is
    reached through, None for the supporter's own match. One query, however many."""
    day = day or timezone.localdate()
    covering = Cover.objects.filter(in_force(day), match=OuterRef("pk"), supporter__user=user)
    return (Match.objects.filter(status=Match.Status.ACTIVE)
            .filter(Q(supporter__user=user) | Exists(covering))
            .annotate(cover_until=Subquery(covering.order_by("-ends_on").values("ends_on")[:1])))


def _scope_q(grant: RoleAssignment, user: User) -> Q | None:
    """Clients one grant reaches, as a filter on Client (subqueries, so no duplicate rows)."""
    if grant.role == Role.ADMINISTRATOR:
        return Q()
    if grant.role in (Role.COORDINATOR, Role.SITE_LEAD):
        return Q(id__in=Enrolment.objects.filter(site_id=grant.site_id).values("client_id"))
    if grant.role == Role.WARD_STAFF:
        return Q(id__in=HospitalStay.objects.filter(hospital_id=grant.organisation_id)
                 .values("client_id")) | Q(
            id__in=Enrolment.objects.filter(site__hospital_id=grant.organisation_id)
            .values("client_id"))
    if grant.role == Role.PEER_SUPPORTER:
        return Q(id__in=supporter_matches(user).values("client_id"))
    return None  # evaluators and privacy officers reach no client record


def clients_for_user(user: User, *roles: str) -> QuerySet[Client]:
    """Every client the user may see (optionally only through some of their roles)."""
    combined: Q | None = None
    for grant in grants_for(user):
        if roles and grant.role not in roles:
            continue
        q = _scope_q(grant, user)
        if q is None:
            continue
        if not q:  # administrator: everything (but merged-away records, kept as history)
            return Client.objects.filter(merged_into__isnull=True)
        combined = q if combined is None else combined | q
    if combined is None:
        return Client.objects.none()
    return Client.objects.filter(combined, merged_into__isnull=True)


def first_role(user: User) -> str:
    """The role the audit names when no particular grant decided (ROLE_ORDER)."""
    grants = grants_for(user)
    return grants[0].role if grants else ""
