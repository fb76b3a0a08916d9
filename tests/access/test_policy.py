"""The access layer's decisions, persona by persona."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from bridgeway.access.categories import Info
from bridgeway.access.policy import client_for_user, clients_for_user
from bridgeway.audit.models import AuditEvent


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("coord_a", True, False), ("coord_b", False, True), ("lead_a", True, False),
        ("supporter", True, False), ("other_supporter", False, False),
        ("staff_a", True, False), ("staff_b", False, True), ("evaluator", False, False),
        ("admin", True, True),
    ],
)
def test_scope_by_persona(world, persona, sees_a, sees_b):
    visible = set(clients_for_user(world.persona(persona)))
    assert (world.client_a in visible) is sees_a
    assert (world.client_b in visible) is sees_b


def test_supporter_sees_only_consented_categories(world):
    access = client_for_user(world.supporter.user, world.client_a.public_id)
    assert access.sees(Info.CONTACT_DETAILS)
    assert not access.sees(Info.BACKGROUND)
    assert not access.sees(Info.SAFETY_NOTES)
    assert access.something_withheld


def test_denied_access_is_audited_and_raises(world):
    with pytest.raises(PermissionDenied):
        client_for_user(world.other_supporter.user, world.client_a.public_id)
    event = AuditEvent.objects.latest("seq")
    assert event.outcome == "denied"
    assert event.client_public_id == world.client_a.public_id
    assert event.actor_username == "other_supporter"


def test_ward_staff_never_see_contact_notes(world):
    access = client_for_user(world.staff_a, world.client_a.public_id)
    assert not access.sees(Info.CONTACT_NOTES)
    assert access.sees(Info.CONTACT_LOG)


def test_site_lead_sees_that_contacts_happened_but_not_notes(world):
    lead = client_for_user(world.lead_a, world.client_a.public_id)
    coordinator = client_for_user(world.coord_a, world.client_a.public_id)
    assert lead.sees(Info.CONTACT_LOG) and not lead.sees(Info.CONTACT_NOTES)
    assert coordinator.sees(Info.CONTACT_NOTES)
