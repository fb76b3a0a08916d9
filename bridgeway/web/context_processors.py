"""Navigation entries for the roles the signed-in user holds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bridgeway.access.search import may_search
from bridgeway.web.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "may_search": False}
    return {"nav_items": nav_for(user), "may_search": may_search(user)}
