"""Sign-in: lockout per account and per address (django-axes), its audit, and the unlock.

Axes counts failures per username and per network address. Its one failure limit applies to
both; a hospital's ward computers often share one public address, so the address gets its
own, higher limit (`BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES`) through `LockoutHandler` below.

Every sign-in, failure (wrong password, refused while locked out, inactive account), lockout
and sign-out is an audit event (category "sign_in"). The events come from Django's auth
signals, the only hook that sees every way in (the sign-in page, the Django admin, a test
client): decision 0004's "explicit hooks" covers our own events, and Django's auth is not
ours. An event names the account by public id when the username exists; a username that
matches no account is not stored (it is often a mistyped password). Passwords never reach
the audit: axes hands the receivers credentials with the password masked, and they read
only the username.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import Who, record

from .actors import Actor
from .models import User

logger = logging.getLogger(__name__)
CATEGORY = "sign_in"


class LockoutHandler(AxesDatabaseHandler):
    """Locked when the account has `AXES_FAILURE_LIMIT` failures or the address has
    `BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES` (both within the cool-off period)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_account, per_address = self.get_user_attempts(request, credentials)
        account = per_account.aggregate(n=Sum("failures_since_start"))["n"] or 0
        address = per_address.aggregate(n=Sum("failures_since_start"))["n"] or 0
        limit = int(settings.AXES_FAILURE_LIMIT)
        if address >= settings.BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES:
            return max(account, limit)  # reads as "at the limit" to axes
        return int(account)


def client_address(request: HttpRequest) -> str:
    """The client's network address: the connection's, or with BRIDGEWAY_PROXY_COUNT trusted
    proxies in front, the entry the outermost of them added to X-Forwarded-For (entries to its
    left are the client's own claims and could be forged)."""
    count = settings.BRIDGEWAY_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in
                     request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


def client_str(username: str, ip_address: str, user_agent: str, path_info: str,
               request: HttpRequest) -> str:
    """What axes writes in its log lines: no username, no address (they are audited)."""
    return f"sign-in attempt on {path_info}"


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", ""))


def _who(user: User | None) -> Who:
    if user is None:
        return Who(public_id=None, username="anonymous")
    return Actor(user=user, role="").who


def _audit(user: User | None, action: str, detail: str,
           outcome: str = AuditEvent.Outcome.ALLOWED) -> None:
    target = f"user:{user.public_id} " if user is not None else "unknown-account "
    with transaction.atomic():
        record(who=_who(user), category=CATEGORY, action=action, outcome=outcome,
               detail=(target + detail).strip())


def on_signed_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    _audit(user, "sign_in", f"addr:{_address(request)}")


def on_signed_out(sender: object, request: HttpRequest | None, user: User | None,
                  **kwargs: Any) -> None:
    if user is not None:
        _audit(user, "sign_out", f"addr:{_address(request)}")


def on_failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
              **kwargs: Any) -> None:
    """One event per failed attempt. Runs after axes's own receiver (connected later), so the
    request already says whether this attempt was refused while locked out or locked it."""
    username = str(credentials.get("username") or "")
    user = User.objects.filter(username=username).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    counted = getattr(request, "axes_failures_since_start", None) is not None
    if locked and not counted:
        reason = "refused_locked_out"
    elif user is not None and not user.is_active:
        reason = "inactive_account"
    else:
        reason = "bad_credentials"
    _audit(user, "sign_in_failed", f"{reason} addr:{_address(request)}",
           AuditEvent.Outcome.DENIED)
    if locked and counted:  # this attempt reached a limit
        _audit(user, "lockout", f"addr:{_address(request)}", AuditEvent.Outcome.DENIED)
        logger.warning("sign-in: lockout after repeated failures (see the audit trail)")


def locked_attempts() -> QuerySet[AccessAttempt]:
    """Recorded failures, newest first (what an administrator may unlock)."""
    return AccessAttempt.objects.order_by("-attempt_time")


def is_locked(user: User) -> bool:
    total = (AccessAttempt.objects.filter(username=user.username)
             .aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return bool(total >= settings.AXES_FAILURE_LIMIT)


@transaction.atomic
def signin_unlock(*, actor: Actor, user: User | None = None, address: str = "") -> int:
    """Clear the recorded failures of an account or an address (audited); how many rows."""
    condition = Q()
    if user is not None:
        condition |= Q(username=user.username)
    if address:
        condition |= Q(ip_address=address)
    if not condition:
        return 0
    removed, _ = AccessAttempt.objects.filter(condition).delete()
    target = f"user:{user.public_id}" if user is not None else "unknown-account"
    record(who=actor.who, category=CATEGORY, action="unlock",
           detail=f"{target} addr:{address or '-'} rows:{removed}")
    return int(removed)
