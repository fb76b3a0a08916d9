"""Enrolment status follows events (issue 15, item 2): discharge makes a matched client active
in the community; consent with a complete profile leads to the waitlist with a confirmation;
"Refer again" only when nothing is open; the ward sees the true status and, when the client
shares their stay status, the supporter; the manual match page says who it leaves out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.clients import services
from bridgeway.clients.models import EnrolmentStatus
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from tests import factories as f

TODAY = timezone.localdate()
S = EnrolmentStatus


def _nurse(world) -> Actor:
    return Actor(user=world.staff_a, role=Role.WARD_STAFF)


def _coordinator(world) -> Actor:
    return Actor(user=world.coord_a, role=Role.COORDINATOR, site_code=world.site_a.code)


# --- discharge ------------------------------------------------------------------------------

def test_discharge_of_a_matched_client_makes_the_enrolment_active(world):
    stay = world.client_a.stays.get()
    services.stay_discharge(actor=_nurse(world), stay=stay, discharged_on=TODAY)
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == S.ACTIVE
    change = world.enrolment_a.history.latest("changed_at")
    assert (change.from_status, change.to_status, change.actor) == (S.MATCHED, S.ACTIVE,
                                                                    world.staff_a)
    assert AuditEvent.objects.filter(category="enrolment", action="status",
                                     detail="matched->active").exists()


def test_discharge_from_the_ward_page_does_the_same(world, login):
    stay = world.client_a.stays.get()
    response = login("staff_a").post(
        f"/clients/{world.client_a.public_id}/stays/{stay.public_id}/discharge/",
        {"discharged_on": TODAY.isoformat(), "destination": "home"})
    assert response.status_code == 302
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == S.ACTIVE


def test_a_client_still_in_another_hospital_stays_matched(world):
    f.StayFactory(client=world.client_a, ward=world.ward_b)
    stay = world.client_a.stays.get(ward=world.ward_a)
    services.stay_discharge(actor=_nurse(world), stay=stay, discharged_on=TODAY)
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == S.MATCHED


def test_discharge_of_an_unmatched_client_leaves_the_status(world):
    stay = world.client_b.stays.get()
    services.stay_discharge(actor=Actor(user=world.staff_b, role=Role.WARD_STAFF), stay=stay,
                            discharged_on=TODAY)
    world.enrolment_b.refresh_from_db()
    assert world.enrolment_b.status == S.WAITLISTED


# --- consent to the waitlist ----------------------------------------------------------------

def _referred(world, *, complete: bool):
    client = f.ClientFactory(home_fsa="N6A" if complete else "")
    if complete:
        client.languages.set([f.language("en", "English")])
    stay = f.StayFactory(client=client, ward=world.ward_a)
    enrolment = f.EnrolmentFactory(client=client, site=world.site_a, stay=stay,
                                   status="referred", waitlisted_since=None)
    return client, enrolment


def test_consent_with_a_complete_profile_leads_to_the_waitlist_confirmation(world, login):
    client, enrolment = _referred(world, complete=True)
    http = login("coord_a")
    base = f"/clients/{client.public_id}/enrolments/{enrolment.public_id}/"
    response = http.post(base + "consent/", {"participation": "yes", "share": ["discharge_date"]})
    assert response.status_code == 302 and response["Location"] == base + "waitlist/"
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONSENTED  # not yet: the confirmation is the person's step
    page = http.get(base + "waitlist/")
    assert page.status_code == 200 and "reason" not in page.context["form"].fields
    response = http.post(base + "waitlist/", {})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == S.WAITLISTED and enrolment.waitlisted_since is not None
    assert enrolment.history.latest("changed_at").reason == "Consent and profile complete"


def test_consent_with_an_incomplete_profile_says_what_is_missing(world, login):
    client, enrolment = _referred(world, complete=False)
    http = login("coord_a")
    base = f"/clients/{client.public_id}/enrolments/{enrolment.public_id}/"
    response = http.post(base + "consent/", {"participation": "yes"}, follow=True)
    text = response.content.decode()
    assert "preferred languages" in text and "home area" in text
    with pytest.raises(ValidationError):
        services.enrolment_waitlist(actor=_coordinator(world), enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONSENTED


def test_the_client_page_offers_the_waitlist_to_a_consented_client(world, login):
    client, enrolment = _referred(world, complete=True)
    enrolment.status = S.CONSENTED
    enrolment.save()
    page = login("coord_a").get(f"/clients/{client.public_id}/").content.decode()
    assert f"/enrolments/{enrolment.public_id}/waitlist/" in page
    page = login("staff_a").get(f"/clients/{client.public_id}/").content.decode()
    assert "/waitlist/" not in page


# --- refer again ----------------------------------------------------------------------------

def test_refer_again_only_when_nothing_is_open(world, login):
    page = login("coord_a").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert "Refer again" not in page
    services.consent_record(actor=_coordinator(world), enrolment=world.enrolment_a,
                            participation=False, share=set())
    page = login("coord_a").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert "Refer again" in page


def test_the_referral_service_refuses_while_an_enrolment_is_open_anywhere(world):
    stay = world.client_b.stays.get()
    with pytest.raises(ValidationError, match="already in the program"):
        services.client_refer(actor=_coordinator(world), site=world.site_a,
                              details=services.ClientDetails("x", "y", TODAY), ward=world.ward_a,
                              admitted_on=stay.admitted_on, client=world.client_b)


# --- the ward's "Peer support" column -------------------------------------------------------

def test_ward_sees_the_status_and_the_supporter_when_the_client_shares_stay_status(world, login):
    page = login("staff_a").get("/clients/ward/").content.decode()
    assert "Matched" in page and "with Jordan Peer" in page


def test_ward_sees_the_status_but_not_the_supporter_without_it(world, login):
    consent = world.enrolment_a.consents.get()
    consent.share_stay_status = False
    consent.save()
    http = login("staff_a")
    page = http.get("/clients/ward/").content.decode()
    assert "Matched" in page and "Jordan" not in page
    detail = http.get(f"/clients/{world.client_a.public_id}/")
    assert "Jordan" not in detail.content.decode()
    assert detail.context["record"].supporter_withheld
    # The coordinator still sees who it is.
    assert "Jordan Peer" in login("coord_a").get(
        f"/clients/{world.client_a.public_id}/").content.decode()


# --- the manual match page ------------------------------------------------------------------

def test_manual_match_page_lists_each_supporter_it_leaves_out_with_why(world, login):
    from bridgeway.web.clients.views.lists import free_supporters

    world.match_a.supporter.max_active_clients = 1  # Jordan: full
    world.match_a.supporter.save()
    paused = f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a],
                                status="paused")
    french = f.language("fr", "French")
    speaker = f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a])
    speaker.languages.set([french])
    client, enrolment = _referred(world, complete=True)
    client.pref_language, client.pref_language_strength = french, "required"
    client.save()
    enrolment.status = S.WAITLISTED
    enrolment.save()
    response = login("coord_a").get(
        f"/clients/{client.public_id}/enrolments/{enrolment.public_id}/match/")
    offered = list(response.context["form"].fields["supporter"].queryset)
    reasons = {row.supporter: [str(r) for r in row.reasons]
               for row in response.context["left_out"]}
    assert offered == [speaker]
    assert "full: no free place" in reasons[world.supporter]
    assert "paused (not taking new clients)" in reasons[paused]
    assert reasons[world.other_supporter] == [
        "does not speak the language the client requires"]
    # Every supporter the dashboard counts as free is either offered or said why not.
    for s in free_supporters(world.site_a):
        assert s in offered or s in reasons
    assert "does not speak the language the client requires" in response.content.decode()


def test_training_missing_is_named(world, login):
    from bridgeway.core.models import TrainingModule

    module = TrainingModule.objects.create(code="opdi-3", name="OPDI level 3", level=3)
    world.site_a.required_training.add(module)
    from bridgeway.supporters.models import TrainingRecord

    TrainingRecord.objects.create(supporter=world.other_supporter, module=module,
                                  completed_on=TODAY - timedelta(days=3))
    client, enrolment = _referred(world, complete=True)
    enrolment.status = S.WAITLISTED
    enrolment.save()
    response = login("coord_a").get(
        f"/clients/{client.public_id}/enrolments/{enrolment.public_id}/match/")
    reasons = {row.supporter: [str(r) for r in row.reasons]
               for row in response.context["left_out"]}
    assert reasons[world.supporter] == ["required training missing"]
    assert world.other_supporter not in reasons
