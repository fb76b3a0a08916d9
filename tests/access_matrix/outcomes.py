"""Access-matrix rows for bridgeway.outcomes.urls (aggregate evaluation pages)."""

from __future__ import annotations

from datetime import date

from . import Row, everyone

# Site leads, coordinators (their site), evaluators (their scope) and admins see the pages.
VIEWERS = everyone(403, coord_a=200, coord_b=200, lead_a=200, evaluator=200, admin=200)


def _excerpt(w):  # type: ignore[no-untyped-def]
    from bridgeway.outcomes.models import Excerpt, Reflection

    reflection = Reflection.objects.create(site=w.site_a, respondent_role="peer_supporter",
                                           timepoint_months=6, collected_on=date(2025, 1, 10))
    excerpt = Excerpt.objects.create(reflection=reflection, descriptor="worked_well",
                                     text="Meeting on the ward first made all the difference.")
    return {"public_id": excerpt.public_id}


def _subtheme(w):  # type: ignore[no-untyped-def]
    from bridgeway.outcomes.feedback import codebook_for
    from bridgeway.outcomes.models import Subtheme

    book = codebook_for(None)
    return {"subtheme": Subtheme.objects.filter(theme__codebook=book).first().pk, "exemplar": "on"}


ROWS = [
    Row("outcomes:dashboard", "GET", expect=VIEWERS),
    Row("outcomes:dashboard", "GET", expect=VIEWERS, data={"start": "2025-02-01",
                                                           "end": "2024-01-01"},
        note="invalid period: field errors"),
    Row("outcomes:per_diems", "GET", expect=VIEWERS),
    Row("outcomes:per_diems", "POST", expect=everyone(403, lead_a=302, admin=302),
        data=lambda w: {"hospital": w.hospital_a.pk, "ward_type": "acute", "amount": "1250.00",
                        "source": "2025 budget"}),
    Row("outcomes:settings", "GET", expect=VIEWERS),
    Row("outcomes:settings", "POST", expect=everyone(403, lead_a=302, evaluator=302, admin=302),
        data=lambda w: {"coverage": "1", "source": "stays", "hospitals": [w.hospital_a.pk],
                        "period_start": "2020-01-01", "period_end": "2025-06-30",
                        "complete_up_to": "2025-06-30"}),
    Row("outcomes:feedback", "GET", expect=VIEWERS),
    Row("outcomes:matrix_csv", "GET", expect=VIEWERS),
    Row("outcomes:reflection_new", "GET", expect=VIEWERS),
    Row("outcomes:reflection_new", "POST",
        expect=everyone(403, coord_a=302, coord_b=200, lead_a=302, evaluator=302, admin=302),
        data=lambda w: {"site": w.site_a.pk, "respondent_role": "staff", "timepoint_months": 6,
                        "collected_on": "2025-01-10",
                        "worked_well": "Peer supporters came every Tuesday."},
        note="coord_b cannot choose site A: the form re-renders"),
    Row("outcomes:excerpt_code", "POST", kwargs=_excerpt, data=_subtheme,
        expect=everyone(404, coord_a=403, lead_a=302, evaluator=302, admin=302)),
    Row("outcomes:codebook", "GET", expect=VIEWERS),
    Row("outcomes:codebook", "POST", data={"add_theme": "1", "descriptor": "suggestions",
                                           "name": "Housing"},
        expect=everyone(403, lead_a=302, evaluator=302, admin=302)),
    Row("outcomes:extract", "GET", expect=VIEWERS, data={"format": "csv"}),
    Row("outcomes:extract", "GET", expect=VIEWERS, data={"format": "parquet"}, note="parquet"),
    Row("outcomes:extract", "GET", expect=VIEWERS, data={"format": "zip"}, note="zip"),
    Row("outcomes:extract", "GET", expect=VIEWERS, note="disclosure report"),
    Row("outcomes:aggregates", "GET", expect=VIEWERS),
    Row("outcomes:report", "GET", expect=VIEWERS),
]
