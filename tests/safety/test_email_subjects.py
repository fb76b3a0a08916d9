"""Every e-mail Bridgeway sends has a subject without personal data (issue 14).

Each way a notification is sent runs here with every recipient given an address; the subject of
every message must hold no client or supporter name, initial or date, and only fixed text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from bridgeway.clients.models import HospitalStay
from bridgeway.clients.services import stay_admit, stay_discharge, stay_set_expected_discharge
from bridgeway.core.actors import Actor
from bridgeway.core.models import User
from bridgeway.safety.models import Alert
from bridgeway.safety.notify import DEFAULT_EMAIL_SUBJECT, EMAIL_SUBJECTS, email_body, email_subject
from bridgeway.safety.services.alerts import alert_escalate
from bridgeway.safety.services.incidents import incident_report
from bridgeway.safety.services.scan import scan_run
from bridgeway.supporters.services import checkin_record

pytestmark = pytest.mark.django_db


def _staff(world):
    return Actor(user=world.staff_a, role="ward_staff")


def _coord(world):
    return Actor(user=world.coord_a, role="coordinator", site_code="riverside")


def _supporter(world):
    return Actor(user=world.supporter.user, role="peer_supporter")


def _expected(world):
    stay_set_expected_discharge(actor=_staff(world), stay=world.enrolment_a.stay,
                                expected_discharge_on=timezone.localdate() + dt.timedelta(days=3))


def _discharged(world):
    stay_discharge(actor=_staff(world), stay=world.enrolment_a.stay,
                   discharged_on=timezone.localdate())


def _readmitted(world):
    stay_discharge(actor=_staff(world), stay=world.enrolment_a.stay,
                   discharged_on=timezone.localdate() - dt.timedelta(days=5))
    mail.outbox.clear()
    stay_admit(actor=_staff(world), client=world.client_a, ward=world.ward_a,
               admitted_on=timezone.localdate())


def _escalated(world):
    alert = Alert.objects.create(rule="readmission", severity="warning", site=world.site_a,
                                 subject_id=world.client_a.pk, client=world.client_a,
                                 owner_role="coordinator", due_on=timezone.localdate())
    alert_escalate(actor=_coord(world), alert=alert, to="site_lead", note="Daniel")


def _scan(world):
    HospitalStay.objects.filter(pk=world.enrolment_a.stay.pk).update(
        admitted_on=timezone.localdate() - dt.timedelta(days=30),
        discharged_on=timezone.localdate() - dt.timedelta(days=9))
    world.match_a.started_on = timezone.localdate() - dt.timedelta(days=20)
    world.match_a.save()
    scan_run()


def _incident(world):
    incident_report(actor=_supporter(world), site=world.site_a, client=world.client_a,
                             supporter=world.supporter, kind="threat")


def _checkin_talk(world):
    checkin_record(actor=_supporter(world), supporter=world.supporter, feeling="talk")


def _checkin_break(world):
    checkin_record(actor=_supporter(world), supporter=world.supporter, feeling="break")


SENDERS = [_expected, _discharged, _readmitted, _escalated, _scan, _incident, _checkin_talk,
           _checkin_break]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("send", SENDERS, ids=[s.__name__.lstrip("_") for s in SENDERS])
def test_email_subjects_carry_no_personal_data(world, django_capture_on_commit_callbacks,
                                               send, language):
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    world.client_a.refresh_from_db()
    names = {world.client_a.given_name, world.client_a.family_name,
             world.client_a.first_name_initial, world.supporter.user.first_name,
             world.supporter.user.last_name, str(world.supporter)}
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        send(world)
        fixed = {email_subject(kind) for kind in [*EMAIL_SUBJECTS, "any"]}
        tail = email_body("").rsplit("\n", 1)[-1]
    assert mail.outbox, "the scenario sends at least one e-mail"
    for message in mail.outbox:
        for name in names:
            assert name not in message.subject
        assert not any(ch.isdigit() for ch in message.subject)  # no date, no count
        assert message.subject in fixed
        assert message.body.endswith(tail)  # the body is the fixed sentence with a link


def test_every_subject_is_fixed_text():
    assert email_subject("no_such_kind") == f"Bridgeway: {DEFAULT_EMAIL_SUBJECT}"
    for kind, text in EMAIL_SUBJECTS.items():
        assert email_subject(kind) == f"Bridgeway: {text}"
