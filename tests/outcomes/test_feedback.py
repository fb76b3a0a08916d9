"""Reflections are de-identified on the way in; coding feeds the data-analysis matrix."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from bridgeway.core.actors import Actor
from bridgeway.outcomes import feedback, services
from bridgeway.outcomes.models import Excerpt, Subtheme


def test_codebook_is_seeded_with_table_1(db):
    book = feedback.codebook_for(None)
    subs = Subtheme.objects.filter(theme__codebook=book)
    assert subs.count() == 5 + 4 + 3 + 6 + 5
    assert subs.filter(name="Establishing a safety net",
                       theme__descriptor="worked_well").exists()
    assert subs.filter(name="Bending information sharing rules",
                       theme__descriptor="suggestions").exists()
    assert feedback.codebook_for(None).pk == book.pk  # seeded once


def test_deidentify_removes_known_names_and_contact_details(world):
    names = feedback.name_pattern(feedback.known_names())
    text = ("Daniel told Jordan Peer he'd call 519-555-0100 or daniel@example.org; "
            "card 1234-567-890-AB. Priya agreed. Tremblay was there.")
    out = feedback.deidentify(text, names)
    for leaked in ("Daniel", "Jordan", "Peer", "519-555-0100", "daniel@example.org",
                   "1234-567-890", "Priya", "Tremblay"):
        assert leaked not in out
    assert out.count("[name]") >= 4 and "[phone]" in out and "[email]" in out
    assert "[health card]" in out
    assert "told" in out and "agreed" in out  # ordinary words stay


def test_reflection_record_stores_only_deidentified_excerpts(world):
    actor = Actor(user=world.lead_a, role="site_lead", site_code=world.site_a.code)
    reflection = services.reflection_record(
        actor=actor, site=world.site_a, respondent_role="peer_supporter", timepoint_months=6,
        collected_on=date(2025, 1, 10),
        texts={"worked_well": "Daniel said I'm his safety net.\nWe met every week.",
               "not_so_well": "", "suggestions": "Tell us the discharge date sooner."})
    texts = list(reflection.excerpts.values_list("descriptor", "text"))
    assert texts == [("worked_well", "[name] said I'm his safety net."),
                     ("worked_well", "We met every week."),
                     ("suggestions", "Tell us the discharge date sooner.")]


def test_matrix_counts_by_site_and_exemplars(world, login):
    actor = Actor(user=world.admin, role="administrator")
    r1 = services.reflection_record(actor=actor, site=world.site_a, respondent_role="staff",
                                    timepoint_months=6, collected_on=date(2025, 1, 1),
                                    texts={"worked_well": "A safety net.\nNobody fell through."})
    r2 = services.reflection_record(actor=actor, site=world.site_b, respondent_role="client",
                                    timepoint_months=12, collected_on=date(2025, 6, 1),
                                    texts={"worked_well": "Someone to call."})
    book = feedback.codebook_for(None)
    net = Subtheme.objects.get(theme__codebook=book, name="Establishing a safety net")
    for i, e in enumerate(list(r1.excerpts.all()) + list(r2.excerpts.all())):
        services.excerpt_code(actor=actor, excerpt=e, subtheme=net, exemplar=(i == 1))
    rows = feedback.matrix(book, Excerpt.objects.all(), [world.site_a, world.site_b])
    row = next(r for r in rows if r.subtheme == "Establishing a safety net")
    assert row.counts == {"riverside": 2, "lakeview": 1} and row.total == 3
    assert row.exemplars[0] == "Nobody fell through."  # the marked exemplar comes first
    assert [r.descriptor for r in rows][0] == "worked_well"
    assert [r.descriptor for r in rows][-1] == "suggestions"
    csv = login("evaluator").get(reverse("outcomes:matrix_csv")).content.decode()
    assert "Establishing a safety net,1,2,3,Nobody fell through." in csv  # lakeview, riverside


def test_evaluator_codes_an_excerpt_through_the_page(world, login):
    actor = Actor(user=world.admin, role="administrator")
    r = services.reflection_record(actor=actor, site=world.site_a, respondent_role="staff",
                                   timepoint_months=6, collected_on=date(2025, 1, 1),
                                   texts={"not_so_well": "Matching took too long."})
    excerpt = r.excerpts.get()
    feedback.codebook_for(None)
    sub = Subtheme.objects.get(name="Issues with matching peer supporter to clients")
    http = login("evaluator")
    response = http.post(reverse("outcomes:excerpt_code", args=[excerpt.public_id]),
                         {"subtheme": sub.pk})
    assert response.status_code == 302
    excerpt.refresh_from_db()
    assert excerpt.subtheme == sub and excerpt.coded_by == world.evaluator
    bad = http.post(reverse("outcomes:excerpt_code", args=[excerpt.public_id]),
                    {"subtheme": "99999"})
    assert bad.status_code == 302  # field error shown as a message, coding unchanged
    excerpt.refresh_from_db()
    assert excerpt.subtheme == sub
    page = http.get(reverse("outcomes:feedback")).content.decode()
    assert "Matching took too long." in page
