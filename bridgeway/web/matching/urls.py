from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bridgeway.web.matching import views

app_name = "matching"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("notices/", views.notices, name="notices"),
    path("site/<slug:site_code>/", views.site, name="site"),
    path("site/<slug:site_code>/run/", views.run, name="run"),
    path("site/<slug:site_code>/proposals/", views.proposals, name="proposals"),
    path("site/<slug:site_code>/criteria/", views.criteria, name="criteria"),
    path("proposals/<uuid:public_id>/", views.proposal, name="proposal"),
    path("proposals/<uuid:public_id>/approve/", views.approve, name="approve"),
    path("proposals/<uuid:public_id>/reject/", views.reject, name="reject"),
    path("proposals/<uuid:public_id>/swap/", views.swap, name="swap"),
    path("matches/<uuid:public_id>/end/", views.end_match, name="end_match"),
]
