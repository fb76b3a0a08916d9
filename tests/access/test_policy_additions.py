"""can(), caseload_for_supporter(), authorize() with a site, and malformed ids."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    authorize,
    can,
    caseload_for_supporter,
    client_for_user,
    decide,
)
from bridgeway.audit.models import AuditEvent
from bridgeway.core.models import Role
from tests import factories as f


def test_caseload_decision_equals_the_single_client_decision(world):
    user = world.supporter.user
    caseload = caseload_for_supporter(user)
    assert [a.client for a in caseload] == [world.client_a]
    single = decide(user, world.client_a)
    assert caseload[0].categories == single.categories
    assert caseload[0].withheld == single.withheld
    assert caseload[0].sees(Info.CONTACT_DETAILS) and not caseload[0].sees(Info.BACKGROUND)


def test_caseload_follows_the_newest_consent(world):
    f.ConsentFactory(enrolment=world.enrolment_a, version=2, recorded_by=world.coord_a,
                     share_contact_details=False)
    (access,) = caseload_for_supporter(world.supporter.user)
    assert not access.sees(Info.CONTACT_DETAILS)
    assert Info.CONTACT_DETAILS in access.withheld


def test_caseload_is_empty_for_others(world):
    assert caseload_for_supporter(world.other_supporter.user) == []
    assert caseload_for_supporter(world.coord_a) == []


def test_can_matches_authorize_without_auditing(world):
    access = client_for_user(world.coord_a, world.client_a.public_id)
    before = AuditEvent.objects.count()
    assert can(world.coord_a, Action.RECORD_CONSENT, client_access=access)
    assert not can(world.supporter.user, Action.RECORD_CONSENT, client_access=access)
    assert AuditEvent.objects.count() == before


def test_authorize_with_a_site_needs_a_grant_at_that_site(world):
    """A coordinator at A reaching a client also enrolled at B may not change the B enrolment."""
    f.EnrolmentFactory(client=world.client_a, site=world.site_b)
    access = client_for_user(world.coord_a, world.client_a.public_id)
    assert authorize(world.coord_a, Action.CHANGE_ENROLMENT, client_access=access,
                     site=world.site_a).role == Role.COORDINATOR
    with pytest.raises(PermissionDenied):
        authorize(world.coord_a, Action.CHANGE_ENROLMENT, client_access=access, site=world.site_b)
    assert AuditEvent.objects.latest("seq").outcome == "denied"


def test_the_coordinator_of_b_cannot_use_the_page_for_a_enrolment(world, login):
    other = f.EnrolmentFactory(client=world.client_a, site=world.site_b)
    http = login("coord_a")
    url = f"/clients/{world.client_a.public_id}/enrolments/{other.public_id}/status/"
    assert http.get(url).status_code == 403


@pytest.mark.parametrize("bad", ["not-a-uuid", "", "1234", None])
def test_malformed_ids_are_not_found(world, bad):
    with pytest.raises(Http404):
        client_for_user(world.coord_a, bad)  # type: ignore[arg-type]


def test_manage_supporter_rule(world):
    assert can(world.coord_a, Action.MANAGE_SUPPORTER, site=world.site_a)
    assert not can(world.coord_b, Action.MANAGE_SUPPORTER, site=world.site_a)
    assert not can(world.lead_a, Action.MANAGE_SUPPORTER, site=world.site_a)
    assert not can(world.supporter.user, Action.MANAGE_SUPPORTER, site=world.site_a)
    assert can(world.admin, Action.MANAGE_SUPPORTER, site=world.site_b)


def test_evaluation_writes_are_site_scoped_and_evaluators_write_no_costs(world):
    """Program-wide evaluators code feedback anywhere, a site evaluator only at their site;
    per-diems are for site leads of that site and administrators."""
    one_site = f.UserFactory(username="eval_a")
    f.grant(one_site, Role.EVALUATOR, site=world.site_a)
    assert authorize(world.evaluator, Action.CODE_FEEDBACK, site=world.site_b).role == Role.EVALUATOR
    assert authorize(one_site, Action.CODE_FEEDBACK, site=world.site_a).role == Role.EVALUATOR
    with pytest.raises(PermissionDenied):
        authorize(one_site, Action.CODE_FEEDBACK, site=world.site_b, audit_category="outcomes",
                  detail="outcomes:excerpt_code")
    denied = AuditEvent.objects.latest("seq")
    assert (denied.outcome, denied.category, denied.detail) == (
        "denied", "outcomes", "outcomes:excerpt_code")
    assert not can(world.evaluator, Action.SET_PER_DIEM, site=world.site_a)
    assert can(world.lead_a, Action.SET_PER_DIEM, site=world.site_a)
    assert not can(world.lead_a, Action.SET_PER_DIEM, site=world.site_b)
    assert can(world.coord_a, Action.RECORD_REFLECTION, site=world.site_a)
    assert not can(world.coord_a, Action.CODE_FEEDBACK, site=world.site_a)
