"""Matching pages: one audit event per view, why-not, criteria errors, own notices only."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bridgeway.audit.models import AuditEvent
from bridgeway.matching import services
from bridgeway.matching.models import MatchNotice, Proposal
from bridgeway.supporters.models import SupporterProfile
from tests import factories as f
from tests.conftest import World

from .helpers import areas, coordinator, waiting


@pytest.fixture
def proposed(world: World) -> Proposal:
    areas()
    world.supporter.languages.set([f.language("en", "English")])
    world.other_supporter.languages.set([f.language("en", "English")])
    waiting(world.site_a, given_name="Robin", family_name="Fisher")
    services.matching_run(actor=coordinator(world), site=world.site_a)
    return Proposal.objects.get(status="proposed")


def _events() -> int:
    return AuditEvent.objects.count()


def test_review_page_writes_one_audit_event(login: Any, proposed: Proposal) -> None:
    client = login("coord_a")
    before = _events()
    response = client.get(f"/matching/site/{proposed.site.code}/proposals/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Robin Fisher" in body
    assert "Next best" in body and body.count("both men") >= 2  # proposal and its alternative
    assert _events() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert str(proposed.enrolment.client.public_id) in event.subjects


def test_proposal_page_why_not(login: Any, proposed: Proposal, world: World) -> None:
    client = login("coord_a")
    other = (world.other_supporter if proposed.supporter == world.supporter else world.supporter)
    SupporterProfile.objects.filter(pk=other.pk).update(status="paused")
    before = _events()
    response = client.get(f"/matching/proposals/{proposed.public_id}/",
                          {"why_not": str(other.public_id)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "is paused or has left the program" in body
    assert _events() == before + 1
    assert "diagnos" not in body.lower()
    bad = client.get(f"/matching/proposals/{proposed.public_id}/", {"why_not": "nonsense"})
    assert "Choose a peer supporter of this site." in bad.content.decode()


def test_why_not_in_french_writes_scores_with_the_decimal_comma(login: Any, proposed: Proposal,
                                                                world: World) -> None:
    SupporterProfile.objects.update(max_active_clients=3)  # both supporters are allowed
    Proposal.objects.filter(pk=proposed.pk).update(score=proposed.score + 12.345)
    other = (world.other_supporter if proposed.supporter == world.supporter else world.supporter)
    client = login("coord_a")
    response = client.get(f"/matching/proposals/{proposed.public_id}/",
                          {"why_not": str(other.public_id)}, HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    sentence = re.search(r"Admissible[^<]*", body)
    assert sentence is not None, body
    assert re.search(r"\d,\d", sentence.group(0)) and not re.search(r"\d\.\d", sentence.group(0))


def test_criteria_form_field_errors(login: Any, world: World) -> None:
    client = login("coord_a")
    response = client.post(f"/matching/site/{world.site_a.code}/criteria/",
                           {"weight_interests": "-4", "max_distance_km": "abc",
                            "age_span_years": "20", "distance_span_km": "30",
                            "waiting_span_days": "60", "site_language": "English"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "weight_interests" in errors and "max_distance_km" in errors


def test_approve_over_capacity_shows_message_not_500(login: Any, proposed: Proposal,
                                                     world: World) -> None:
    SupporterProfile.objects.filter(pk=proposed.supporter.pk).update(max_active_clients=0)
    client = login("coord_a")
    response = client.post(f"/matching/proposals/{proposed.public_id}/approve/", follow=True)
    assert response.status_code == 200
    assert "no free place" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_supporter_sees_only_own_notices(login: Any, world: World) -> None:
    e = waiting(world.site_a, given_name="Robin", family_name="Fisher")
    services.match_by_hand(actor=coordinator(world), enrolment=e,
                           supporter=world.other_supporter)
    assert MatchNotice.objects.filter(supporter=world.other_supporter).count() == 1
    mine = login("supporter").get("/matching/notices/").content.decode()
    assert "Robin F." not in mine
    theirs = login("other_supporter").get("/matching/notices/").content.decode()
    assert "Robin F." in theirs and "new match" in theirs
    again = login("other_supporter").get("/matching/notices/").content.decode()
    assert "new match" not in again  # read once opened


def test_end_match_page_shows_history(login: Any, world: World) -> None:
    client = login("coord_a")
    response = client.post(f"/matching/matches/{world.match_a.public_id}/end/",
                           {"reason": "no_rapport", "note": "no spark", "do_not_rematch": "on"})
    assert response.status_code == 302
    page = client.get(f"/matching/matches/{world.match_a.public_id}/end/").content.decode()
    assert "No rapport" in page and "do not re-match" in page and "no spark" in page
    bad = client.post(f"/matching/matches/{world.match_a.public_id}/end/", {"reason": "x"})
    assert bad.status_code == 200 and "reason" in bad.context["form"].errors


def test_run_one_client_from_the_site_page(login: Any, world: World) -> None:
    world.supporter.languages.set([f.language("en", "English")])
    e = waiting(world.site_a, given_name="Robin", family_name="Fisher")
    client = login("coord_a")
    page = client.get(f"/matching/site/{world.site_a.code}/").content.decode()
    assert "Robin Fisher" in page and str(e.public_id) in page
    response = client.post(f"/matching/site/{world.site_a.code}/run/",
                           {"enrolment": str(e.public_id)})
    assert response.status_code == 302
    assert Proposal.objects.filter(enrolment=e, status="proposed").count() == 1
    stranger = client.post(f"/matching/site/{world.site_a.code}/run/",
                           {"enrolment": str(world.enrolment_b.public_id)}, follow=True)
    assert "is not on the site" in stranger.content.decode()
