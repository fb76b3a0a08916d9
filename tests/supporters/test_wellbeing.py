"""Supervision and check-ins are the supporters' own (decision 0012); what the safety net does
about them (alerts) is tested in tests/safety/test_services.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bridgeway.access.policy import sites_for
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from bridgeway.supporters import selectors
from bridgeway.supporters.models import CheckIn, SupervisionSession
from bridgeway.supporters.services import checkin_record, supervision_record

pytestmark = pytest.mark.django_db


def coord(world):
    return Actor(user=world.coord_a, role="coordinator", site_code="riverside")


def test_supervision_session_for_site_supporters(world):
    supervision_record(actor=coord(world), site=world.site_a, kind="group",
                       held_on=timezone.localdate(),
                       supporters=[world.supporter, world.other_supporter])
    with pytest.raises(ValidationError):
        supervision_record(actor=coord(world), site=world.site_a, kind="individual",
                           held_on=timezone.localdate(),
                           supporters=[world.supporter, world.other_supporter])
    assert SupervisionSession.objects.count() == 1


def test_a_fine_check_in_is_kept_and_raises_nothing(world):
    from bridgeway.safety.models import Alert

    checkin_record(actor=Actor(user=world.supporter.user, role=Role.PEER_SUPPORTER),
                   supporter=world.supporter, feeling="fine", note="All good")
    assert list(selectors.checkins_of(world.supporter).values_list("feeling", "note")) == [
        ("fine", "All good")]
    assert not Alert.objects.exists()
    with pytest.raises(ValidationError):
        checkin_record(actor=Actor(user=world.supporter.user, role=Role.PEER_SUPPORTER),
                       supporter=world.supporter, feeling="elated")
    assert CheckIn.objects.count() == 1


def test_coordinators_see_check_ins_of_their_sites_only(world):
    mine = checkin_record(actor=Actor(user=world.supporter.user, role=Role.PEER_SUPPORTER),
                          supporter=world.supporter, feeling="talk")
    assert list(selectors.checkins_for(world.coord_a, sites_for(world.coord_a, Role.COORDINATOR))
                ) == [mine]
    assert not selectors.checkins_for(world.coord_b, sites_for(world.coord_b, Role.COORDINATOR)
                                      ).exists()
