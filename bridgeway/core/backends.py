"""The sign-in backend: Django's ModelBackend, reading with the session's user their confirmed
second-factor devices, so the second-factor check costs no query of its own.

django-otp's OTPMiddleware loads the session's device (`Device.from_persistent_id`) on every
request to check it still exists, is confirmed and belongs to the user. The same facts come
here as two subqueries of the user's own query (the first confirmed device of each kind);
`bridgeway.web.accounts.middleware.SecondFactorMiddleware` accepts the session's device when
it is one of them and asks django-otp otherwise, so a device that is removed or unconfirmed
stops verifying on the next request, as before (docs/decisions/0015).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery

from .models import User
from .twofactor import DEVICE_MODELS

CONFIRMED_DEVICES = "_bridgeway_confirmed_devices"


def _annotations() -> dict[str, Subquery]:
    return {f"otp_first_{model._meta.model_name}": Subquery(
        model.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk")
        .values("pk")[:1]) for model in DEVICE_MODELS}


def confirmed_devices(user: Any) -> frozenset[str] | None:
    """Persistent ids of confirmed devices read with `user`; None when it was read elsewhere."""
    return getattr(user, CONFIRMED_DEVICES, None)


class SignInBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.annotate(**_annotations()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        ids = frozenset(
            f"{model.model_label()}/{pk}" for model in DEVICE_MODELS
            if (pk := getattr(user, f"otp_first_{model._meta.model_name}")) is not None)
        setattr(user, CONFIRMED_DEVICES, ids)
        return user if self.user_can_authenticate(user) else None
