"""Second factor before anything else: after the password, a person who needs one
(`core.twofactor.required_for`) reaches only the second-factor pages, sign-out and the
language switch until the session is verified (SecondFactorMiddleware marks it)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from bridgeway.access.backends import confirmed_devices
from bridgeway.core.twofactor import has_device, required_for


class SecondFactorMiddleware:
    """django-otp's OTPMiddleware (`user.otp_device`, `user.is_verified()`) without a query of
    its own: the session names the device that verified it (django_otp.login), and the sign-in
    backend read the user's confirmed devices with the user (bridgeway.access.backends). A
    device the backend did not list is looked up as django-otp does, and the session forgets
    it unless it is the user's and confirmed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(  # type: ignore[assignment]  # as AuthenticationMiddleware does
                functools.partial(self._verify, request, user))
        return self.get_response(request)

    @staticmethod
    def _verify(request: HttpRequest, user: Any) -> Any:
        user.otp_device = None
        user.is_verified = functools.partial(is_verified, user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if not persistent_id:
            return user
        if persistent_id in (confirmed_devices(user) or ()):
            # Confirmed and the user's (read with the user): loaded only if someone asks.
            user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(persistent_id))
            return user
        device = Device.from_persistent_id(persistent_id)
        if device is not None and device.user_id == user.pk and device.confirmed:
            user.otp_device = device
        else:
            del request.session[DEVICE_ID_SESSION_KEY]
        return user

# URL names a signed-in, not yet verified person may open.
EXEMPT = frozenset({"otp_verify", "otp_setup", "otp_qr", "logout", "set_language"})


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # SecondFactorMiddleware adds it
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT:
            return None
        if not getattr(view_func, "login_required", True):  # public pages stay public
            return None
        if not required_for(user):
            return None
        target = "otp_verify" if has_device(user) else "otp_setup"
        response = redirect(target)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
