"""Second factor (django-otp): who must use one, and the audited writes on devices.

A person needs a second factor when they hold a role in `BRIDGEWAY_2FA_ROLES` (administrators,
coordinators, site leads and evaluators by default: the roles that reach many records or the
whole program), when `BRIDGEWAY_2FA_ALL` is on, or once they have set one up themselves.
`BRIDGEWAY_2FA_ENFORCED` off (development and the demo only) lets everyone skip it
(docs/decisions/0015).

Devices: one TOTP device (an authenticator app) and one static device holding the recovery
codes, each code usable once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import record

from .actors import Actor
from .models import RoleAssignment, User

CATEGORY = "sign_in"
RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# The kinds of device a person may hold (bridgeway.core.backends reads them with the user).
DEVICE_MODELS = (TOTPDevice, StaticDevice)


def has_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def required_for(user: User) -> bool:
    """Must `user` pass a second factor before using Bridgeway?"""
    if not settings.BRIDGEWAY_2FA_ENFORCED:
        return False
    if settings.BRIDGEWAY_2FA_ALL or has_device(user):
        return True
    return RoleAssignment.objects.filter(user=user, active=True,
                                         role__in=settings.BRIDGEWAY_2FA_ROLES).exists()


def _audit(actor: Actor, action: str, user: User,
           outcome: str = AuditEvent.Outcome.ALLOWED, detail: str = "") -> None:
    record(who=actor.who, category=CATEGORY, action=action, outcome=outcome,
           detail=f"user:{user.public_id} {detail}".strip())


@transaction.atomic
def totp_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator device to show as a QR code (the one pending, if any)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it: the new recovery codes, or None
    when the code is wrong (audited either way). Replaces any earlier device."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    actor = Actor(user=user, role="")
    if device is None or not device.verify_token(token):
        _audit(actor, "2fa_setup_failed", user, AuditEvent.Outcome.DENIED)
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    _audit(actor, "2fa_enabled", user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    _audit(Actor(user=user, role=""), "2fa_recovery_codes_renewed", user)
    return codes


@transaction.atomic
def two_factor_remove(*, actor: Actor, user: User) -> None:
    """Remove every device (a lost phone: an administrator or site lead does it, and the
    person sets a new one up at their next sign-in if their role requires it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(actor, "2fa_removed", user)


def verify_any(*, user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The confirmed device that accepts `token` (authenticator code or recovery code), audited:
    each failure is an event, and so is each success."""
    token = token.strip().replace(" ", "").lower()
    # Six digits are an authenticator code, anything else a recovery code: trying a code on
    # the other kind of device would count a failure there and slow its owner down.
    kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    found: TOTPDevice | StaticDevice | None = None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(token):
                found = device
                break
        actor = Actor(user=user, role="")
        if found is None:
            _audit(actor, "2fa_failed", user, AuditEvent.Outcome.DENIED)
        else:
            _audit(actor, "2fa_verified", user,
                   detail="recovery_code" if isinstance(found, StaticDevice) else "authenticator")
    return found
