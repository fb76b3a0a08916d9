"""The idle timeout, renewed at most once a minute instead of on every request.

A session expires `SESSION_COOKIE_AGE` (BRIDGEWAY_IDLE_MINUTES) after it was last saved.
Saving it on every request (SESSION_SAVE_EVERY_REQUEST) cost every page an UPDATE of the
session row; renewing it only when the last renewal is `BRIDGEWAY_SESSION_RENEW_SECONDS`
old or more keeps the timeout between BRIDGEWAY_IDLE_MINUTES minus that interval and
BRIDGEWAY_IDLE_MINUTES after the last activity: never longer than before, at most a minute
shorter. A session another part of the request changed (sign-in, messages) is saved anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_bridgeway_renewed_at"


class IdleTimeoutMiddleware:
    """Between SessionMiddleware (which saves a modified session) and the rest."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        # Only a session this request already read (a signed-in page), never an empty one.
        if session.accessed and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(RENEWED_AT, 0)) >= settings.BRIDGEWAY_SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now  # modified: SessionMiddleware saves it, expiry renewed
        return response
