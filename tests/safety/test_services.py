"""Discharge notices, emails, binder visibility, incidents, check-ins, outreach, bridging."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from bridgeway.access.policy import client_for_user
from bridgeway.clients.models import Enrolment, HospitalStay
from bridgeway.clients.services import (
    consent_record,
    stay_admit,
    stay_discharge,
    stay_set_expected_discharge,
)
from bridgeway.core.actors import Actor
from bridgeway.safety.models import Alert, BinderEntry, Incident, Notification
from bridgeway.safety.selectors import alerts_for_user, binder_entries
from bridgeway.safety.services import care
from bridgeway.safety.services.incidents import (
    debrief_record,
    incident_close,
    incident_follow_up,
    incident_report,
)
from bridgeway.safety.services.scan import scan_run
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.services import (
    checkin_handle,
    checkin_record,
    supporter_resume,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

FORBIDDEN = ["Tremblay", "519-555-0100", "1 Example Street", "daniel@example.org"]


def staff(world):
    return Actor(user=world.staff_a, role="ward_staff")


def coord(world):
    return Actor(user=world.coord_a, role="coordinator", site_code="riverside")


def _emails_clean(world):
    for message in mail.outbox:
        text = message.subject + message.body
        for word in FORBIDDEN:
            assert word not in text
        assert str(world.enrolment_a.stay.expected_discharge_on) not in text


def _share(world, categories):
    consent_record(actor=coord(world), enrolment=world.enrolment_a, participation=True,
                   share=set(categories))


def test_discharge_date_reaches_supporter_and_coordinator(world, django_capture_on_commit_callbacks):
    for user in (world.coord_a, world.supporter.user):
        user.email = f"{user.username}@example.org"
        user.save()
    new_date = timezone.localdate() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        stay_set_expected_discharge(actor=staff(world), stay=world.enrolment_a.stay,
                                    expected_discharge_on=new_date)
    got = Notification.objects.filter(kind="expected_discharge")
    assert {n.recipient for n in got} == {world.coord_a, world.supporter.user}
    assert str(new_date) in got.first().body  # the detail stays in the app
    assert len(mail.outbox) == 2
    assert "Daniel" not in mail.outbox[0].subject  # the name stays in the app
    _emails_clean(world)
    for message in mail.outbox:
        assert str(new_date) not in message.subject + message.body
        assert "/safety/clients/" in message.body


def test_discharge_notice_skips_supporter_without_consent(world):
    _share(world, {"contact_details"})
    stay_set_expected_discharge(actor=staff(world), stay=world.enrolment_a.stay,
                                expected_discharge_on=timezone.localdate() + dt.timedelta(days=2))
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"coord_a"}


def test_discharge_recorded_tells_supporter(world, django_capture_on_commit_callbacks):
    world.supporter.user.email = "jordan@example.org"
    world.supporter.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        stay_discharge(actor=staff(world), stay=world.enrolment_a.stay,
                       discharged_on=timezone.localdate())
    assert Notification.objects.filter(kind="discharged", recipient=world.supporter.user).exists()
    assert len(mail.outbox) == 1
    _emails_clean(world)


def test_readmission_notice_needs_stay_status(world):
    stay = world.enrolment_a.stay
    stay_discharge(actor=staff(world), stay=stay, discharged_on=timezone.localdate())
    _share(world, {"discharge_date"})
    Notification.objects.all().delete()
    stay_admit(actor=staff(world), client=world.client_a, ward=world.ward_a,
               admitted_on=timezone.localdate())
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"coord_a"}


def test_readmission_alert_visible_to_supporter_only_with_stay_status(world):
    alert = Alert.objects.create(rule="readmission", severity="warning", site=world.site_a,
                                 subject_id=world.client_a.pk, client=world.client_a,
                                 owner_role="coordinator", due_on=timezone.localdate())
    lapse = Alert.objects.create(rule="contact_lapse", severity="warning", site=world.site_a,
                                 subject_id=world.client_a.pk, client=world.client_a,
                                 owner_role="peer_supporter", due_on=timezone.localdate())
    assert set(alerts_for_user(world.supporter.user)) == {alert, lapse}
    _share(world, {"discharge_date"})
    assert set(alerts_for_user(world.supporter.user)) == {lapse}
    assert set(alerts_for_user(world.other_supporter.user)) == set()
    assert set(alerts_for_user(world.coord_b)) == set()
    assert set(alerts_for_user(world.staff_a)) == set()
    assert set(alerts_for_user(world.evaluator)) == set()


def _entries(world):
    for category in BinderEntry.Category.values:
        care.binder_add_entry(actor=staff(world), client=world.client_a, category=category,
                              text=f"entry {category}")
    care.binder_add_entry(actor=staff(world), client=world.client_a, category="update",
                          text="staff only", staff_only=True)


def _visible(user, world):
    access = client_for_user(user, world.client_a.public_id)
    return {e.text for e in binder_entries(access)}


def test_binder_entries_follow_role_and_consent(world):
    _entries(world)
    everything = {"entry discharge_planning", "entry appointment", "entry concern",
                  "entry update", "staff only"}
    assert _visible(world.coord_a, world) == everything
    assert _visible(world.staff_a, world) == everything
    # the factory consent shares discharge date, not safety notes
    assert _visible(world.supporter.user, world) == {"entry discharge_planning",
                                                     "entry appointment", "entry update"}
    _share(world, {"safety_notes"})
    assert _visible(world.supporter.user, world) == {"entry appointment", "entry update",
                                                     "entry concern"}


def test_supporter_always_sees_own_binder_entries(world):
    _share(world, set())
    actor = Actor(user=world.supporter.user, role="peer_supporter")
    care.binder_add_entry(actor=actor, client=world.client_a, category="concern",
                          text="my concern", staff_only=True)
    assert _visible(world.supporter.user, world) == {"my concern"}


def test_break_pauses_and_alerts_coordinator_and_stops_proposals(world):
    from bridgeway.matching.models import Proposal
    from bridgeway.matching.services import matching_run

    actor = Actor(user=world.supporter.user, role="peer_supporter")
    checkin_record(actor=actor, supporter=world.supporter, feeling="break")
    world.supporter.refresh_from_db()
    assert world.supporter.status == SupporterProfile.Status.PAUSED
    assert Alert.objects.filter(rule="break_requested", subject_id=world.supporter.pk).exists()
    assert Notification.objects.filter(recipient=world.coord_a, kind="checkin_break").exists()
    assert not alerts_for_user(world.supporter.user).filter(rule="break_requested").exists()
    # a waiting client at the site: the paused supporter is never proposed
    waiting = f.EnrolmentFactory(client=f.ClientFactory(), site=world.site_a, status="waitlisted")
    f.ConsentFactory(enrolment=waiting, version=1, recorded_by=world.coord_a)
    matching_run(actor=coord(world), site=world.site_a)
    proposals = Proposal.objects.filter(enrolment=waiting)
    assert proposals.exists()
    assert not proposals.filter(supporter=world.supporter).exists()
    # the coordinator lifts the pause
    supporter_resume(actor=coord(world), supporter=world.supporter)
    world.supporter.refresh_from_db()
    assert world.supporter.status == SupporterProfile.Status.ACTIVE
    assert not Alert.objects.filter(rule="break_requested").exclude(status="resolved").exists()


def test_talk_request_is_followed_up(world):
    actor = Actor(user=world.supporter.user, role="peer_supporter")
    checkin = checkin_record(actor=actor, supporter=world.supporter, feeling="talk")
    assert Alert.objects.filter(rule="talk_requested", status="open").exists()
    checkin_handle(actor=coord(world), checkin=checkin, note="Called")
    assert Alert.objects.get(rule="talk_requested").status == "resolved"
    world.supporter.refresh_from_db()
    assert world.supporter.status == "active"


def test_incident_alerts_coordinator_then_follow_up_and_close(world):
    actor = Actor(user=world.supporter.user, role="peer_supporter")
    incident = incident_report(actor=actor, site=world.site_a, client=world.client_a,
                               supporter=world.supporter, kind="threat")
    alert = Alert.objects.get(rule="incident", incident=incident)
    assert alert.severity == "urgent"
    assert Notification.objects.filter(recipient=world.coord_a, kind="incident").exists()
    with pytest.raises(ValidationError):
        incident_close(actor=coord(world), incident=incident)
    incident_follow_up(actor=coord(world), incident=incident, follow_up="Called Jordan")
    incident_close(actor=coord(world), incident=incident, note="Debrief held")
    incident.refresh_from_db()
    alert.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED and alert.status == "resolved"


def test_outreach_outcome_feeds_enrolment_and_file_reopens(world):
    actor = coord(world)
    case = care.outreach_open(actor=actor, client=world.client_a)
    care.outreach_add_step(actor=actor, case=case, taken_on=timezone.localdate(), method="phone")
    care.outreach_close(actor=actor, case=case, outcome="lost")
    enrolment = Enrolment.objects.get(pk=world.enrolment_a.pk)
    assert enrolment.status == "withdrawn"
    assert enrolment.history.last().reason.startswith("Lost to follow-up")
    care.client_reopen(actor=actor, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == "waitlisted"


def test_outreach_re_engaged_makes_on_hold_client_active(world):
    Enrolment.objects.filter(pk=world.enrolment_a.pk).update(status="on_hold")
    case = care.outreach_open(actor=coord(world), client=world.client_a)
    care.outreach_close(actor=coord(world), case=case, outcome="re_engaged")
    assert Enrolment.objects.get(pk=world.enrolment_a.pk).status == "active"


def test_bridging_ends_with_the_provider_milestone(world):
    bridging = care.bridging_start(actor=staff(world), client=world.client_a, staff=world.staff_a,
                                   started_on=timezone.localdate())
    with pytest.raises(ValidationError) as err:
        care.bridging_establish(actor=staff(world), bridging=bridging,
                                established_on=timezone.localdate(), provider="", agency="")
    assert set(err.value.error_dict) == {"provider", "agency"}
    care.bridging_establish(actor=staff(world), bridging=bridging,
                            established_on=timezone.localdate(), provider="Dr. Rivera",
                            agency="Community Mental Health")
    bridging.refresh_from_db()
    assert not bridging.is_open


def test_a_debrief_is_a_supporters_session_linked_from_the_incident(world):
    incident = incident_report(actor=Actor(user=world.supporter.user, role="peer_supporter"),
                               site=world.site_a, kind="threat", supporter=world.supporter)
    session = debrief_record(actor=coord(world), incident=incident, site=world.site_a,
                             kind="debrief", held_on=timezone.localdate(),
                             supporters=[world.supporter], notes="Talked it through")
    assert list(incident.debriefs.all()) == [session]
    assert list(session.incidents.all()) == [incident]
    with pytest.raises(ValidationError):  # the supporters' own rules still apply
        debrief_record(actor=coord(world), incident=incident, site=world.site_a,
                       kind="debrief", held_on=timezone.localdate() + dt.timedelta(days=1),
                       supporters=[world.supporter])
    assert incident.debriefs.count() == 1


def test_scan_digest_names_no_client(world, django_capture_on_commit_callbacks):
    world.coord_a.email = "sam@example.org"
    world.coord_a.save()
    stay = world.enrolment_a.stay
    HospitalStay.objects.filter(pk=stay.pk).update(
        admitted_on=timezone.localdate() - dt.timedelta(days=30),
        discharged_on=timezone.localdate() - dt.timedelta(days=9))
    world.match_a.started_on = timezone.localdate() - dt.timedelta(days=20)
    world.match_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        scan_run()
    assert Notification.objects.filter(recipient=world.coord_a, kind="scan_digest").exists()
    assert mail.outbox
    _emails_clean(world)
