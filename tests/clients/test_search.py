"""Client search: scoped per role, tolerant of accents and typos, by date of birth, identifier
and phone; one audit event per search that never holds the search text; evaluators refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from bridgeway.access.search import parse, search_clients
from bridgeway.audit.models import AuditEvent
from bridgeway.clients.identity import identifier_add
from bridgeway.clients.models import IdentifierKind
from bridgeway.core.actors import Actor
from tests import factories as f


def _names(world, persona: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(c) for c in search_clients(world.persona(persona), text).clients]


@pytest.fixture
def helene(world):  # type: ignore[no-untyped-def]
    """A third client, at site B only (hospital B), with an accented name."""
    client = f.ClientFactory(given_name="Hélène", family_name="Côté-Tremblay",
                             date_of_birth=dt.date(1975, 6, 1), phone="(705) 555-0142")
    stay = f.StayFactory(client=client, ward=world.ward_b)
    f.EnrolmentFactory(client=client, site=world.site_b, stay=stay)
    return client


@pytest.mark.parametrize(("persona", "expected"), [
    ("admin", ["Daniel Tremblay", "Hélène Côté-Tremblay"]),
    ("coord_a", ["Daniel Tremblay"]), ("lead_a", ["Daniel Tremblay"]),
    ("staff_a", ["Daniel Tremblay"]), ("supporter", ["Daniel Tremblay"]),
    ("coord_b", ["Hélène Côté-Tremblay"]), ("staff_b", ["Hélène Côté-Tremblay"]),
    ("other_supporter", []),
])
def test_search_is_scoped_to_what_each_role_may_see(world, helene, persona, expected) -> None:  # type: ignore[no-untyped-def]
    assert sorted(_names(world, persona, "tremblay")) == expected


def test_evaluator_is_refused_and_the_refusal_audited(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        search_clients(world.evaluator, "tremblay")
    event = AuditEvent.objects.get(actor_username="evaluator")
    assert (event.outcome, event.detail) == ("denied", "search:refused")


def test_typos_and_missing_accents_still_find_the_client(world, helene) -> None:  # type: ignore[no-untyped-def]
    assert _names(world, "admin", "Helene Cote") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "helen cotte") == ["Hélène Côté-Tremblay"]
    assert "Daniel Tremblay" in _names(world, "admin", "Danial Tremblai")
    assert _names(world, "admin", "Zebulon") == []


def test_by_date_of_birth_identifier_and_phone(world, helene) -> None:  # type: ignore[no-untyped-def]
    identifier_add(actor=Actor(user=world.admin, role="administrator"), client=helene,
                   kind=IdentifierKind.HEALTH_CARD, value="9876543217AB")
    identifier_add(actor=Actor(user=world.admin, role="administrator"), client=helene,
                   kind=IdentifierKind.MRN, value="LAK-42", hospital=world.hospital_b)
    assert _names(world, "admin", "1975-06-01") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "tremblay 1975-06-01") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "9876 543 217") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "lak-42") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "705-555-0142") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "9876543218") == []
    # A supporter does not find even their own client by a number (they do not see it).
    identifier_add(actor=Actor(user=world.admin, role="administrator"), client=world.client_a,
                   kind=IdentifierKind.MRN, value="RIV-7", hospital=world.hospital_a)
    assert _names(world, "supporter", "RIV-7") == []
    assert _names(world, "supporter", "519-555-0100") == []
    assert _names(world, "coord_a", "RIV-7") == ["Daniel Tremblay"]
    # Out of scope stays out of scope, whatever the key.
    assert _names(world, "coord_a", "9876543217") == []
    assert _names(world, "coord_a", "1975-06-01") == []


def test_one_audit_event_per_search_without_the_search_text(world, helene) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    search_clients(world.coord_b, "Hélène Côté 1975-06-01")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.detail == "search:name+dob results:1"
    assert event.subjects == str(helene.public_id)
    assert "hel" not in event.detail.lower() and "1975" not in event.detail


def test_parse_splits_name_date_and_number() -> None:
    query = parse("Côté 1975-06-01 9876-543-217")
    assert (query.name, query.born_on, query.number) == ("cote", dt.date(1975, 6, 1),
                                                         "9876-543-217")
    assert parse("2026-02-30").born_on is None  # an impossible date is text, not a crash


def test_search_page_and_box(world, helene, login) -> None:  # type: ignore[no-untyped-def]
    http = login("coord_b")
    page = http.get("/clients/search/", {"q": "helene"}).content.decode()
    assert "Hélène Côté-Tremblay" in page and str(helene.public_id) in page
    assert 'id="nav-search-q"' in http.get("/", follow=True).content.decode()
    evaluator = login("evaluator")
    assert evaluator.get("/clients/search/", {"q": "x"}).status_code == 403
    assert 'id="nav-search-q"' not in evaluator.get("/", follow=True).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_trigram_search_on_postgresql_tolerates_typos_and_uses_the_index(world, helene) -> None:  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    assert _names(world, "admin", "Helene Cote") == ["Hélène Côté-Tremblay"]
    assert _names(world, "admin", "helen cotte") == ["Hélène Côté-Tremblay"]
    assert "Daniel Tremblay" in _names(world, "admin", "Danial Tremblai")
    assert _names(world, "admin", "Zebulon") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'client_search_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition
