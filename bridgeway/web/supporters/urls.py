from __future__ import annotations

from django.urls import path

from bridgeway.web.supporters import views

app_name = "supporters"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("sites/<slug:site_code>/", views.site_list, name="list"),
    path("sites/<slug:site_code>/new/", views.new, name="new"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/invite/", views.invite, name="invite"),
    path("<uuid:public_id>/lift-pause/", views.lift_pause, name="lift_pause"),
    path("<uuid:public_id>/training/<uuid:training_id>/", views.training_edit,
         name="training_edit"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/training/add/", views.training_add, name="training_add"),
]
