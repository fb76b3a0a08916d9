"""Administrators merge a duplicate into the surviving record: everything moves, the merge is
kept and audited, and the old id redirects."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.identity import identifier_add
from bridgeway.clients.merge import client_merge
from bridgeway.clients.models import ClientMerge, IdentifierKind, Match
from bridgeway.contacts.models import Contact
from bridgeway.core.actors import Actor
from tests import factories as f


def _admin(world) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=world.admin, role="administrator")


@pytest.fixture
def duplicate(world):  # type: ignore[no-untyped-def]
    """Daniel referred a second time as a new person at site B, with his MRN there."""
    dup = f.ClientFactory(given_name="Danny", family_name="Tremblay")
    stay = f.StayFactory(client=dup, ward=world.ward_b)
    stay.discharged_on = stay.admitted_on
    stay.save()
    enrolment = f.EnrolmentFactory(client=dup, site=world.site_b, stay=stay)
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_b)
    identifier_add(actor=_admin(world), client=dup, kind=IdentifierKind.MRN, value="LAK-9",
                   hospital=world.hospital_b)
    identifier_add(actor=_admin(world), client=dup, kind=IdentifierKind.HEALTH_CARD,
                   value="9876543217")
    return dup


def test_merge_moves_everything_and_keeps_the_record(world, duplicate) -> None:  # type: ignore[no-untyped-def]
    daniel = world.client_a
    merge = client_merge(actor=_admin(world), survivor=daniel, merged=duplicate,
                         reason="Same person, referred twice")
    assert daniel.stays.count() == 2 and daniel.enrolments.count() == 2
    assert daniel.enrolments.get(site=world.site_b).consents.count() == 1
    assert sorted(i.kind for i in daniel.identifiers.all()) == ["health_card", "mrn"]
    assert not duplicate.stays.exists() and not duplicate.identifiers.exists()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == daniel and str(duplicate) == "Danny Tremblay"
    assert (merge.merged_by, merge.reason) == (world.admin, "Same person, referred twice")
    assert merge.moved["clients_hospitalstay"] == 1 and merge.moved["clients_enrolment"] == 1
    event = AuditEvent.objects.get(action="merge")
    assert event.client_public_id == daniel.public_id
    assert set(event.subjects.split(",")) == {str(daniel.public_id), str(duplicate.public_id)}


def test_merge_moves_contacts_and_matches_too(world, duplicate) -> None:  # type: ignore[no-untyped-def]
    # The match and a contact belong to Daniel's record here; merging Daniel into the
    # duplicate (the other direction) must carry them.
    contact = Contact.objects.create(
        client=world.client_a, match=world.match_a, supporter=world.supporter, site=world.site_a,
        occurred_at=timezone.now(), duration_minutes=30, logged_by=world.supporter.user)
    client_merge(actor=_admin(world), survivor=duplicate, merged=world.client_a, reason="Same")
    assert Match.objects.get(pk=world.match_a.pk).client == duplicate
    assert Contact.objects.get(pk=contact.pk).client == duplicate
    assert duplicate.enrolments.count() == 2


def test_merge_refuses_what_would_break_a_rule(world, duplicate) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="reason"):
        client_merge(actor=_admin(world), survivor=world.client_a, merged=duplicate, reason=" ")
    with pytest.raises(ValidationError, match="another record"):
        client_merge(actor=_admin(world), survivor=duplicate, merged=duplicate, reason="x")
    identifier_add(actor=_admin(world), client=world.client_a, kind=IdentifierKind.HEALTH_CARD,
                   value="1234567897")
    with pytest.raises(ValidationError, match="different health card"):
        client_merge(actor=_admin(world), survivor=world.client_a, merged=duplicate, reason="x")
    assert not ClientMerge.objects.exists() and duplicate.stays.count() == 1


def test_merge_page_for_administrators_and_the_old_id_redirects(world, duplicate, login) -> None:  # type: ignore[no-untyped-def]
    url = f"/clients/{duplicate.public_id}/merge/"
    assert login("coord_b").get(url).status_code == 403
    http = login("admin")
    page = http.get(url).content.decode()
    assert "Daniel Tremblay" in page  # offered as likely the same person (name and birth date)
    response = http.post(url, {"survivor": str(world.client_a.public_id), "reason": "Same"})
    assert response.status_code == 302
    assert response.url == f"/clients/{world.client_a.public_id}/"
    old = http.get(f"/clients/{duplicate.public_id}/")
    assert (old.status_code, old.url) == (302, f"/clients/{world.client_a.public_id}/")
    # coord_b saw the duplicate (site B); the survivor now has a site-B enrolment too.
    assert login("coord_b").get(f"/clients/{duplicate.public_id}/edit/").url == (
        f"/clients/{world.client_a.public_id}/edit/")
    # Someone who may not see the survivor learns nothing: a plain 404.
    assert login("other_supporter").get(f"/clients/{duplicate.public_id}/").status_code == 404
    # The merged record no longer appears in search.
    from bridgeway.access.search import search_clients

    assert [str(c) for c in search_clients(world.admin, "tremblay").clients] == ["Daniel Tremblay"]
