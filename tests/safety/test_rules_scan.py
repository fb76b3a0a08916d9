"""Every safety-net rule at its boundary days, run through the real scan (SQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgeway.clients.models import HospitalStay
from bridgeway.matching.models import MatchingRun, Proposal
from bridgeway.safety import rules as r
from bridgeway.safety.models import Alert, SafetyThresholds

from .helpers import NOW, TODAY, at, contact, day, discharge, rules_open, scan, set_match_start

pytestmark = pytest.mark.django_db


def open_rules() -> set[str]:
    return {rule for rule, _sev in rules_open()}


@pytest.mark.parametrize(("days_since", "expected"), [(6, None), (7, "warning"), (8, "warning"),
                                                      (29, "warning"), (30, "urgent")])
def test_no_first_contact_after_discharge(world, days_since, expected):
    set_match_start(world, 60)
    discharge(world, days_since)
    contact(world, days_since + 2, setting="ward")  # before discharge: does not count
    scan()
    got = {sev for rule, sev in rules_open() if rule == "no_first_contact"}
    assert got == ({expected} if expected else set())


def test_first_contact_counts_from_match_start_when_matched_after_discharge(world):
    discharge(world, 20)
    set_match_start(world, 6)
    scan()
    assert "no_first_contact" not in open_rules()
    set_match_start(world, 7)
    scan()
    assert "no_first_contact" in open_rules()


@pytest.mark.parametrize(("last_met", "expected"), [(13, None), (14, "warning"), (15, "warning"),
                                                    (29, "warning"), (30, "urgent"),
                                                    (31, "urgent")])
def test_contact_lapse_warning_and_urgent(world, last_met, expected):
    set_match_start(world, 100)
    discharge(world, 60)
    contact(world, last_met)
    scan()
    got = {sev for rule, sev in rules_open() if rule == "contact_lapse"}
    assert got == ({expected} if expected else set())


@pytest.mark.parametrize(("discharged", "fires"), [(364, True), (365, False)])
def test_contact_lapse_only_in_first_year(world, discharged, fires):
    set_match_start(world, 400)
    discharge(world, discharged)
    contact(world, 100)
    scan()
    assert ("contact_lapse" in open_rules()) is fires


def test_two_missed_in_a_row(world):
    contact(world, 10)
    contact(world, 5, outcome="no_show")
    scan()
    assert "missed_contacts" not in open_rules()
    contact(world, 3, outcome="not_reached")
    scan()
    assert "missed_contacts" in open_rules()
    contact(world, 1)  # they met: the streak is over
    scan()
    assert "missed_contacts" not in open_rules()
    assert Alert.objects.get(rule="missed_contacts").resolution == "auto"


def test_cancellation_breaks_the_streak(world):
    contact(world, 5, outcome="no_show")
    contact(world, 4, outcome="cancelled_client")
    contact(world, 3, outcome="not_reached")
    scan()
    assert "missed_contacts" not in open_rules()


def test_readmission_of_a_matched_client(world):
    set_match_start(world, 30)
    discharge(world, 20)
    HospitalStay.objects.create(client=world.client_a, hospital=world.hospital_a,
                                ward=world.ward_a, admitted_on=day(2))
    scan()
    assert "readmission" in open_rules()


def test_stay_at_match_start_is_not_a_readmission(world):
    stay = world.enrolment_a.stay
    stay.admitted_on = day(3)
    stay.save()
    set_match_start(world, 3)
    scan()
    assert "readmission" not in open_rules()


def test_readmission_on_the_day_of_discharge_right_after_the_match_began(world):
    """Issue 15 item 9: matched on the day of discharge, back in hospital the same day."""
    set_match_start(world, 2)
    discharge(world, 2)
    HospitalStay.objects.create(client=world.client_a, hospital=world.hospital_a,
                                ward=world.ward_a, admitted_on=day(2))
    scan()
    assert "readmission" in open_rules()


def test_admission_on_match_day_without_a_discharge_that_day_is_not_a_readmission(world):
    set_match_start(world, 2)
    discharge(world, 20)  # back in the community well before the match began
    HospitalStay.objects.create(client=world.client_a, hospital=world.hospital_a,
                                ward=world.ward_a, admitted_on=day(2))
    scan()
    assert "readmission" not in open_rules()


@pytest.mark.parametrize(("admitted", "discharges", "expected"), [
    (day(2), [day(20)], True),            # admitted after the match began
    (day(3), [], False),                  # the stay the match began in
    (day(3), [day(40)], False),           # admitted on the match day, last discharge before it
    (day(3), [day(3)], True),             # discharged and back the day the match began
])
def test_readmission_rule_in_plain_python(admitted, discharges, expected):
    assert r.readmitted(match_started_on=day(3), admitted_on=admitted,
                        discharged_on=discharges) is expected


def test_discharged_without_ward_contact(world):
    set_match_start(world, 20)
    discharge(world, 5, admitted=25)
    scan()
    assert "no_ward_contact" in open_rules()
    contact(world, 8, setting="ward")
    scan()
    assert "no_ward_contact" not in open_rules()


@pytest.mark.parametrize(("discharged", "fires"), [(29, True), (30, False)])
def test_no_ward_contact_looks_back_30_days(world, discharged, fires):
    set_match_start(world, 60)
    discharge(world, discharged)
    scan()
    assert ("no_ward_contact" in open_rules()) is fires


def test_matched_after_discharge_needs_no_ward_contact(world):
    discharge(world, 10)
    set_match_start(world, 5)
    scan()
    assert "no_ward_contact" not in open_rules()


def _weeks_minutes(world, minutes_per_week: list[int]) -> None:
    starts = r.week_starts(TODAY, len(minutes_per_week))
    for start, minutes in zip(starts, minutes_per_week, strict=True):
        offset = (TODAY - start).days - 2  # a Wednesday in that week
        if minutes:
            contact(world, offset, minutes=minutes)


@pytest.mark.parametrize(("weeks", "fires"), [([30, 30, 30], True), ([30, 60, 30], False),
                                              ([30, 30, 0], True), ([59, 59, 59], True),
                                              ([60, 0, 0], False)])
def test_supporter_under_commitment_three_weeks(world, weeks, fires):
    set_match_start(world, 40)
    _weeks_minutes(world, weeks)
    scan()
    assert ("under_commitment" in open_rules()) is fires


def test_commitment_needs_three_whole_weeks_of_the_match(world):
    set_match_start(world, 10)  # matched less than three weeks ago
    scan()
    assert "under_commitment" not in open_rules()


def _proposal(world, days_old: int) -> Proposal:
    run = MatchingRun.objects.create(site=world.site_b)
    proposal = Proposal.objects.create(run=run, enrolment=world.enrolment_b,
                                       supporter=world.other_supporter, site=world.site_b,
                                       score=1.0)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=NOW - dt.timedelta(days=days_old))
    return proposal


@pytest.mark.parametrize(("days_old", "fires"), [(6, False), (7, True), (8, True)])
def test_proposal_not_approved_within_seven_days(world, days_old, fires):
    _proposal(world, days_old)
    scan()
    assert ("proposal_pending" in open_rules()) is fires


@pytest.mark.parametrize(("days", "fires"), [(29, False), (30, True), (31, True)])
def test_waitlisted_longer_than_thirty_days(world, days, fires):
    enrolment = world.enrolment_b
    enrolment.status = "waitlisted"
    enrolment.waitlisted_since = at(days)
    enrolment.save()
    scan()
    assert ("waitlist_long" in open_rules()) is fires


def test_per_site_threshold(world):
    set_match_start(world, 60)
    discharge(world, 4)
    scan()
    assert "no_first_contact" not in open_rules()
    SafetyThresholds.objects.create(site=world.site_a, first_contact_days=3)
    scan()
    assert "no_first_contact" in open_rules()


def test_two_scans_one_alert_and_auto_resolution(world):
    set_match_start(world, 60)
    discharge(world, 10)
    first = scan()
    second = scan()
    assert first.created >= 1 and second.created == 0
    assert Alert.objects.filter(rule="no_first_contact").count() == 1
    contact(world, 1)
    third = scan()
    alert = Alert.objects.get(rule="no_first_contact")
    assert third.resolved >= 1 and alert.status == "resolved" and alert.resolution == "auto"


def test_lapse_turns_urgent_on_the_same_alert(world):
    set_match_start(world, 100)
    discharge(world, 60)
    contact(world, 20)
    scan()
    alert = Alert.objects.get(rule="contact_lapse")
    assert alert.severity == "warning"
    scan(TODAY + dt.timedelta(days=10))
    alert.refresh_from_db()
    assert alert.severity == "urgent" and alert.status == "open"
    assert Alert.objects.filter(rule="contact_lapse").count() == 1


def test_person_resolution_holds_until_the_episode_changes(world):
    from bridgeway.core.actors import Actor
    from bridgeway.safety.services.alerts import alert_resolve

    set_match_start(world, 60)
    discharge(world, 5, admitted=25)
    scan()
    alert = Alert.objects.get(rule="no_ward_contact")
    alert_resolve(actor=Actor(user=world.coord_a, role="coordinator"), alert=alert,
                  note="Met at the group the day before; not logged")
    scan()
    assert Alert.objects.filter(rule="no_ward_contact").count() == 1
    assert "no_ward_contact" not in open_rules()


def test_snooze_ends_after_its_date(world):
    from bridgeway.core.actors import Actor
    from bridgeway.safety.services.alerts import alert_snooze

    enrolment = world.enrolment_b
    enrolment.status = "waitlisted"
    enrolment.waitlisted_since = at(40)
    enrolment.save()
    scan()
    alert = Alert.objects.get(rule="waitlist_long")
    import django.utils.timezone as tz
    until = tz.localdate() + dt.timedelta(days=2)
    alert_snooze(actor=Actor(user=world.coord_b, role="coordinator"), alert=alert, until=until)
    scan(until)
    alert.refresh_from_db()
    assert alert.status == "snoozed"
    scan(until + dt.timedelta(days=1))
    alert.refresh_from_db()
    assert alert.status == "open"
