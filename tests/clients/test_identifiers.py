"""Identifiers: the health card format, uniqueness per kind and hospital, encryption at rest,
key rotation, and the audit of every add and remove."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.identity import identifier_add, identifier_remove, identifiers_matching
from bridgeway.clients.models import ClientIdentifier, IdentifierKind
from bridgeway.clients.validators import luhn_ok, validate_health_card_number
from bridgeway.core.actors import Actor
from tests import factories as f

VALID = "9876543217"  # check digit 7: 9*2→9, 8, 7*2→5, 6, 5*2→1, 4, 3*2→6, 2, 1*2→2 = 43


def _actor(world) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=world.coord_a, role="coordinator", site_code="riverside")


@pytest.mark.parametrize("number", [VALID, "9876543217AB", "9876 543 217 ab", "1234567897",
                                    "0000000000"])
def test_valid_ontario_health_cards(number: str) -> None:
    validate_health_card_number(number)


@pytest.mark.parametrize(("number", "code"), [
    ("9876543218", "checksum"), ("1234567890", "checksum"), ("12345", "format"),
    ("98765432170", "format"), ("9876543217ABC", "format"), ("98765432A7", "format"), ("", "format"),
])
def test_invalid_ontario_health_cards(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_health_card_number(number)
    assert exc.value.code == code


def test_check_digit_is_mod_10_on_the_first_nine_with_doubling() -> None:
    # Every last digit but one fails: the check digit is fully determined by the first nine.
    passing = [d for d in "0123456789" if luhn_ok("987654321" + d)]
    assert passing == ["7"]


def test_health_card_is_stored_encrypted_and_read_back(world) -> None:  # type: ignore[no-untyped-def]
    identifier = identifier_add(actor=_actor(world), client=world.client_a,
                                kind=IdentifierKind.HEALTH_CARD, value="9876-543-217 ab",
                                source="referral")
    assert identifier.value == "9876543217AB"
    with connection.cursor() as cursor:
        cursor.execute("SELECT value_encrypted, blind_index FROM clients_clientidentifier")
        stored, index = cursor.fetchone()
    assert VALID not in stored and VALID not in index
    # Found by the number alone: a new version code is the same card.
    assert list(identifiers_matching(VALID)) == [identifier]
    assert list(identifiers_matching("9876543217 XY")) == [identifier]
    event = AuditEvent.objects.filter(action="add_identifier").get()
    assert event.category == "health_card" and event.client_public_id == world.client_a.public_id
    assert VALID not in event.detail


def test_health_card_unique_across_clients(world) -> None:  # type: ignore[no-untyped-def]
    identifier_add(actor=_actor(world), client=world.client_a, kind=IdentifierKind.HEALTH_CARD,
                   value=VALID)
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=_actor(world), client=world.client_b,
                       kind=IdentifierKind.HEALTH_CARD, value=VALID + "ZZ")
    assert "another client" in str(exc.value.message_dict["value"])
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=_actor(world), client=world.client_a,
                       kind=IdentifierKind.HEALTH_CARD, value=VALID)
    assert "already has" in str(exc.value.message_dict["value"])
    assert ClientIdentifier.objects.count() == 1


def test_bad_health_card_is_a_field_error(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=_actor(world), client=world.client_a,
                       kind=IdentifierKind.HEALTH_CARD, value="1234567890")
    assert "check digit" in str(exc.value.message_dict["value"])
    assert not ClientIdentifier.objects.exists()


def test_mrn_unique_per_hospital_only(world) -> None:  # type: ignore[no-untyped-def]
    actor = _actor(world)
    identifier_add(actor=actor, client=world.client_a, kind=IdentifierKind.MRN, value="a-1001",
                   hospital=world.hospital_a)
    # The same MRN at another hospital is another patient's number.
    identifier_add(actor=actor, client=world.client_b, kind=IdentifierKind.MRN, value="A-1001",
                   hospital=world.hospital_b)
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=actor, client=world.client_b, kind=IdentifierKind.MRN,
                       value="A-1001 ", hospital=world.hospital_a)
    assert "value" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=actor, client=world.client_b, kind=IdentifierKind.MRN, value="B-2")
    assert "hospital" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=actor, client=world.client_b, kind=IdentifierKind.MRN, value="B-2",
                       hospital=world.peer_org_a)
    assert "hospital" in exc.value.message_dict
    assert ClientIdentifier.objects.filter(kind="mrn").count() == 2


def test_other_identifier_needs_a_label_and_remove_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    actor = _actor(world)
    with pytest.raises(ValidationError) as exc:
        identifier_add(actor=actor, client=world.client_a, kind=IdentifierKind.OTHER, value="S-9")
    assert "label" in exc.value.message_dict
    other = identifier_add(actor=actor, client=world.client_a, kind=IdentifierKind.OTHER,
                           value="S-9", label="Shelter ID")
    identifier_remove(actor=actor, identifier=other)
    assert not ClientIdentifier.objects.exists()
    removed = AuditEvent.objects.get(action="remove_identifier")
    assert removed.category == "identity" and removed.client_public_id == world.client_a.public_id


def test_rotate_field_keys_re_encrypts_and_keeps_lookups(world) -> None:  # type: ignore[no-untyped-def]
    with override_settings(BRIDGEWAY_FIELD_KEYS={1: "o" * 40}):
        identifier = identifier_add(actor=_actor(world), client=world.client_a,
                                    kind=IdentifierKind.HEALTH_CARD, value=VALID)
        mrn = identifier_add(actor=_actor(world), client=world.client_a,
                             kind=IdentifierKind.MRN, value="R-1", hospital=world.hospital_a)
    with override_settings(BRIDGEWAY_FIELD_KEYS={1: "o" * 40, 2: "n" * 40}):
        assert list(identifiers_matching(VALID)) == [identifier]  # before rotation, too
        call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123 — discard output
        assert not ClientIdentifier.objects.exclude(blind_index__startswith="2:").exists()
        assert AuditEvent.objects.get(action="rotate_field_keys").detail.startswith(
            "identifiers:2 ")
    with override_settings(BRIDGEWAY_FIELD_KEYS={2: "n" * 40}):
        identifier.refresh_from_db()
        mrn.refresh_from_db()
        assert identifier.value == VALID and mrn.value == "R-1"
        assert list(identifiers_matching(VALID)) == [identifier]


def test_clients_get_their_search_columns_on_save_and_bulk_create(world) -> None:  # type: ignore[no-untyped-def]
    client = f.ClientFactory(given_name="Hélène", family_name="O'Brien-Côté", phone="(613) 555-0199")
    assert client.search_name == "helene o brien cote"
    assert client.phone_digits == "6135550199"
    from bridgeway.clients.models import Client

    bulk = Client.objects.bulk_create([f.ClientFactory.build(given_name="Zoë", family_name="Ng")])
    assert Client.objects.get(pk=bulk[0].pk).search_name == "zoe ng"
