from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bridgeway.web.contacts import views

app_name = "contacts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.caseload, name="caseload"),
    path("site/", views.site_overview, name="site"),
    path("supporters/<uuid:public_id>/week/", views.supporter_week, name="week"),
    path("clients/<uuid:public_id>/", views.client_contacts, name="client"),
    path("clients/<uuid:public_id>/log/", views.log_contact, name="log"),
    path("clients/<uuid:public_id>/appointments/new/", views.appointment_new,
         name="appointment_new"),
    path("clients/<uuid:public_id>/goals/", views.client_goals, name="goals"),
    path("appointments/<uuid:public_id>/", views.appointment_detail, name="appointment"),
    path("goals/<uuid:public_id>/", views.goal_detail, name="goal"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<uuid:public_id>/", views.group_detail, name="group"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
