"""Outcome pages: who may open them, one audit event each, no identifiers anywhere."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Client
from bridgeway.outcomes import analysis, exports, report
from bridgeway.outcomes.selectors import sites_in_scope

from .cohort import person, stay

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def identifiers() -> tuple[set[str], set[str]]:
    names, ids = set(), set()
    for c in Client.objects.all():
        names.update({c.given_name, c.family_name})
        ids.add(str(c.public_id))
        if c.phone:
            names.add(c.phone)
    return names, ids


def assert_no_identifiers(text: str) -> None:
    names, ids = identifiers()
    found = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
    assert not found, f"client identifiers in output: {found[:5]}"
    assert not (set(UUID.findall(text)) & ids)


@pytest.mark.parametrize(("persona", "status"), [
    ("lead_a", 200), ("coord_a", 200), ("evaluator", 200), ("admin", 200),
    ("supporter", 403), ("staff_a", 403), ("other_supporter", 403)])
def test_dashboard_access(login, program_data, persona, status):
    response = login(persona).get(reverse("outcomes:dashboard"))
    assert response.status_code == status


def test_dashboard_shows_comparison_and_writes_one_audit_event(login, program_data, world):
    before = AuditEvent.objects.count()
    response = login("evaluator").get(reverse("outcomes:dashboard"), {"site": "riverside"})
    assert response.status_code == 200
    events = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(events) == 1
    assert events[0].category == "outcomes" and events[0].client_public_id is None
    assert events[0].role == "evaluator"
    body = response.content.decode()
    assert "outcome-charts" in body and "chart.umd.js" in body
    ev = response.context["ev"]
    assert ev.headline["n_program"] == 12 and ev.headline["n_comparison"] == 12
    assert_no_identifiers(body)


def test_invalid_filters_give_field_errors_not_500(login, program_data):
    response = login("lead_a").get(reverse("outcomes:dashboard"),
                                   {"start": "2025-01-01", "end": "2024-01-01", "window": "7"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "end" in form.errors and "window" in form.errors


def test_evaluator_exports_have_no_identifiers(login, program_data):
    http = login("evaluator")
    csv = http.get(reverse("outcomes:extract"), {"format": "csv", "start": "2020-01-01"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode()
    assert_no_identifiers(text)
    frame = pd.read_csv(io.StringIO(text))
    assert len(frame) >= 24 and frame.pseudo_id.str.match(r"^P[0-9a-f]{15}$").all()
    parquet = http.get(reverse("outcomes:extract"), {"format": "parquet", "start": "2020-01-01"})
    table = pd.read_parquet(io.BytesIO(parquet.content))
    assert list(table.columns) == exports.EXTRACT_COLUMNS
    assert_no_identifiers(table.to_csv())
    agg = http.get(reverse("outcomes:aggregates"), {"start": "2020-01-01"})
    assert_no_identifiers(agg.content.decode())


def test_pdf_report_has_no_identifiers(world, program_data):
    sites = sites_in_scope(world.evaluator)
    filters = analysis.Filters(sites=sites, start=pd.Timestamp("2020-01-01").date(),
                               end=pd.Timestamp("2025-12-31").date(),
                               cutoff=pd.Timestamp("2025-12-31").date())
    pdf = report.build(analysis.evaluate(filters), exports.aggregate_table(filters), compress=False)
    assert pdf.startswith(b"%PDF")
    text = pdf.decode("latin-1")
    assert "Assumptions" in text and "Per-diems used" in text
    assert_no_identifiers(text)


def test_pdf_download(login, program_data):
    response = login("lead_a").get(reverse("outcomes:report"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_dashboard_query_count_does_not_grow_with_data(login, program_data, world,
                                                        django_assert_max_num_queries):
    http = login("lead_a")
    http.get(reverse("outcomes:dashboard"))  # warm the codebook and per-request caches
    with CaptureQueriesContext(connection) as small:
        http.get(reverse("outcomes:dashboard"))
    for i in range(20):
        c = person(f"Extra{i}")
        stay(c, world.ward_a, pd.Timestamp("2024-05-01").date(), pd.Timestamp("2024-05-20").date())
    with django_assert_max_num_queries(len(small.captured_queries)):
        http.get(reverse("outcomes:dashboard"))
