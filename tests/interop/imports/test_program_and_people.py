"""Supporters, training, enrolments and matches come in with their real dates, all or nothing,
idempotent, and the evaluation sees the imported referrals."""

from __future__ import annotations

from datetime import date

import pytest

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Enrolment, EnrolmentStatusChange, Match
from bridgeway.core.models import Role, RoleAssignment, TrainingModule
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

from .helpers import CARDS, CLIENTS_HEADER, STAYS_HEADER, reasons, run

pytestmark = pytest.mark.django_db

CLIENTS = CLIENTS_HEADER + (f"C1,Élise,Côté,1980-02-21,woman,{CARDS[0]},N6A,519-555-0101\n"
                            f"C2,Marc,Roy,1975-07-01,M,{CARDS[1]},,\n")
SUPPORTERS = (
    "key,username,given_name,family_name,email,organisation,sites,employment,hours_per_week,"
    "max_active_clients,gender,languages,interests,status\n"
    "P1,robin.p,Robin,Peer,robin@example.org,riverside-peers,riverside,paid,12.5,4,woman,,,active\n"
    "P2,alex.v,Alex,Volunteer,alex@example.org,riverside-peers,riverside,volunteer,4,2,man,,,\n")
ENROLMENTS_HEADER = ("key,client_key,site,status,referred_on,consented_on,waitlisted_on,"
                     "matched_on,active_on,ended_on\n")
ENROLMENTS = ENROLMENTS_HEADER + (
    "E1,C1,riverside,finished,2020-05-05,2020-05-06,2020-05-07,2020-05-20,2020-05-30,2021-01-15\n"
    "E2,C2,riverside,active,2021-01-12,2021-01-12,,2021-01-14,2021-02-01,\n")
MATCHES_HEADER = "key,enrolment_key,supporter,started_on,ended_on,end_reason\n"
MATCHES = MATCHES_HEADER + ("M1,E1,P1,2020-05-20,2021-01-15,completed\n"
                            "M2,E2,alex.v,2021-01-14,,\n")


@pytest.fixture
def history(world):  # type: ignore[no-untyped-def]
    """Clients, their stays and two supporters imported from the source `test`."""
    ward = world.ward_a.name
    stays = STAYS_HEADER + (f"S1,C1,riverside,{ward},2020-05-02,2020-05-30,home\n"
                            f"S2,C2,riverside,{ward},2021-01-10,2021-01-31,home\n")
    for kind, content in (("clients", CLIENTS), ("stays", stays), ("supporters", SUPPORTERS)):
        result = run(kind, content)
        assert result.ok, (kind, reasons(result))
    return world


def test_supporters_become_accounts_with_the_role_through_the_services(history) -> None:  # type: ignore[no-untyped-def]
    robin = SupporterProfile.objects.get(user__username="robin.p")
    assert (robin.user.first_name, robin.max_active_clients, robin.employment) == ("Robin", 4, "paid")
    assert list(robin.sites.values_list("code", flat=True)) == ["riverside"]
    assert RoleAssignment.objects.filter(user=robin.user, role=Role.PEER_SUPPORTER).exists()
    assert not robin.user.has_usable_password()  # invited later, from the profile
    again = run("supporters", SUPPORTERS)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    corrected = run("supporters", SUPPORTERS.replace("12.5,4", "12.5,5"))
    assert (corrected.counts.updated, corrected.counts.unchanged) == (1, 1)
    robin.refresh_from_db()
    assert robin.max_active_clients == 5


def test_a_taken_username_and_an_unserved_site_are_refused_per_row(history) -> None:  # type: ignore[no-untyped-def]
    bad = SUPPORTERS.splitlines()[0] + "\n" + (
        "P3,jordan,Jo,Dan,jo@example.org,riverside-peers,riverside,,,,,,,\n"
        "P4,new.one,New,One,new@example.org,riverside-peers,lakeview,,,,,,,\n"
        "P5,new.two,New,Two,not-an-address,nowhere,riverside;mars,,,99,,xx,,\n")
    before = SupporterProfile.objects.count()
    result = run("supporters", bad)
    assert not result.ok
    found = {(line, column) for line, column, _r in reasons(result)}
    assert {(2, "username"), (3, "sites"), (4, "email"), (4, "organisation"), (4, "sites"),
            (4, "max_active_clients"), (4, "languages")} <= found
    assert SupporterProfile.objects.count() == before


def test_training_expiry_defaults_to_the_modules_validity(history) -> None:  # type: ignore[no-untyped-def]
    TrainingModule.objects.create(code="core", name="Core", valid_for_days=365)
    result = run("training", "key,supporter,module,completed_on,expires_on\n"
                             "T1,P1,core,2025-03-01,\nT2,alex.v,core,2025-04-01,2025-12-31\n")
    assert result.ok, reasons(result)
    records = dict(TrainingRecord.objects.values_list("supporter__user__username", "expires_on"))
    assert records == {"robin.p": date(2026, 3, 1), "alex.v": date(2025, 12, 31)}
    bad = run("training", "key,supporter,module,completed_on,expires_on\n"
                          "T3,nobody,core,2025-03-01,\nT4,P1,core,2025-03-01,2025-01-01\n")
    assert {(line, column) for line, column, _r in reasons(bad)} == {(2, "supporter"),
                                                                     (3, "expires_on")}


