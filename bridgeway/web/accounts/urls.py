"""Sign-in and out, passwords (invitation, reset, change), the landing pages, staff accounts.

The password-reset names are Django's own (its views reverse them), so they are not namespaced.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from bridgeway.web.accounts import passwords, twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("administration/", views.admin_home, name="admin_home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/invitation/<str:token>/", passwords.invitation_accept,
         name="invitation_accept"),
    path("accounts/password/reset/", passwords.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", passwords.password_reset_done,
         name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", passwords.password_reset_confirm,
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", passwords.password_reset_complete,
         name="password_reset_complete"),
    path("accounts/password/change/", passwords.password_change, name="password_change"),
    path("accounts/password/change/done/", passwords.password_change_done,
         name="password_change_done"),
    path("accounts/two-factor/", twofactor.verify, name="otp_verify"),
    path("accounts/two-factor/setup/", twofactor.setup, name="otp_setup"),
    path("accounts/two-factor/qr.svg", twofactor.qr, name="otp_qr"),
    path("accounts/two-factor/recovery-codes/", twofactor.recovery_codes,
         name="otp_recovery_codes"),
    path("accounts/security/", twofactor.security, name="account_security"),
    path("accounts/staff/", include("bridgeway.web.accounts.staff_urls")),
]
