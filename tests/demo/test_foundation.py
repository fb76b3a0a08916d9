"""The demo program: its shape, its scenario people, its consistency, and determinism."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db import transaction

from bridgeway.clients.models import (
    CLOSED_STATUSES,
    Client,
    ConsentRecord,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    HospitalStay,
    Match,
)
from bridgeway.clients.services import NEEDS_MATCH, TRANSITIONS
from bridgeway.core.models import Organisation, PostalArea, ProgramSite, Role, User, Ward
from bridgeway.demo.context import DEMO_PASSWORD, DemoContext
from bridgeway.demo.reference import distance_km
from bridgeway.demo.run import run_demo
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


@pytest.fixture
def demo() -> DemoContext:
    return run_demo(1, until="foundation").context


def test_program_has_the_papers_shape(demo: DemoContext) -> None:
    assert Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL).count() == 9
    assert Organisation.objects.filter(kind=Organisation.Kind.PEER_ORGANISATION).count() == 7
    assert ProgramSite.objects.count() == 9
    for site in ProgramSite.objects.all():
        assert 1 <= site.peer_organisations.count() <= 2
        assert site.program_start_date is not None
        assert 650 <= (demo.today - site.program_start_date).days <= 800
    for hospital in Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL):
        assert 1 <= hospital.wards.count() <= 3
    assert set(Ward.objects.values_list("ward_type", flat=True)) == {"acute", "tertiary"}
    assert SupporterProfile.objects.count() == 66
    assert set(SupporterProfile.objects.values_list("employment", flat=True)) == {"paid", "volunteer"}
    assert set(SupporterProfile.objects.values_list("status", flat=True)) == {"active", "paused", "left"}
    ages = [s.age_on(demo.today) for s in SupporterProfile.objects.all()]
    assert all(a is not None and 22 <= a <= 70 for a in ages)
    assert set(SupporterProfile.objects.values_list("max_active_clients", flat=True)) <= {1, 2, 3, 4, 5}
    levels = Counter(SupporterProfile.objects.filter(training_records__module__code="opdi-core-2")
                     .values_list("id", flat=True).distinct())
    assert 5 < len(levels) < 66  # varied training levels
    assert Client.objects.count() >= 600
    assert set(Enrolment.objects.values_list("status", flat=True)) == set(EnrolmentStatus.values)
    for key in ("sites", "supporters", "clients", "enrolments", "stays", "matches"):
        assert demo.data[key], key
    assert set(demo.data["personas"]) == {"coordinator", "site_lead", "supporter", "ward_staff",
                                          "evaluator", "admin", "privacy_officer"}
    assert all(u.check_password(DEMO_PASSWORD) for u in demo.data["personas"].values())
    # Every home area of a client or supporter has a (synthetic) centroid for distances.
    fsas = set(PostalArea.objects.values_list("fsa", flat=True))
    assert set(Client.objects.values_list("home_fsa", flat=True)) <= fsas
    assert set(SupporterProfile.objects.values_list("home_fsa", flat=True)) <= fsas


def test_generated_rows_pass_the_models_validation(demo: DemoContext) -> None:
    """What a form would accept: FSAs, health card numbers, ranges, choices (uniqueness and
    constraints are the database's job and hold, or the bulk insert would have failed)."""
    for client in Client.objects.all():  # every health card number and home area
        client.full_clean(validate_unique=False, validate_constraints=False)
    for model in (HospitalStay, Enrolment, Match, ConsentRecord, SupporterProfile,
                  Organisation, Ward, ProgramSite, PostalArea):
        for obj in model._default_manager.order_by("pk")[:150]:
            obj.full_clean(validate_unique=False, validate_constraints=False)


def test_demo_clients_have_identifiers(demo: DemoContext) -> None:
    """Most program clients a valid, encrypted health card; every one an MRN at each hospital
    that admitted them (decision 0013)."""
    from bridgeway.clients.models import ClientIdentifier
    from bridgeway.clients.validators import validate_health_card_number

    program = Client.objects.filter(enrolments__isnull=False).distinct()
    cards = ClientIdentifier.objects.filter(kind="health_card", client__in=program)
    assert 0.6 < cards.count() / program.count() <= 1
    for card in cards[:100]:
        validate_health_card_number(card.value)
        assert card.value[:10] not in card.value_encrypted
    for client in program[:100]:
        hospitals = set(client.stays.values_list("hospital_id", flat=True))
        assert set(client.identifiers.filter(kind="mrn").values_list("hospital_id", flat=True)) \
            == hospitals


def test_stays_are_ordered_with_readmissions_and_transfers(demo: DemoContext) -> None:
    by_client: dict[int, list[HospitalStay]] = defaultdict(list)
    for stay in HospitalStay.objects.order_by("admitted_on", "id"):
        by_client[stay.client_id].append(stay)
    assert all(1 <= len(stays) <= 4 for stays in by_client.values())
    transfers = 0
    for stays in by_client.values():
        for earlier, later in zip(stays, stays[1:], strict=False):
            assert earlier.discharged_on is not None  # only the last stay may be open
            assert earlier.discharged_on <= later.admitted_on
            transfers += earlier.discharged_on == later.admitted_on
        assert stays[-1].admitted_on <= demo.today
    assert transfers >= 5
    readmitted = sum(1 for stays in by_client.values() if len(stays) > 1)
    assert 0.2 < readmitted / len(by_client) < 0.8


def test_enrolment_history_follows_the_programs_path(demo: DemoContext) -> None:
    history: dict[int, list[EnrolmentStatusChange]] = defaultdict(list)
    for change in EnrolmentStatusChange.objects.order_by("changed_at", "id"):
        history[change.enrolment_id].append(change)
    for enrolment in Enrolment.objects.all():
        changes = history[enrolment.pk]
        assert changes[0].from_status == "" and changes[0].to_status == EnrolmentStatus.REFERRED
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in TRANSITIONS[before.to_status], (before, after)
        assert changes[-1].to_status == enrolment.status
        assert changes[-1].changed_at == enrolment.status_changed_at
        assert changes[-1].changed_at.date() <= demo.today


def test_no_client_has_two_open_enrolments_at_one_site(demo: DemoContext) -> None:
    open_pairs = Counter(Enrolment.objects.exclude(status__in=CLOSED_STATUSES)
                         .values_list("client_id", "site_id"))
    assert open_pairs and max(open_pairs.values()) == 1


def test_consent_versions_are_consistent(demo: DemoContext) -> None:
    consents: dict[int, list[ConsentRecord]] = defaultdict(list)
    for consent in ConsentRecord.objects.order_by("version"):
        consents[consent.enrolment_id].append(consent)
    narrowed = 0
    for enrolment in Enrolment.objects.all():
        versions = consents[enrolment.pk]
        assert [c.version for c in versions] == list(range(1, len(versions) + 1))
        assert [c.recorded_at for c in versions] == sorted(c.recorded_at for c in versions)
        if enrolment.status not in {EnrolmentStatus.REFERRED, EnrolmentStatus.DECLINED,
                                    EnrolmentStatus.WITHDRAWN}:
            assert versions and versions[-1].participation, enrolment.status
        for c in versions:
            if not c.participation:
                assert c.shared_categories() == frozenset()
        for old, new in zip(versions, versions[1:], strict=False):
            if new.participation and new.shared_categories() < old.shared_categories():
                narrowed += 1
    assert narrowed >= 5  # some clients later stopped sharing a category
    assert ConsentRecord.objects.filter(participation=False).exists()


def test_matches_respect_capacity_sites_and_statuses(demo: DemoContext) -> None:
    for supporter in SupporterProfile.objects.prefetch_related("matches", "sites"):
        matches = list(supporter.matches.all())
        active = [m for m in matches if m.status == Match.Status.ACTIVE]
        assert len(active) <= supporter.max_active_clients
        if supporter.status == SupporterProfile.Status.LEFT:
            assert not active
        # Never over capacity on any day either: count at every match start.
        for m in matches:
            at_once = sum(1 for o in matches
                          if o.started_on <= m.started_on < (o.ended_on or date.max))
            assert at_once <= supporter.max_active_clients
        site_ids = {s.pk for s in supporter.sites.all()}
        assert all(m.site_id in site_ids for m in matches)
    # Only after the site's required training (the earliest completion of each module).
    required = {s.pk: {m.code for m in s.required_training.all()}
                for s in ProgramSite.objects.prefetch_related("required_training")}
    trained: dict[tuple[int, str], date] = {}
    for record in TrainingRecord.objects.select_related("module"):
        key = (record.supporter_id, record.module.code)
        trained[key] = min(trained.get(key, date.max), record.completed_on)
    for m in Match.objects.all():
        for code in required[m.site_id]:
            assert trained.get((m.supporter_id, code), date.max) <= m.started_on, (m, code)
    for enrolment in Enrolment.objects.prefetch_related("matches"):
        active = [m for m in enrolment.matches.all() if m.status == Match.Status.ACTIVE]
        assert len(active) <= 1
        if enrolment.status in NEEDS_MATCH:
            assert len(active) == 1
        if enrolment.status in CLOSED_STATUSES | {EnrolmentStatus.WAITLISTED,
                                                  EnrolmentStatus.REFERRED,
                                                  EnrolmentStatus.CONSENTED}:
            assert not active
    ended = Match.objects.filter(status=Match.Status.ENDED)
    assert all(m.ended_on and m.end_reason and m.ended_on >= m.started_on for m in ended)
    assert {"completed", "no_rapport", "dropped_out"} <= set(ended.values_list("end_reason", flat=True))


def test_scenario_people(demo: DemoContext) -> None:
    today = demo.today
    personas = demo.data["personas"]
    assert personas["coordinator"].username == "sam"
    assert personas["ward_staff"].username == "priya"
    assert personas["evaluator"].username == "lee"
    assert personas["privacy_officer"].username == "noor"
    riverside = ProgramSite.objects.get(code="riverside")
    assert riverside.hospital.name == "Riverside Hospital"
    assert personas["coordinator"].role_assignments.get().site == riverside
    priya = personas["ward_staff"].role_assignments.get()
    assert (priya.role, priya.organisation, priya.staff_kind) == (Role.WARD_STAFF, riverside.hospital, "nurse")

    daniel: Client = demo.data["daniel"]
    assert daniel.age_on(today) == 46 and daniel.gender == "man"
    assert {i.slug for i in daniel.interests.all()} == {"fishing", "old-movies"}
    stay = daniel.stays.get(discharged_on__isnull=True)
    assert stay.ward.ward_type == "acute" and stay.hospital == riverside.hospital
    assert stay.expected_discharge_on == today + timedelta(days=10)
    enrolment = daniel.enrolments.get()
    assert enrolment.status == EnrolmentStatus.WAITLISTED and enrolment.site == riverside
    consent = enrolment.consents.order_by("-version").first()
    assert consent is not None
    assert consent.shared_categories() == {"contact_details", "discharge_date"}
    assert (daniel.pref_gender, daniel.pref_age_min, daniel.pref_age_max) == ("man", 40, 59)

    jordan = SupporterProfile.objects.get(user__username="jordan")
    assert jordan.age_on(today) == 44 and jordan.gender == "man" and jordan.employment == "volunteer"
    assert jordan.training_records.filter(module__code="opdi-core-2").exists()
    assert jordan.interests.filter(slug="fishing").exists()
    assert jordan.max_active_clients - jordan.matches.filter(status="active").count() == 2
    areas = {p.fsa: (p.latitude, p.longitude) for p in PostalArea.objects.all()}
    assert 3 <= distance_km(areas[daniel.home_fsa], areas[jordan.home_fsa]) <= 5

    maya: Client = demo.data["maya"]
    assert maya.age_on(today) == 23 and maya.languages.filter(code="fr").exists()
    match = maya.matches.get(status="active")
    supporter_age = match.supporter.age_on(today)
    assert supporter_age is not None and supporter_age - 23 >= 25
    alex = SupporterProfile.objects.get(user__username="alex")
    assert alex.age_on(today) == 26 and alex.languages.filter(code="fr").exists()
    assert alex.interests.filter(slug="art").exists()
    assert alex.matches.filter(status="active").count() < alex.max_active_clients
    roles = set(User.objects.get(username="admin").role_assignments.values_list("role", flat=True))
    assert roles == {Role.ADMINISTRATOR}


def _fingerprint() -> str:
    rows: list[tuple[object, ...]] = []
    rows += Client.objects.values_list("public_id", "given_name", "family_name", "date_of_birth",
                                       "gender", "home_fsa", "phone")
    rows += HospitalStay.objects.values_list("public_id", "client__public_id", "ward__name",
                                             "admitted_on", "discharged_on", "expected_discharge_on")
    rows += Enrolment.objects.values_list("public_id", "client__public_id", "site__code",
                                          "status", "referred_on", "priority")
    rows += EnrolmentStatusChange.objects.values_list("enrolment__public_id", "to_status",
                                                      "changed_at", "actor__username")
    rows += ConsentRecord.objects.values_list("enrolment__public_id", "version", "participation",
                                              "share_background", "recorded_at")
    rows += Match.objects.values_list("public_id", "client__public_id", "supporter__user__username",
                                      "started_on", "ended_on", "end_reason")
    rows += SupporterProfile.objects.values_list("user__username", "date_of_birth",
                                                 "max_active_clients", "status", "availability")
    digest = hashlib.sha256()
    for row in sorted(repr(r) for r in rows):
        digest.update(row.encode())
    return digest.hexdigest()


def _generate_and_fingerprint(seed: int) -> str:
    fingerprint = ""
    try:
        with transaction.atomic():  # rolled back, so the next run starts from an empty database
            run_demo(seed, until="foundation")
            fingerprint = _fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    assert not Client.objects.exists()
    return fingerprint


def test_same_seed_gives_the_same_program() -> None:
    first = _generate_and_fingerprint(1)
    assert first == _generate_and_fingerprint(1)
    assert first != _generate_and_fingerprint(2)
