from __future__ import annotations

from django.urls import path

from bridgeway.clients.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("administration/", home.admin_home, name="admin_home"),
]
