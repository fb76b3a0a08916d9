"""Clients and their stays come in once, stay put when the file comes again, and change
when a corrected file does."""

from __future__ import annotations

from datetime import date

import pytest

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Client, HospitalStay
from bridgeway.interop.models import ImportKey, ImportRun
from bridgeway.outcomes.models import DataCoverage, EDVisit

from .helpers import CARDS, CLIENTS_HEADER, STAYS_HEADER, reasons, run

pytestmark = pytest.mark.django_db

CLIENTS = CLIENTS_HEADER + (
    f"C1,Élise,Côté,1980-02-21,woman,{CARDS[0]},N6A,519-555-0101\n"
    f"C2,Marc,Roy,1975-07-01,M,{CARDS[1]},,\n"
    "C3,Ana,Silva,1990-11-30,,,,\n")


def stays_for(world) -> str:  # type: ignore[no-untyped-def]
    ward = world.ward_a.name
    return STAYS_HEADER + (
        f"S1,C1,riverside,{ward},2019-03-01,2019-03-20,home\n"
        f"S2,C1,riverside,{ward},2020-05-02,2020-05-30,shelter\n"
        f"S3,C2,riverside,{ward},2021-01-10,,\n")


def test_clients_import_then_again_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    before = Client.objects.count()
    first = run("clients", CLIENTS)
    assert first.ok, reasons(first)
    assert (first.counts.created, first.counts.updated) == (3, 0)
    assert Client.objects.count() == before + 3
    elise = Client.objects.get(health_card_number=CARDS[0])
    assert (elise.given_name, elise.date_of_birth, elise.gender) == ("Élise", date(1980, 2, 21),
                                                                      "woman")
    assert elise.public_id is not None and elise.created_at is not None
    # The search columns a save would fill are filled by the bulk path too.
    assert (elise.search_name, elise.phone_digits) == ("elise cote", "5195550101")
    again = run("clients", CLIENTS)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert Client.objects.count() == before + 3
    corrected = run("clients", CLIENTS.replace("Ana,Silva", "Ana,Silva-Costa"))
    assert (corrected.counts.created, corrected.counts.updated) == (0, 1)
    assert Client.objects.filter(family_name="Silva-Costa").count() == 1


def test_one_audit_event_per_import_with_counts_and_no_names(world) -> None:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.filter(category="import")
    run("clients", CLIENTS)
    event = events.get()
    assert event.action == "import"
    assert "created:3" in event.detail and "rows:3" in event.detail
    assert "Élise" not in event.detail and "Côté" not in event.detail
    assert ImportRun.objects.get().created == 3


def test_a_known_health_card_links_to_the_existing_client(world) -> None:  # type: ignore[no-untyped-def]
    world.client_a.health_card_number = CARDS[2]
    world.client_a.save()
    result = run("clients", CLIENTS_HEADER + f"X9,Dan,Tremblay,1980-01-01,,{CARDS[2]},,\n")
    assert result.ok, reasons(result)
    assert result.counts.created == 0
    key = ImportKey.objects.get(kind="clients", key="X9")
    assert key.object_id == world.client_a.id


def test_similar_name_and_same_birth_date_is_listed_as_a_likely_duplicate(world) -> None:  # type: ignore[no-untyped-def]
    a = world.client_a
    result = run("clients", CLIENTS_HEADER
                 + f"N1,{a.given_name.upper()},{a.family_name},{a.date_of_birth},,,,\n",
                 dry_run=True)
    assert result.ok
    assert [d.existing_public_id for d in result.duplicates] == [str(a.public_id)]
    assert not ImportKey.objects.exists()


def test_dry_run_reports_counts_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    before = Client.objects.count()
    result = run("clients", CLIENTS, dry_run=True)
    assert result.ok and result.counts.created == 3
    assert Client.objects.count() == before
    assert AuditEvent.objects.filter(category="import", action="import_preview").count() == 1


def test_stays_import_idempotent_and_declares_coverage(world) -> None:  # type: ignore[no-untyped-def]
    assert run("clients", CLIENTS).ok
    result = run("stays", stays_for(world), complete_up_to=date(2026, 10, 31))
    assert result.ok, reasons(result)
    assert result.counts.created == 3
    stays = HospitalStay.objects.filter(client__health_card_number=CARDS[0]).order_by("admitted_on")
    assert [(s.admitted_on, s.discharged_on, s.discharge_destination) for s in stays] == [
        (date(2019, 3, 1), date(2019, 3, 20), "home"), (date(2020, 5, 2), date(2020, 5, 30),
                                                          "shelter")]
    coverage = DataCoverage.objects.get(source="stays", hospital=world.hospital_a)
    assert (coverage.period_start, coverage.complete_up_to) == (date(2019, 3, 1),
                                                                date(2026, 10, 31))
    again = run("stays", stays_for(world), complete_up_to=date(2026, 10, 31))
    assert (again.counts.created, again.counts.updated) == (0, 0)
    fixed = run("stays", stays_for(world).replace("2021-01-10,,", "2021-01-10,2021-02-01,home"))
    assert (fixed.counts.created, fixed.counts.updated) == (0, 1)


def test_emergency_visits(world) -> None:  # type: ignore[no-untyped-def]
    assert run("clients", CLIENTS).ok
    result = run("ed_visits", "key,client_key,hospital,visited_on,mental_health\n"
                 "E1,C1,riverside,2022-04-01,yes\nE2,C2,riverside,2022-05-01,non\n")
    assert result.ok, reasons(result)
    assert EDVisit.objects.filter(mental_health=True).count() == 1
    assert EDVisit.objects.filter(mental_health=False).count() == 1
    assert DataCoverage.objects.get(source="ed_visits").complete_up_to == date(2022, 5, 1)


def test_identifiers_are_recorded_encrypted_and_find_the_same_client(world) -> None:  # type: ignore[no-untyped-def]
    from bridgeway.clients.models import ClientIdentifier

    header = CLIENTS_HEADER.strip() + ",mrn,mrn_hospital\n"
    result = run("clients", header + f"C1,Ann,Lee,1980-01-01,,{CARDS[0]},,,RV-001,riverside\n")
    assert result.ok, reasons(result)
    client = Client.objects.get(health_card_number=CARDS[0])
    ids = {i.kind: i for i in ClientIdentifier.objects.filter(client=client)}
    assert set(ids) == {"health_card", "mrn"}
    assert ids["mrn"].value == "RV-001" and ids["mrn"].hospital == world.hospital_a
    assert "RV-001" not in ids["mrn"].value_encrypted
    assert ids["mrn"].source == "import:test"
    # Another system's file: a new key, the same MRN at the same hospital → the same client.
    other = run("clients", header + "Z7,Annie,Lee,1980-01-01,,,,,rv-001,riverside\n",
                source="other", dry_run=True)
    assert other.ok and other.counts.created == 0
    assert [d.existing_public_id for d in other.duplicates] == [str(client.public_id)]
    # A corrected file replaces the number this source gave.
    fixed = run("clients", header + f"C1,Ann,Lee,1980-01-01,,{CARDS[0]},,,RV-002,riverside\n")
    assert fixed.ok
    assert ClientIdentifier.objects.get(client=client, kind="mrn").value == "RV-002"
    # A known key may not take a number that belongs to someone else.
    run("clients", header + "C2,Bo,Park,1970-01-01,,,,,RV-900,riverside\n")
    taken = run("clients", header + "C2,Bo,Park,1970-01-01,,,,,RV-002,riverside\n")
    assert reasons(taken) == [(2, "mrn", "This number belongs to another client's record.")]
