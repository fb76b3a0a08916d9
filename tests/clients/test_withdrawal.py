"""Withdrawal in one step (issue 15, item 3): "No" unticks every sharing category itself, ends
the open match, tells the supporter that it ended (not why), gives the coordinator a task, and
each of these is audited."""

from __future__ import annotations

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import EnrolmentStatus, Match
from bridgeway.safety.models import Alert, Notification


def _withdraw(world, login):
    consent = world.enrolment_a.consents.get()
    assert consent.share_stay_status  # ticked before
    return login("coord_a").post(
        f"/clients/{world.client_a.public_id}/enrolments/{world.enrolment_a.public_id}/consent/",
        {"participation": "no", "share": ["contact_details", "stay_status"]})


def test_no_unticks_every_category_itself(world, login):
    response = _withdraw(world, login)
    assert response.status_code == 302
    latest = world.enrolment_a.consents.order_by("-version").first()
    assert latest.version == 2 and not latest.participation
    assert latest.shared_categories() == frozenset()
    assert not any(getattr(latest, f"share_{c}") for c in
                   ("contact_details", "discharge_date", "stay_status", "background",
                    "safety_notes"))


def test_the_match_ends_and_the_enrolment_is_withdrawn(world, login):
    _withdraw(world, login)
    world.match_a.refresh_from_db()
    world.enrolment_a.refresh_from_db()
    assert world.match_a.status == Match.Status.ENDED
    assert world.match_a.end_reason == Match.EndReason.WITHDREW
    assert world.enrolment_a.status == EnrolmentStatus.WITHDRAWN


def test_the_supporter_is_told_the_match_ended_without_the_reason(world, login):
    _withdraw(world, login)
    told = Notification.objects.get(recipient=world.supporter.user)
    assert told.kind == "match_ended"
    assert told.title == "Your match with Daniel T. has ended"
    words = f"{told.title} {told.body}".lower()
    assert "consent" not in words and "withdr" not in words
    # ... and no longer reaches the client.
    http = login("supporter")
    assert "Daniel" not in http.get("/clients/mine/").content.decode()
    assert http.get(f"/clients/{world.client_a.public_id}/").status_code in (403, 404)


def test_the_coordinator_gets_a_task(world, login):
    _withdraw(world, login)
    task = Alert.objects.get(rule="consent_withdrawn")
    assert (task.client, task.site, task.owner_role, task.status) == (
        world.client_a, world.site_a, "coordinator", Alert.Status.OPEN)
    note = Notification.objects.get(recipient=world.coord_a)
    assert note.kind == "consent_withdrawn" and note.alert == task
    page = login("coord_a").get(f"/safety/alerts/{task.public_id}/")
    assert page.status_code == 200 and "Client withdrew consent" in page.content.decode()


def test_each_step_is_audited(world, login):
    before = AuditEvent.objects.count()
    _withdraw(world, login)
    new = AuditEvent.objects.filter(seq__gt=AuditEvent.objects.order_by("seq")[before - 1].seq
                                    if before else 0)
    pairs = {(e.category, e.action) for e in new}
    assert {("consent", "record"), ("match", "end"), ("enrolment", "status"),
            ("consent", "notify")} <= pairs
    notified = new.get(category="consent", action="notify")
    assert "supporters:1" in notified.detail and "coordinators:1" in notified.detail


def test_declining_a_referral_raises_no_task(world, login):
    enrolment = world.enrolment_b
    enrolment.status = EnrolmentStatus.REFERRED
    enrolment.save()
    response = login("coord_b").post(
        f"/clients/{world.client_b.public_id}/enrolments/{enrolment.public_id}/consent/",
        {"participation": "no", "share": ["contact_details"]})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.DECLINED
    assert not Alert.objects.filter(rule="consent_withdrawn").exists()
