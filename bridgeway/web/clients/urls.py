from __future__ import annotations

from django.urls import path

from bridgeway.web.clients.views import (
    client,
    covers,
    dashboards,
    enrolment,
    identifiers,
    matches,
    merge,
    referral,
    search,
    stays,
)

app_name = "clients"
urlpatterns = [
    path("sites/", dashboards.sites, name="sites"),
    path("sites/<slug:site_code>/", dashboards.site_dashboard, name="site_dashboard"),
    path("mine/", dashboards.mine, name="mine"),
    path("ward/", dashboards.ward_home, name="ward_home"),
    path("evaluation/", dashboards.evaluation, name="evaluation"),
    path("refer/", referral.refer, name="refer"),
    path("search/", search.search, name="search"),
    path("<uuid:public_id>/", client.detail, name="detail"),
    path("<uuid:public_id>/edit/", client.edit, name="edit"),
    path("<uuid:public_id>/merge/", merge.merge, name="merge"),
    path("<uuid:public_id>/identifiers/add/", identifiers.add, name="identifier_add"),
    path("<uuid:public_id>/identifiers/<uuid:identifier_id>/remove/", identifiers.remove,
         name="identifier_remove"),
    path("<uuid:public_id>/enrolments/<uuid:enrolment_id>/consent/", enrolment.consent,
         name="consent"),
    path("<uuid:public_id>/enrolments/<uuid:enrolment_id>/status/", enrolment.status,
         name="enrolment_status"),
    path("<uuid:public_id>/enrolments/<uuid:enrolment_id>/waitlist/", enrolment.waitlist,
         name="enrolment_waitlist"),
    path("<uuid:public_id>/enrolments/<uuid:enrolment_id>/match/", matches.create,
         name="match_create"),
    path("<uuid:public_id>/matches/<uuid:match_id>/end/", matches.end, name="match_end"),
    path("<uuid:public_id>/matches/<uuid:match_id>/cover/", covers.new, name="cover_new"),
    path("<uuid:public_id>/covers/<uuid:cover_id>/end/", covers.end, name="cover_end"),
    path("<uuid:public_id>/stays/admit/", stays.admit, name="stay_admit"),
    path("<uuid:public_id>/stays/<uuid:stay_id>/expected-discharge/", stays.expected_discharge,
         name="stay_expected_discharge"),
    path("<uuid:public_id>/stays/<uuid:stay_id>/discharge/", stays.discharge,
         name="stay_discharge"),
]
