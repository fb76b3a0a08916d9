"""Writes for accounts: create, invite, give and take roles, deactivate, first password.

Who may call these is decided by the access layer (`bridgeway.access.accounts`) before a door
calls them; each write records its audit event in the same transaction. Audit details carry
public ids, roles and site codes, never names or e-mail addresses.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import Who, record

from .actors import Actor
from .models import Invitation, Organisation, ProgramSite, Role, RoleAssignment, User

CATEGORY = "accounts"


def _audit(who: Who, action: str, user: User, detail: str = "",
           outcome: str = AuditEvent.Outcome.ALLOWED) -> None:
    record(who=who, category=CATEGORY, action=action, outcome=outcome,
           detail=f"user:{user.public_id} {detail}".strip())


def _scope(site: ProgramSite | None, organisation: Organisation | None) -> str:
    return " ".join(part for part in (f"site:{site.code}" if site else "",
                                      f"org:{organisation.code}" if organisation else "") if part)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def account_create(*, actor: Actor, username: str, email: str, first_name: str,
                   last_name: str, preferred_language: str = "en") -> User:
    """A new account with no usable password: its owner sets one from an invitation."""
    username = username.strip()
    email = email.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    user = User(username=username, email=email, first_name=first_name.strip(),
                last_name=last_name.strip(), preferred_language=preferred_language)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _audit(actor.who, "create", user)
    return user


@transaction.atomic
def role_grant(*, actor: Actor, user: User, role: str, site: ProgramSite | None = None,
               organisation: Organisation | None = None, staff_kind: str = "") -> RoleAssignment:
    """Give `user` a role at a site or organisation (reactivating it if it was taken away)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    # Each role has one kind of scope (RoleAssignment's docstring); the other stays empty so
    # that the same role cannot be held twice under two spellings.
    if role in (Role.WARD_STAFF, Role.PEER_SUPPORTER):
        site = None
    elif role in (Role.COORDINATOR, Role.SITE_LEAD, Role.EVALUATOR):
        organisation = None
    else:
        site, organisation = None, None
    if role != Role.WARD_STAFF:
        staff_kind = ""
    assignment = RoleAssignment.objects.filter(user=user, role=role, site=site,
                                               organisation=organisation).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, site=site, organisation=organisation)
    elif assignment.active:
        raise ValidationError({"role": _("This person already holds this role here.")})
    assignment.staff_kind = staff_kind
    assignment.active = True
    assignment.full_clean(exclude=["user"], validate_unique=False)
    assignment.save()
    _audit(actor.who, "grant", user, f"role:{role} {_scope(site, organisation)}")
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> RoleAssignment:
    """Take a role away. The row stays (inactive) so the record of who held it survives."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.active:
        raise ValidationError(_("This role was already taken away."))
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    _audit(actor.who, "revoke", assignment.user,
           f"role:{assignment.role} {_scope(assignment.site, assignment.organisation)}")
    return assignment


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Deactivate (no sign-in, pending invitations revoked) or reactivate an account."""
    if actor.user is not None and actor.user.pk == user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise ValidationError(_("Nothing to change."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        Invitation.objects.filter(user=user, used_at=None, revoked_at=None).update(
            revoked_at=timezone.now())
    _audit(actor.who, "reactivate" if active else "deactivate", user)
    return user


@transaction.atomic
def invitation_send(*, actor: Actor, user: User) -> Invitation:
    """Send `user` a single-use link to set their password; older links stop working.

    The e-mail is sent inside the transaction: if it cannot be sent, no invitation exists.
    """
    if not user.email:
        raise ValidationError({"email": _("An invitation needs an e-mail address.")})
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    if user.has_usable_password():
        raise ValidationError(_("This person has already set a password; they can use "
                                "“Forgotten password” instead."))
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user, token_hash=token_hash(token), invited_by=actor.user,
        expires_at=now + timedelta(days=settings.BRIDGEWAY_INVITATION_DAYS))
    context = {"user": user, "token": token, "expires_at": invitation.expires_at,
               "base_url": settings.BRIDGEWAY_BASE_URL.rstrip("/")}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        # The subject names no one: e-mail subjects end up in logs and lock screens.
        subject = _("Your Bridgeway account")
        body = render_to_string("core/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])
    _audit(actor.who, "invite", user)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending, unexpired invitation for `token`, if any (a read: no audit)."""
    invitation = (Invitation.objects.select_related("user")
                  .filter(token_hash=token_hash(token)).first())
    if invitation is None or invitation.used_at or invitation.revoked_at:
        return None
    if invitation.expires_at <= timezone.now() or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the first password from an invitation; the link cannot be used again."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid: it was used, replaced, "
                                "or it expired. Ask for a new one."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:  # two tabs at once: the second one loses
        raise ValidationError(_("This invitation link was already used."))
    user = invitation.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    _audit(Actor(user=user, role="").who, "invitation_accepted", user)
    return user


@transaction.atomic
def password_set(*, actor: Actor, user: User, password: str, how: str) -> User:
    """A new password chosen by its owner (`how`: "reset" from an e-mailed link, or "change"
    while signed in). The rules were checked by the form; they are checked again here so no
    door can skip them."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _audit(actor.who, f"password_{how}", user)
    return user


@transaction.atomic
def password_reset_requested(*, user: User | None, sent: bool) -> None:
    """Audit a reset request: for a known account (its id) or an unknown address (nothing
    identifying is kept), and whether an e-mail went out or the rate limit held it back."""
    who = Who(public_id=None, username="anonymous")
    outcome = AuditEvent.Outcome.ALLOWED if sent else AuditEvent.Outcome.DENIED
    detail = "sent" if sent else "rate_limited"
    if user is None:
        record(who=who, category=CATEGORY, action="password_reset_request", outcome=outcome,
               detail=f"unknown-address {detail}")
    else:
        _audit(who, "password_reset_request", user, detail, outcome=outcome)
