"""Staff accounts (site leads and administrators), mounted at /accounts/staff/ as "staff"."""

from __future__ import annotations

from django.urls import path

from bridgeway.web.accounts import staff

app_name = "staff"
urlpatterns = [
    path("", staff.staff_list, name="list"),
    path("invite/", staff.staff_invite, name="invite"),
    path("<uuid:public_id>/", staff.staff_detail, name="detail"),
    path("<uuid:public_id>/roles/", staff.role_add, name="role_add"),
    path("<uuid:public_id>/roles/<uuid:assignment_id>/remove/", staff.role_remove,
         name="role_remove"),
    path("<uuid:public_id>/active/", staff.set_active, name="set_active"),
    path("<uuid:public_id>/invite/", staff.reinvite, name="reinvite"),
    path("<uuid:public_id>/two-factor/remove/", staff.two_factor_remove,
         name="two_factor_remove"),
    path("lockouts/", staff.lockouts, name="lockouts"),
    path("lockouts/unlock/", staff.unlock, name="unlock"),
]
