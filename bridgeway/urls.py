"""Root URL configuration. Each app owns its URLs; every URL has a row in the access matrix."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher must work on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("bridgeway.core.urls")),
    path("clients/", include("bridgeway.clients.urls")),
    path("supporters/", include("bridgeway.supporters.urls")),
    path("audit/", include("bridgeway.audit.urls")),
    path("matching/", include("bridgeway.matching.urls")),
    path("contacts/", include("bridgeway.contacts.urls")),
    path("safety/", include("bridgeway.safety.urls")),
    path("outcomes/", include("bridgeway.outcomes.urls")),
]