def test_enrolments_keep_their_dates_history_and_referral_stay(history) -> None:  # type: ignore[no-untyped-def]
    result = run("enrolments", ENROLMENTS)
    assert result.ok, reasons(result)
    e1 = Enrolment.objects.get(client__given_name="Élise")
    assert (e1.status, e1.referred_on, e1.stay.admitted_on) == ("finished", date(2020, 5, 5),
                                                               date(2020, 5, 2))
    steps = list(EnrolmentStatusChange.objects.filter(enrolment=e1).order_by("changed_at")
                 .values_list("from_status", "to_status"))
    assert steps == [("", "referred"), ("referred", "consented"), ("consented", "waitlisted"),
                     ("waitlisted", "matched"), ("matched", "active"), ("active", "finished")]
    e2 = Enrolment.objects.get(client__given_name="Marc")
    assert list(EnrolmentStatusChange.objects.filter(enrolment=e2).order_by("changed_at")
                .values_list("from_status", "to_status")) == [
        ("", "referred"), ("referred", "consented"), ("consented", "matched"),
        ("matched", "active")]
    # Local days are the file's days (steps are placed at noon, local time).
    from django.utils import timezone
    assert timezone.localtime(e2.status_changed_at).date() == date(2021, 2, 1)
    again = run("enrolments", ENROLMENTS)
    assert (again.counts.created, again.counts.unchanged) == (0, 2)
    assert EnrolmentStatusChange.objects.filter(enrolment__in=[e1, e2]).count() == 10


def test_bad_enrolments_write_nothing_and_say_why(history) -> None:  # type: ignore[no-untyped-def]
    bad = ENROLMENTS_HEADER + (
        "E1,C1,riverside,finished,2020-05-05,2020-05-01,,,,\n"       # consent before referral; no end
        "E2,C2,riverside,active,2021-01-12,,,,,\n"                   # active without its date
        "E3,C2,riverside,referred,2021-03-01,,,,,\n"                  # ok alone...
        "E4,C2,riverside,waitlisted,2021-03-02,,2021-03-03,,,\n"      # ...but a second open one
        "E5,C9,nowhere,unknown,2099-01-01,,,,,\n")
    before = Enrolment.objects.count()
    result = run("enrolments", bad)
    found = {(line, column) for line, column, _r in reasons(result)}
    assert {(2, "consented_on"), (2, "ended_on"), (3, "active_on"), (5, "status"),
            (6, "site"), (6, "status"), (6, "referred_on")} <= found
    assert (4, "status") not in found
    assert Enrolment.objects.count() == before


def test_matches_need_their_enrolment_a_serving_supporter_and_no_overlap(history) -> None:  # type: ignore[no-untyped-def]
    assert run("enrolments", ENROLMENTS).ok
    result = run("matches", MATCHES)
    assert result.ok, reasons(result)
    m1 = Match.objects.get(enrolment__client__given_name="Élise")
    assert (m1.status, m1.supporter.user.username, m1.end_reason) == ("ended", "robin.p",
                                                                     "completed")
    assert m1.site.code == "riverside" and m1.client_id == m1.enrolment.client_id
    assert Match.objects.get(enrolment__client__given_name="Marc").status == "active"
    assert run("matches", MATCHES).counts.unchanged == 2
    bad = MATCHES_HEADER + (
        "M3,E1,P2,2020-06-01,2020-07-01,completed\n"   # overlaps M1 (recorded)
        "M4,E1,P1,2019-01-01,2019-02-01,completed\n"   # before the referral
        "M5,E9,P1,2021-01-01,,\n"                      # unknown enrolment
        "M6,E2,P1,2021-03-01,2021-02-01,\n")           # ends before it starts, no reason
    before = Match.objects.count()
    found = {(line, column) for line, column, _r in reasons(run("matches", bad))}
    assert {(2, "started_on"), (3, "started_on"), (4, "enrolment_key"), (5, "ended_on"),
            (5, "end_reason")} <= found
    assert Match.objects.count() == before


def test_a_supporter_from_another_site_is_refused(history) -> None:  # type: ignore[no-untyped-def]
    from bridgeway.core.models import Organisation
    from tests import factories as f
    f.SupporterFactory(user=f.UserFactory(username="far.away"),
                       organisation=Organisation.objects.get(code="lakeview-peers"),
                       sites=[history.site_b])
    assert run("enrolments", ENROLMENTS).ok
    result = run("matches", MATCHES_HEADER + "M9,E2,far.away,2021-01-14,,\n")
    assert [(line, column) for line, column, _r in reasons(result)] == [(2, "supporter")]


def test_each_import_is_one_audit_event_and_accounts_are_audited(history) -> None:  # type: ignore[no-untyped-def]
    imports = AuditEvent.objects.filter(category="import", action="import")
    assert imports.filter(detail__contains="kind:supporters").count() == 1
    assert run("enrolments", ENROLMENTS).ok
    assert imports.filter(detail__contains="kind:enrolments").count() == 1
    assert not AuditEvent.objects.filter(detail__icontains="Élise").exists()
