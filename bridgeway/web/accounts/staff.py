"""Staff accounts for site leads and administrators: list, invite, roles, deactivate.

Who may do what is `bridgeway.access.accounts`; every change is a `bridgeway.core.services`
write with its audit event; refusals are audited by the access layer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bridgeway.access import accounts as rules
from bridgeway.access.policy import audit_view, denied, has_role
from bridgeway.core import services as accounts
from bridgeway.core import signin, twofactor
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role, RoleAssignment, User
from bridgeway.web.accounts.forms import InviteForm, RoleForm
from bridgeway.web.common import apply_errors, user_of

CATEGORY = rules.CATEGORY


def _manager(request: HttpRequest, page: str) -> User:
    user = user_of(request)
    if not rules.may_manage_accounts(user):
        raise denied(user, category=CATEGORY, detail=f"page:staff:{page}")
    return user


def _account(user: User, public_id: uuid.UUID) -> User:
    """An account the manager may see: 404 for an unknown id, audited 403 outside scope."""
    target = get_object_or_404(User, public_id=public_id)
    if not rules.may_see_account(user, target):
        raise denied(user, category=CATEGORY, detail=f"user:{target.public_id}")
    return target


def _role_form(user: User, data: object = None, cls: type[RoleForm] = RoleForm) -> RoleForm:
    return cls(data or None, sites=rules.lead_sites(user),
               administrator=has_role(user, Role.ADMINISTRATOR))


def staff_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request, "list")
    people = list(rules.accounts_for_user(user).order_by("last_name", "first_name", "username")
                  .prefetch_related("role_assignments__site", "role_assignments__organisation"))
    audit_view(user, category=CATEGORY, detail=f"page:staff:list n:{len(people)}")
    return render(request, "accounts/staff_list.html", {"people": people})


def staff_invite(request: HttpRequest) -> HttpResponse:
    user = _manager(request, "invite")
    form = _role_form(user, request.POST, InviteForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = rules.authorize_role_change(user, role=data["role"], site=data["site"],
                                            organisation=data["organisation"])
        try:
            with transaction.atomic():
                person = accounts.account_create(
                    actor=actor, username=data["username"], email=data["email"],
                    first_name=data["first_name"], last_name=data["last_name"],
                    preferred_language=data["preferred_language"])
                accounts.role_grant(actor=actor, user=person, role=data["role"],
                                    site=data["site"], organisation=data["organisation"],
                                    staff_kind=data["staff_kind"])
                accounts.invitation_send(actor=actor, user=person)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The account is created and an invitation to set a "
                                        "password is sent."))
            return redirect("staff:detail", public_id=person.public_id)
    return render(request, "accounts/staff_invite.html", {"form": form})


def _detail(request: HttpRequest, user: User, person: User, form: RoleForm) -> HttpResponse:
    return render(request, "accounts/staff_detail.html", {
        "person": person, "form": form,
        "roles": person.role_assignments.select_related("site", "organisation")
        .order_by("-active", "role"),
        "pending": person.is_active and not person.has_usable_password(),
        "is_self": person.pk == user.pk,
        "administrator": has_role(user, Role.ADMINISTRATOR),
        "locked": signin.is_locked(person),
        "has_2fa": twofactor.has_device(person),
    })


def staff_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _manager(request, "detail")
    person = _account(user, public_id)
    audit_view(user, category=CATEGORY, detail=f"page:staff:detail user:{person.public_id}")
    return _detail(request, user, person, _role_form(user))


@require_POST
def role_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _manager(request, "role_add")
    person = _account(user, public_id)
    form = _role_form(user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actor = rules.authorize_role_change(user, role=data["role"], site=data["site"],
                                            organisation=data["organisation"], target=person)
        try:
            accounts.role_grant(actor=actor, user=person, role=data["role"], site=data["site"],
                                organisation=data["organisation"],
                                staff_kind=data["staff_kind"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The role is given."))
            return redirect("staff:detail", public_id=person.public_id)
    return _detail(request, user, person, form)


@require_POST
def role_remove(request: HttpRequest, public_id: uuid.UUID,
                assignment_id: uuid.UUID) -> HttpResponse:
    user = _manager(request, "role_remove")
    person = _account(user, public_id)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("site", "organisation"),
                                   user=person, public_id=assignment_id)
    actor = rules.authorize_role_change(user, role=assignment.role, site=assignment.site,
                                        organisation=assignment.organisation, target=person,
                                        action="revoke")
    try:
        accounts.role_revoke(actor=actor, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role is taken away."))
    return redirect("staff:detail", public_id=person.public_id)


@require_POST
def set_active(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _manager(request, "set_active")
    person = _account(user, public_id)
    active = request.POST.get("active") == "1"
    actor = rules.authorize_account_change(user, person,
                                           action="reactivate" if active else "deactivate")
    try:
        accounts.user_set_active(actor=actor, user=person, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The account is active again.") if active
                         else _("The account is deactivated: this person can no longer sign in."))
    return redirect("staff:detail", public_id=person.public_id)


@require_POST
def reinvite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _manager(request, "reinvite")
    person = _account(user, public_id)
    actor = rules.authorize_account_change(user, person, action="invite")
    try:
        accounts.invitation_send(actor=actor, user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new invitation is sent."))
    return redirect("staff:detail", public_id=person.public_id)


def _administrator(request: HttpRequest, page: str) -> Actor:
    """Unlocking sign-ins and removing a second factor: administrators only."""
    user = user_of(request)
    if not has_role(user, Role.ADMINISTRATOR):
        raise denied(user, category=CATEGORY, action=page, detail=f"page:staff:{page}")
    return Actor(user=user, role=Role.ADMINISTRATOR)


def lockouts(request: HttpRequest) -> HttpResponse:
    """Recorded sign-in failures by account and address, with an unlock for each."""
    actor = _administrator(request, "lockouts")
    assert actor.user is not None  # noqa: S101 — an administrator is a signed-in user  # nosec B101 — narrows the type; _administrator() refused anyone else
    rows = list(signin.locked_attempts()[:200])
    audit_view(actor.user, category=CATEGORY, detail=f"page:staff:lockouts n:{len(rows)}")
    return render(request, "accounts/lockouts.html", {
        "rows": rows, "limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES})


@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    actor = _administrator(request, "unlock")
    username = request.POST.get("username", "")
    person = User.objects.filter(username=username).first() if username else None
    removed = signin.signin_unlock(actor=actor, user=person,
                                   address=request.POST.get("address", "")[:45])
    messages.success(request, _("Unlocked (%(n)s records of failed sign-ins cleared).")
                     % {"n": removed})
    if person is not None and request.POST.get("back") == "detail":
        return redirect("staff:detail", public_id=person.public_id)
    return redirect("staff:lockouts")


@require_POST
def two_factor_remove(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = _administrator(request, "2fa_remove")
    person = get_object_or_404(User, public_id=public_id)
    twofactor.two_factor_remove(actor=actor, user=person)
    messages.success(request, _("Two-step verification is removed: this person sets it up "
                                "again at their next sign-in if their role requires it."))
    return redirect("staff:detail", public_id=person.public_id)
