from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bridgeway.web.outcomes import views

app_name = "outcomes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("per-diems/", views.per_diems, name="per_diems"),
    path("settings/", views.evaluation_settings, name="settings"),
    path("feedback/", views.feedback_matrix, name="feedback"),
    path("feedback/matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("feedback/new/", views.reflection_new, name="reflection_new"),
    path("feedback/excerpts/<uuid:public_id>/code/", views.excerpt_code, name="excerpt_code"),
    path("codebook/", views.codebook, name="codebook"),
    path("export/extract/", views.extract, name="extract"),
    path("export/aggregates.csv", views.aggregates_csv, name="aggregates"),
    path("export/report.pdf", views.report_pdf, name="report"),
]
