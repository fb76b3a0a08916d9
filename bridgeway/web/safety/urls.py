from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bridgeway.web.safety.views import alerts, client, incidents, supervision

app_name = "safety"
urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/", alerts.inbox, name="inbox"),
    path("alerts/<uuid:public_id>/", alerts.alert_detail, name="alert"),
    path("inbox/", alerts.notifications, name="notifications"),
    path("inbox/<int:pk>/open/", alerts.notification_open, name="notification_open"),
    path("inbox/read/", alerts.notifications_read, name="notifications_read"),
    path("clients/<uuid:public_id>/", client.client_page, name="client"),
    path("clients/<uuid:public_id>/binder/", client.binder_add, name="binder_add"),
    path("clients/<uuid:public_id>/binder/in-charge/", client.binder_in_charge,
         name="binder_in_charge"),
    path("clients/<uuid:public_id>/checklist/", client.checklist, name="checklist"),
    path("clients/<uuid:public_id>/bridging/", client.bridging_start, name="bridging_start"),
    path("clients/<uuid:public_id>/bridging/established/", client.bridging_establish,
         name="bridging_establish"),
    path("clients/<uuid:public_id>/outreach/", client.outreach_step, name="outreach_step"),
    path("clients/<uuid:public_id>/outreach/close/", client.outreach_close,
         name="outreach_close"),
    path("clients/<uuid:public_id>/reopen/<uuid:enrolment_id>/", client.reopen, name="reopen"),
    path("clients/<uuid:public_id>/incident/", incidents.incident_new, name="incident_new"),
    path("incidents/", incidents.incidents, name="incidents"),
    path("incidents/<uuid:public_id>/", incidents.incident_detail, name="incident"),
    path("incidents/<uuid:public_id>/undo/", incidents.incident_undo, name="incident_undo"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("check-in/", supervision.checkin, name="checkin"),
    path("check-ins/", supervision.checkins, name="checkins"),
    path("thresholds/<slug:site_code>/", supervision.thresholds, name="thresholds"),
]
