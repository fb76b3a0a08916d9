from __future__ import annotations

from django.urls import path

from bridgeway.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.people, name="people"),
    path("clients/<uuid:public_id>/", views.client_log, name="client_log"),
    path("users/<uuid:public_id>/", views.user_log, name="user_log"),
]
