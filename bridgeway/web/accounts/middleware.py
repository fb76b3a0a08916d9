"""Second factor before anything else: after the password, a person who needs one
(`core.twofactor.required_for`) reaches only the second-factor pages, sign-out and the
language switch until the session is verified (django-otp's OTPMiddleware marks it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bridgeway.core.twofactor import has_device, required_for

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
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware adds it
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
