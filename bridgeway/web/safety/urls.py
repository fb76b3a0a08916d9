from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bridgeway.web.safety import views

app_name = "safety"
urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/<uuid:public_id>/", views.alert_detail, name="alert"),
    path("inbox/", views.notifications, name="notifications"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/read/", views.notifications_read, name="notifications_read"),
    path("clients/<uuid:public_id>/", views.client_page, name="client"),
    path("clients/<uuid:public_id>/binder/", views.binder_add, name="binder_add"),
    path("clients/<uuid:public_id>/binder/in-charge/", views.binder_in_charge,
         name="binder_in_charge"),
    path("clients/<uuid:public_id>/checklist/", views.checklist, name="checklist"),
    path("clients/<uuid:public_id>/bridging/", views.bridging_start, name="bridging_start"),
    path("clients/<uuid:public_id>/bridging/established/", views.bridging_establish,
         name="bridging_establish"),
    path("clients/<uuid:public_id>/outreach/", views.outreach_step, name="outreach_step"),
    path("clients/<uuid:public_id>/outreach/close/", views.outreach_close,
         name="outreach_close"),
    path("clients/<uuid:public_id>/reopen/<uuid:enrolment_id>/", views.reopen, name="reopen"),
    path("clients/<uuid:public_id>/incident/", views.incident_new, name="incident_new"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/<uuid:public_id>/", views.incident_detail, name="incident"),
    path("supervision/", views.supervision, name="supervision"),
    path("check-in/", views.checkin, name="checkin"),
    path("check-ins/", views.checkins, name="checkins"),
    path("thresholds/<slug:site_code>/", views.thresholds, name="thresholds"),
]
