"""Root URL configuration: the doors. Pages live under bridgeway/web/<area>/ (docs/architecture.md);
every URL has a row in the access matrix."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    # The language switcher must work on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("bridgeway.web.accounts.urls")),
    path("clients/", include("bridgeway.web.clients.urls")),
    path("supporters/", include("bridgeway.web.supporters.urls")),
    path("audit/", include("bridgeway.web.audit.urls")),
    path("imports/", include("bridgeway.web.imports.urls")),
    path("matching/", include("bridgeway.web.matching.urls")),
    path("contacts/", include("bridgeway.web.contacts.urls")),
    path("safety/", include("bridgeway.web.safety.urls")),
    path("outcomes/", include("bridgeway.web.outcomes.urls")),
]
