"""Who may invite staff, give and take roles, and deactivate accounts.

Administrators manage every account. A site lead manages the people of their own site: the
roles held at the site (coordinator, site lead, evaluator), ward staff of the site's hospital
and peer supporters of the organisations that serve it, and may give those roles only there.
Only administrators give the administrator role or change an administrator's account.
Refusals are audited (`denied`); the writes are audited by `bridgeway.core.services`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bridgeway.core.actors import Actor
from bridgeway.core.models import Organisation, ProgramSite, Role, RoleAssignment, User

from .grants import grants_for, has_role
from .trail import denied

CATEGORY = "accounts"


def lead_sites(user: User) -> QuerySet[ProgramSite]:
    """Sites whose people `user` manages: every site for an administrator."""
    if has_role(user, Role.ADMINISTRATOR):
        return ProgramSite.objects.all()
    ids = {g.site_id for g in grants_for(user) if g.role == Role.SITE_LEAD and g.site_id}
    return ProgramSite.objects.filter(id__in=ids)


def may_manage_accounts(user: User) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.SITE_LEAD)


def _scope_q(sites: QuerySet[ProgramSite]) -> Q:
    """Role assignments that fall within `sites` (see the module docstring)."""
    return (Q(site__in=sites)
            | Q(role=Role.WARD_STAFF, organisation__sites__in=sites)
            | Q(role=Role.PEER_SUPPORTER, organisation__served_sites__in=sites))


def accounts_for_user(user: User) -> QuerySet[User]:
    """The accounts `user` may see on the staff pages (none without a managing role)."""
    if has_role(user, Role.ADMINISTRATOR):
        return User.objects.all()
    if not has_role(user, Role.SITE_LEAD):
        return User.objects.none()
    ids = RoleAssignment.objects.filter(_scope_q(lead_sites(user))).values("user_id")
    return User.objects.filter(id__in=ids)


def _lead_actor(user: User, site: ProgramSite | None) -> Actor:
    for grant in grants_for(user):
        if grant.role == Role.ADMINISTRATOR:
            return Actor(user=user, role=Role.ADMINISTRATOR, site_code=site.code if site else "")
    for grant in grants_for(user):
        if grant.role == Role.SITE_LEAD and (site is None or grant.site_id == site.pk):
            return Actor(user=user, role=Role.SITE_LEAD,
                         site_code=grant.site.code if grant.site else "")
    raise denied(user, category=CATEGORY, action="manage", detail="accounts")


def authorize_role_change(user: User, *, role: str, site: ProgramSite | None,
                          organisation: Organisation | None, target: User | None = None,
                          action: str = "grant") -> Actor:
    """May `user` give (or take away) `role` at this site or organisation? The Actor, or an
    audited PermissionDenied."""
    detail = f"user:{target.public_id} role:{role}" if target else f"role:{role}"
    if has_role(user, Role.ADMINISTRATOR):
        return Actor(user=user, role=Role.ADMINISTRATOR, site_code=site.code if site else "")
    sites = lead_sites(user)
    allowed = False
    if role in (Role.COORDINATOR, Role.SITE_LEAD, Role.EVALUATOR):
        allowed = site is not None and sites.filter(pk=site.pk).exists()
    elif role == Role.WARD_STAFF and organisation is not None:
        allowed = sites.filter(hospital=organisation).exists()
    elif role == Role.PEER_SUPPORTER and organisation is not None:
        allowed = sites.filter(peer_organisations=organisation).exists()
    if not allowed:
        raise denied(user, category=CATEGORY, action=action, detail=detail)
    return _lead_actor(user, site if role in (Role.COORDINATOR, Role.SITE_LEAD,
                                               Role.EVALUATOR) else None)


def authorize_account_change(user: User, target: User, *, action: str) -> Actor:
    """May `user` deactivate, reactivate or re-invite `target`? Only when every role the target
    holds is within the user's scope (a site lead cannot lock out someone of another site)."""
    detail = f"user:{target.public_id}"
    if has_role(user, Role.ADMINISTRATOR):
        return Actor(user=user, role=Role.ADMINISTRATOR)
    if not has_role(user, Role.SITE_LEAD):
        raise denied(user, category=CATEGORY, action=action, detail=detail)
    held = RoleAssignment.objects.filter(user=target)
    in_scope = RoleAssignment.objects.filter(_scope_q(lead_sites(user))).values("id")
    outside = held.exclude(id__in=in_scope).exists()
    if outside or not held.exists() or held.filter(role=Role.ADMINISTRATOR).exists():
        raise denied(user, category=CATEGORY, action=action, detail=detail)
    return _lead_actor(user, None)


def may_see_account(user: User, target: User) -> bool:
    return accounts_for_user(user).filter(pk=target.pk).exists()
