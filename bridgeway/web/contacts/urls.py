from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bridgeway.web.contacts.views import appointments, calendar, entries, goals, groups, lists, log

app_name = "contacts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", lists.caseload, name="caseload"),
    path("site/", lists.site_overview, name="site"),
    path("supporters/<uuid:public_id>/week/", lists.supporter_week, name="week"),
    path("clients/<uuid:public_id>/", log.client_contacts, name="client"),
    path("clients/<uuid:public_id>/log/", log.log_contact, name="log"),
    path("entries/<uuid:public_id>/", entries.contact_detail, name="entry"),
    path("entries/<uuid:public_id>/edit/", entries.contact_edit, name="entry_edit"),
    path("entries/<uuid:public_id>/delete/", entries.contact_remove, name="entry_delete"),
    path("clients/<uuid:public_id>/appointments/new/", appointments.appointment_new,
         name="appointment_new"),
    path("clients/<uuid:public_id>/goals/", goals.client_goals, name="goals"),
    path("appointments/<uuid:public_id>/", appointments.appointment_detail, name="appointment"),
    path("goals/<uuid:public_id>/", goals.goal_detail, name="goal"),
    path("groups/", groups.group_list, name="groups"),
    path("groups/schedule/", groups.group_schedule_new, name="group_schedule"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/<uuid:public_id>/", groups.group_detail, name="group"),
    path("groups/<uuid:public_id>/attendance/", groups.group_attendance,
         name="group_attendance"),
    path("calendar/", calendar.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
