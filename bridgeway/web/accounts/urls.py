from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from bridgeway.web.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("administration/", views.admin_home, name="admin_home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
