"""Outcome pages: who may open them, one audit event each, no identifiers anywhere."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Client
from bridgeway.outcomes import analysis, exports, formatting, report
from bridgeway.outcomes.models import DataCoverage, ProgramWard
from bridgeway.outcomes.selectors import sites_in_scope

from .cohort import person, stay
from .test_disclosure import shown_counts

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
    # 12 program clients of the fixture and the world's Daniel, referred and still in hospital.
    assert ev.headline["n_program"] == 13 and ev.headline["n_comparison"] == 12
    assert ev.headline["still_in_hospital"] == "<5"
    assert ev.results["groups"]["straddling"] == 0
    assert_no_identifiers(body)


def test_no_count_under_the_threshold_anywhere_on_the_dashboard(login, program_data):
    ev = login("evaluator").get(reverse("outcomes:dashboard"), {"start": "2020-01-01"}).context["ev"]
    counts = shown_counts(ev.results) + shown_counts(ev.fidelity_components) \
        + shown_counts(ev.fidelity_ward_quarter) + shown_counts(ev.contact_hours) \
        + shown_counts(ev.drop_outs) + shown_counts(ev.waiting)
    assert counts and all(n == 0 or n >= 5 for n in counts), sorted(set(counts))
    readmit = ev.headline["readmit"]
    assert readmit["program"]["events"] == "<5" and readmit["program"]["rate"] is None


def test_a_repeat_load_is_served_from_the_cache_until_the_data_change(login, program_data, world):
    http = login("lead_a")
    first = http.get(reverse("outcomes:dashboard")).context["ev"]
    with CaptureQueriesContext(connection) as repeat:
        second = http.get(reverse("outcomes:dashboard")).context["ev"]
    with CaptureQueriesContext(connection) as plain:
        http.get(reverse("outcomes:per_diems"))  # a plain page: a table and its audit event
    assert not first.cached and second.cached
    # The data version is one query; the rest is what any outcome page does.
    assert len(repeat.captured_queries) <= len(plain.captured_queries) + 4
    stay(person("Newcomer"), world.ward_a, pd.Timestamp("2024-06-01").date(),
         pd.Timestamp("2024-06-20").date())
    third = http.get(reverse("outcomes:dashboard")).context["ev"]
    assert not third.cached and third.headline["n_comparison"] == first.headline["n_comparison"] + 1


def test_screen_and_pdf_write_the_same_rounded_figures(login, program_data, world):
    http = login("evaluator")
    response = http.get(reverse("outcomes:dashboard"), {"site": "riverside", "start": "2020-01-01"})
    ev = response.context["ev"]
    los = formatting.estimate(ev.headline["los"]["adjusted"], "num", 1)
    assert los in response.content.decode()
    pdf = report.build(ev, exports.aggregate_table(ev), compress=False).decode("latin-1")
    assert los.replace("–", "") in pdf.replace("\\", "")


def test_dashboard_in_french(client, world, program_data):
    world.evaluator.preferred_language = "fr"
    world.evaluator.save()
    client.force_login(world.evaluator)
    body = client.get(reverse("outcomes:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Qualité des données" in body and "Qui est comparé" in body


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
    assert len(frame) >= 20 and frame.pseudo_id.str.match(r"^P[0-9a-f]{15}$").all()
    bundle = http.get(reverse("outcomes:extract"), {"format": "zip", "start": "2020-01-01"})
    assert bundle["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        names = archive.namelist()
        readme = archive.read("README.md").decode()
        assert archive.read(names[0]).decode() == text
    assert "k = 5" in readme and "Length of stay" in readme
    assert_no_identifiers(readme)
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
                               today=pd.Timestamp("2025-12-31").date())
    ev = analysis.evaluate(filters)
    pdf = report.build(ev, exports.aggregate_table(ev), compress=False)
    assert pdf.startswith(b"%PDF")
    text = pdf.decode("latin-1")
    assert "Assumptions" in text and "Per-diems used" in text and "Data quality" in text
    assert_no_identifiers(text)
    # Groups and ward types in words, never their codes (issue 15: the PDF showed "usual_care").
    assert "usual_care" not in text and "ward_type" not in text and "readmission_rate" not in text
    assert "Usual care" in text and "Ward type" in text


def test_pdf_download(login, program_data):
    response = login("lead_a").get(reverse("outcomes:report"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_dashboard_query_count_does_not_grow_with_data(login, program_data, world,
                                                        django_assert_max_num_queries):
    http = login("lead_a")
    http.get(reverse("outcomes:dashboard"))  # warm the codebook and per-request caches
    stay(person("Extra"), world.ward_a, pd.Timestamp("2024-05-01").date(),
         pd.Timestamp("2024-05-20").date())  # a change: the next load computes afresh
    with CaptureQueriesContext(connection) as small:
        http.get(reverse("outcomes:dashboard"))
    for i in range(20):
        c = person(f"Extra{i}")
        stay(c, world.ward_a, pd.Timestamp("2024-05-01").date(), pd.Timestamp("2024-05-20").date())
    with django_assert_max_num_queries(len(small.captured_queries)):
        http.get(reverse("outcomes:dashboard"))


def test_settings_page_declares_data_ends_and_wards(login, world, program_data):
    http = login("evaluator")
    assert http.get(reverse("outcomes:settings")).status_code == 200
    bad = http.post(reverse("outcomes:settings"), {
        "coverage": "1", "source": "stays", "hospitals": [world.hospital_a.pk],
        "period_start": "2020-01-01", "period_end": "2025-06-30", "complete_up_to": "2025-09-30"})
    assert bad.status_code == 200 and "complete_up_to" in bad.context["coverage_form"].errors
    assert not DataCoverage.objects.exists()
    ok = http.post(reverse("outcomes:settings"), {
        "coverage": "1", "source": "stays", "hospitals": [world.hospital_a.pk],
        "period_start": "2020-01-01", "period_end": "2025-06-30", "complete_up_to": "2025-06-30"})
    assert ok.status_code == 302
    cov = DataCoverage.objects.get()
    assert cov.complete_up_to == pd.Timestamp("2025-06-30").date() and cov.updated_by == world.evaluator
    assert AuditEvent.objects.filter(action="declare_coverage").count() == 1
    ev = http.get(reverse("outcomes:dashboard")).context["ev"]
    assert ev.stays_end == cov.complete_up_to
    ward = http.post(reverse("outcomes:settings"), {
        "set_ward": "1", "site": world.site_a.pk, "ward": world.ward_a.pk, "assignment": "program"})
    assert ward.status_code == 302
    assert ProgramWard.objects.get().assignment == "program"


def test_settings_writes_are_refused_to_coordinators(login, world):
    response = login("coord_a").post(reverse("outcomes:settings"), {
        "coverage": "1", "source": "stays", "hospitals": [world.hospital_a.pk],
        "period_start": "2020-01-01", "period_end": "2025-06-30", "complete_up_to": "2025-06-30"})
    assert response.status_code == 403
    assert not DataCoverage.objects.exists()


@pytest.mark.parametrize("query", [
    {"comparison": "before"}, {"ward_type": "tertiary"}, {"subgroup": "lonely", "window": "90"},
    {"site": "lakeview"}, {"start": "2030-01-01", "end": "2030-12-31"},
    {"comparison": "before", "ward_type": "acute", "subgroup": "not_lonely", "window": "365"}])
def test_every_filter_combination_renders(login, program_data, query):
    response = login("evaluator").get(reverse("outcomes:dashboard"), query)
    assert response.status_code == 200
    pdf = login("evaluator").get(reverse("outcomes:report"), query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_extract_page_shows_what_disclosure_control_did(login, program_data):
    http = login("evaluator")
    response = http.get(reverse("outcomes:extract"), {"start": "2020-01-01"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "k = 5" in text and "format=zip" in text and "rows suppressed" in text
    assert_no_identifiers(text)
    response = http.get(reverse("outcomes:extract"), {"start": "2020-01-01"},
                        HTTP_ACCEPT_LANGUAGE="fr")
    assert "Contrôle de la divulgation" in response.content.decode()
