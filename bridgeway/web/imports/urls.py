from __future__ import annotations

from django.urls import path

from bridgeway.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
]
