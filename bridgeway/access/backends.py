"""The sign-in backend: Django's ModelBackend, reading with the session's user, in the same
query, their active grants and their confirmed second-factor devices.

Every signed-in page needs the user, their grants (navigation, access decisions) and the
second-factor check. django-otp's OTPMiddleware loads the session's device
(`Device.from_persistent_id`) on each request to check it still exists, is confirmed and
belongs to the user; here the first confirmed device of each kind comes as a subquery of the
user's row, and `bridgeway.web.accounts.middleware.SecondFactorMiddleware` accepts the
session's device when it is one of them and asks django-otp otherwise, so a device that is
removed or unconfirmed stops verifying on the next request, as before (docs/decisions/0015).

The grants are the rows of the query (each with its user): a user without an active grant
is read by a second query, as ModelBackend does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery

from bridgeway.core.models import User
from bridgeway.core.twofactor import DEVICE_MODELS

from .grants import active_grants, remember_grants

CONFIRMED_DEVICES = "_bridgeway_confirmed_devices"


def _first_devices(user_ref: str) -> dict[str, Subquery]:
    return {f"otp_first_{model._meta.model_name}": Subquery(
        model.objects.filter(user=OuterRef(user_ref), confirmed=True).order_by("pk")
        .values("pk")[:1]) for model in DEVICE_MODELS}


def _remember_devices(user: User, row: Any) -> None:
    ids = frozenset(
        f"{model.model_label()}/{pk}" for model in DEVICE_MODELS
        if (pk := getattr(row, f"otp_first_{model._meta.model_name}")) is not None)
    setattr(user, CONFIRMED_DEVICES, ids)


def confirmed_devices(user: Any) -> frozenset[str] | None:
    """Persistent ids of confirmed devices read with `user`; None when it was read elsewhere."""
    return getattr(user, CONFIRMED_DEVICES, None)


class SignInBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        grants = list(active_grants().select_related("user").filter(user_id=user_id)
                      .annotate(**_first_devices("user_id")))
        if grants:
            user = grants[0].user
            for grant in grants:
                grant.user = user
            _remember_devices(user, grants[0])
            remember_grants(user, grants)
        else:
            try:
                user = User._default_manager.annotate(**_first_devices("pk")).get(pk=user_id)
            except User.DoesNotExist:
                return None
            _remember_devices(user, user)
        return user if self.user_can_authenticate(user) else None
