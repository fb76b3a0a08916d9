"""Identifiers on the client page: shown to staff who see them, never to the supporter; added,
replaced and removed from the page with field errors and audit events."""

from __future__ import annotations

import pytest

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.identity import identifier_add
from bridgeway.clients.models import ClientIdentifier, IdentifierKind
from bridgeway.core.actors import Actor

CARD = "9876543217"


@pytest.fixture
def with_ids(world):  # type: ignore[no-untyped-def]
    actor = Actor(user=world.admin, role="administrator")
    identifier_add(actor=actor, client=world.client_a, kind=IdentifierKind.HEALTH_CARD,
                   value=CARD + "AB", source="referral")
    identifier_add(actor=actor, client=world.client_a, kind=IdentifierKind.MRN, value="RIV-100",
                   hospital=world.hospital_a, source="hospital registration")
    return world


@pytest.mark.parametrize(("persona", "sees"), [("coord_a", True), ("lead_a", True),
                                               ("staff_a", True), ("admin", True),
                                               ("supporter", False)])
def test_client_page_shows_identifiers_to_staff_only(with_ids, login, persona, sees) -> None:  # type: ignore[no-untyped-def]
    page = login(persona).get(f"/clients/{with_ids.client_a.public_id}/").content.decode()
    assert ("RIV-100" in page) is sees
    assert (CARD + "AB" in page) is sees
    assert ("Riverside Hospital" in page) is True  # the stay's hospital, for contrast


def test_edit_replaces_and_clears_the_health_card(with_ids, login) -> None:  # type: ignore[no-untyped-def]
    c = with_ids.client_a
    base = {"given_name": c.given_name, "family_name": c.family_name,
            "date_of_birth": c.date_of_birth.isoformat(), "gender": c.gender,
            "pref_gender_strength": "none", "pref_age_strength": "none",
            "pref_language_strength": "none"}
    http = login("coord_a")
    form = http.get(f"/clients/{c.public_id}/edit/").context["form"]
    assert form.initial["health_card_number"] == CARD + "AB"
    assert http.post(f"/clients/{c.public_id}/edit/",
                     {**base, "health_card_number": CARD + "XY"}).status_code == 302
    card = c.identifiers.get(kind="health_card")
    assert card.value == CARD + "XY"  # same card, new version code: the row is kept
    assert AuditEvent.objects.filter(action="update_identifier").count() == 1
    assert http.post(f"/clients/{c.public_id}/edit/",
                     {**base, "health_card_number": "1234567897"}).status_code == 302
    assert c.identifiers.get(kind="health_card").value == "1234567897"
    assert http.post(f"/clients/{c.public_id}/edit/",
                     {**base, "health_card_number": ""}).status_code == 302
    assert not c.identifiers.filter(kind="health_card").exists()
    assert c.identifiers.filter(kind="mrn").count() == 1


def test_add_identifier_page_shows_field_errors_and_writes_nothing(with_ids, login) -> None:  # type: ignore[no-untyped-def]
    c, b = with_ids.client_a, with_ids.client_b
    http = login("coord_b")
    before = ClientIdentifier.objects.count()
    response = http.post(f"/clients/{b.public_id}/identifiers/add/",
                         {"kind": "health_card", "value": CARD})
    assert response.status_code == 200
    assert "another client" in str(response.context["form"].errors["value"])
    response = http.post(f"/clients/{b.public_id}/identifiers/add/",
                         {"kind": "mrn", "value": "L-1"})
    assert "hospital" in response.context["form"].errors
    # coord_b may only name the hospital of their own site.
    response = http.post(f"/clients/{b.public_id}/identifiers/add/",
                         {"kind": "mrn", "value": "L-1", "hospital": with_ids.hospital_a.pk})
    assert "hospital" in response.context["form"].errors
    assert ClientIdentifier.objects.count() == before
    response = http.post(f"/clients/{b.public_id}/identifiers/add/",
                         {"kind": "mrn", "value": "L-1", "hospital": with_ids.hospital_b.pk})
    assert response.status_code == 302
    assert b.identifiers.get().source == "entered by Peer support coordinator"
    assert c.identifiers.count() == 2
