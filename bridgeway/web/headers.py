"""Response headers that keep client data off shared computers and out of other sites' reach.

- ``Cache-Control: no-store`` on every response to a signed-in user: every page behind sign-in
  may show client data, and a ward computer's browser cache (or its back button after sign-out)
  must not keep it. Deciding per signed-in response, not per view, means a new page cannot
  forget it. Public responses keep whatever their view set (the calendar feed sets its own).
- ``Permissions-Policy`` switching off browser features no page uses (camera, microphone,
  geolocation, payment, USB…), so injected content could not ask for them either.

The Content-Security-Policy is django-csp's middleware; HSTS, Referrer-Policy and nosniff are
Django's SecurityMiddleware (settings in bridgeway/settings/base.py and production.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PrivateResponseHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store, max-age=0"
        policy = settings.BRIDGEWAY_PERMISSIONS_POLICY
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
