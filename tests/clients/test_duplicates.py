"""A likely duplicate is shown before a referral creates anything; the import reuses the
same selector."""

from __future__ import annotations

import datetime as dt

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.duplicates import likely_duplicates, name_similarity
from bridgeway.clients.identity import identifier_add
from bridgeway.clients.models import Client, Enrolment, IdentifierKind
from bridgeway.core.actors import Actor

DOB = dt.date(1980, 3, 14)  # the factories' date of birth (Daniel Tremblay's)
CARD = "9876543217"


def _referral(world, **extra):  # type: ignore[no-untyped-def]
    data = {"site": world.site_a.pk, "ward": world.ward_a.pk, "given_name": "Danial",
            "family_name": "Tremblay", "date_of_birth": DOB.isoformat(), "gender": "man",
            "admitted_on": dt.date.today().isoformat(), "pref_gender_strength": "none",
            "pref_age_strength": "none", "pref_language_strength": "none"}
    return {**data, **extra}


def test_likely_duplicates_by_name_and_birth_date_and_by_identifier(world) -> None:  # type: ignore[no-untyped-def]
    found = likely_duplicates(given_name="Danial", family_name="Tremblay", date_of_birth=DOB)
    assert [(str(c.client), c.reasons) for c in found] == [("Daniel Tremblay",
                                                           ["name_and_birth_date"])]
    # Same name, another birth date: someone else. Another name, same date: someone else.
    assert not likely_duplicates(given_name="Daniel", family_name="Tremblay",
                                 date_of_birth=dt.date(1981, 3, 14))
    assert not likely_duplicates(given_name="Omar", family_name="Haddad", date_of_birth=DOB)
    identifier_add(actor=Actor(user=world.admin, role="administrator"), client=world.client_b,
                   kind=IdentifierKind.HEALTH_CARD, value=CARD)
    found = likely_duplicates(given_name="Someone", family_name="Else", date_of_birth=None,
                              identifiers=[CARD + "ZZ"])
    assert [(c.client, c.by_identifier) for c in found] == [(world.client_b, True)]


def test_name_similarity_ignores_word_order() -> None:
    assert name_similarity("tremblay daniel", "daniel tremblay") == 1.0
    assert name_similarity("daniel tremblay", "maya tremblay") < 0.8


def test_referral_shows_the_likely_match_before_creating_anything(world, login) -> None:  # type: ignore[no-untyped-def]
    http = login("coord_a")
    clients, enrolments = Client.objects.count(), Enrolment.objects.count()
    response = http.post("/clients/refer/", _referral(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This may be Daniel Tremblay, born March 14, 1980." in page
    assert f"/clients/{world.client_a.public_id}/" in page
    assert f"/clients/refer/?client={world.client_a.public_id}" in page
    assert (Client.objects.count(), Enrolment.objects.count()) == (clients, enrolments)
    event = AuditEvent.objects.get(detail__startswith="referral:duplicate_check")
    assert event.subjects == str(world.client_a.public_id)
    # "This is someone else": the same form, confirmed, creates the new record.
    response = http.post("/clients/refer/", _referral(world, someone_else="1"))
    assert response.status_code == 302
    assert Client.objects.filter(given_name="Danial").count() == 1


def test_a_match_outside_the_scope_is_counted_not_named(world, login) -> None:  # type: ignore[no-untyped-def]
    # Maya is known at site B only; a coordinator at site A refers someone with her details.
    response = login("coord_a").post("/clients/refer/", _referral(
        world, given_name="Maya", family_name="Lakeside"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "One record you may not see matches this person." in page
    assert "Lakeside, born" not in page and str(world.client_b.public_id) not in page
