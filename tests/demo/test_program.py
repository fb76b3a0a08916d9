"""The whole demo program (every step, seed 1) is consistent with itself and carries its known
effect: the checklist ticks only what the contact log shows, each feedback quote appears once,
contacts stay inside their match and before today, and usual care is readmitted more often.

One run for the module (it takes seconds); each test reads it inside its own savepoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Client, Enrolment, EnrolmentStatus, HospitalStay, Match
from bridgeway.contacts.models import Contact, Outcome, Setting
from bridgeway.core.choices import AVAILABILITY_SLOTS
from bridgeway.core.models import ProgramSite, Ward
from bridgeway.demo.context import DemoContext
from bridgeway.demo.quotes import QUOTES
from bridgeway.demo.reference import NAME_GROUPS, NEUTRAL_NAMES
from bridgeway.demo.run import run_demo
from bridgeway.outcomes import feedback
from bridgeway.outcomes.models import Excerpt
from bridgeway.safety.models import BinderEntry, DischargeChecklist
from bridgeway.supporters.models import SupporterProfile

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Toronto")


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def program(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield run_demo(1).context
                raise _Rollback  # the next module starts from an empty database
        except _Rollback:
            pass


def test_the_checklist_ticks_only_what_the_contact_log_shows(program: DemoContext) -> None:
    checklists = list(DischargeChecklist.objects.select_related("stay"))
    assert checklists, "the demo shows one pre-discharge checklist in use"
    for checklist in checklists:
        stay = checklist.stay
        active = Match.objects.filter(client_id=checklist.client_id, status=Match.Status.ACTIVE)
        if checklist.met_on_ward_on is not None:
            met = [c for c in Contact.objects.filter(client_id=checklist.client_id,
                                                     outcome=Outcome.MET, setting=Setting.WARD)
                   if c.occurred_at.astimezone(TZ).date() == checklist.met_on_ward_on]
            assert met, "met on the ward, but the contact log has no meeting that day"
            assert stay.admitted_on <= checklist.met_on_ward_on <= program.today
        if checklist.community_plan_agreed_on is not None:
            assert checklist.met_on_ward_on is not None and active.exists()
            assert checklist.met_on_ward_on <= checklist.community_plan_agreed_on <= program.today
        if checklist.first_meeting_on is not None:
            assert checklist.community_plan_agreed_on is not None
            assert checklist.first_meeting_on > program.today  # booked, not yet happened
    assert any(c.met_on_ward_on and c.community_plan_agreed_on and c.first_meeting_on
               for c in checklists)


def test_daniel_waits_for_a_supporter_and_nothing_says_otherwise(program: DemoContext) -> None:
    daniel: Client = program.data["daniel"]
    assert daniel.enrolments.get().status == EnrolmentStatus.WAITLISTED
    assert not daniel.matches.exists()
    # He may have joined an on-ward group; nobody has met him one to one as his peer yet.
    assert not Contact.objects.filter(client=daniel, is_group=False).exists()
    assert not DischargeChecklist.objects.filter(client=daniel).exclude(
        met_on_ward_on=None, community_plan_agreed_on=None, first_meeting_on=None).exists()
    # Expected home in about ten days: setting the date is the user's step (SCENARIOS.md 2).
    stay = daniel.stays.get(discharged_on__isnull=True)
    assert stay.expected_discharge_on == program.today + timedelta(days=10)
    entries = list(BinderEntry.objects.filter(client=daniel).values_list("text", flat=True))
    assert entries and not any("Jordan" in text for text in entries)


def test_each_feedback_quote_appears_once_and_whole(program: DemoContext) -> None:
    texts = list(Excerpt.objects.values_list("text", flat=True))
    assert len(texts) == len(set(texts)) == sum(len(q) for q in QUOTES.values())
    assert {t for said in QUOTES.values() for _, t in said} == set(texts)  # none redacted
    book = feedback.codebook_for(None)
    rows = feedback.matrix(book, Excerpt.objects.all(), list(ProgramSite.objects.all()))
    assert sum(r.total for r in rows) > 0.7 * len(texts)  # most are coded
    for row in rows:
        assert len(row.exemplars) == len(set(row.exemplars)), row.subtheme
    assert sum(len(r.exemplars) >= 2 for r in rows) >= len(rows) // 2


def test_no_quote_contains_a_name_the_demo_can_give_someone() -> None:
    from bridgeway.demo.outcomes import FAMILY, GIVEN

    names = set(NEUTRAL_NAMES) | set(GIVEN) | set(FAMILY)
    for women, men, families, _lang in NAME_GROUPS:
        names |= set(women) | set(men) | set(families)
    names |= {"Sam", "Okafor", "Morgan", "Fletcher", "Priya", "Raman", "Lee", "Chen", "Robin",
              "Sinclair", "Avery", "Admin", "Jordan", "Mercer", "Alex", "Gagné", "Linda",
              "Morrison", "Daniel", "Tremblay", "Maya", "Leblanc", "Gary", "Wilson", "Trevor",
              "Hughes", "Chloe", "Bennett"}
    pattern = feedback.name_pattern(names)
    assert pattern is not None
    for said in QUOTES.values():
        for _role, text in said:
            assert pattern.search(text) is None, text


def test_contacts_stay_inside_their_match_and_before_today(program: DemoContext) -> None:
    matches = {m.pk: m for m in Match.objects.all()}
    stays: dict[int, list[HospitalStay]] = {}
    for stay in HospitalStay.objects.all():
        stays.setdefault(stay.client_id, []).append(stay)
    count = 0
    for contact in Contact.objects.filter(is_group=False).iterator():
        day = contact.occurred_at.astimezone(TZ).date()
        assert day < program.today
        match = matches[contact.match_id]
        assert match.started_on <= day <= (match.ended_on or program.today)
        if contact.setting == Setting.WARD:
            assert any(s.admitted_on <= day and (s.discharged_on is None or day <= s.discharged_on)
                       for s in stays[contact.client_id])
        count += 1
    assert count > 5000


def test_availability_is_stored_as_the_forms_store_it(program: DemoContext) -> None:
    """Slots are the codes the forms accept; showing them in words is the pages' job."""
    slots = set(AVAILABILITY_SLOTS)
    for availability in SupporterProfile.objects.values_list("availability", flat=True):
        assert availability and set(availability) <= slots
    for availability in Client.objects.exclude(availability=[]).values_list("availability",
                                                                             flat=True):
        assert set(availability) <= slots


def _readmitted_within_30(index: list[tuple[int, Any]], stays: dict[int, list[HospitalStay]],
                          today: Any) -> tuple[int, int]:
    n = hits = 0
    for client_id, discharged in index:
        if discharged is None or discharged > today - timedelta(days=30):
            continue
        n += 1
        hits += any(discharged < s.admitted_on <= discharged + timedelta(days=30)
                    for s in stays[client_id])
    return hits, n


def test_the_program_carries_its_known_effect(program: DemoContext) -> None:
    """docs/outcomes.md: 30-day readmission about 7 % for program clients against about 14 %
    for usual care, and usual care stays about 8 (acute) days longer. Computed here from the
    rows, without the outcomes code, so the design and the measures are checked apart."""
    stays: dict[int, list[HospitalStay]] = {}
    for stay in HospitalStay.objects.select_related("ward"):
        stays.setdefault(stay.client_id, []).append(stay)
    enrolled = set(Enrolment.objects.values_list("client_id", flat=True))
    program_index = [(e.client_id, e.stay.discharged_on)
                     for e in Enrolment.objects.select_related("stay") if e.stay is not None]
    starts = {s.hospital_id: s.program_start_date for s in ProgramSite.objects.all()}
    usual_index = []
    for client_id, client_stays in stays.items():
        if client_id in enrolled:
            continue
        first = min(client_stays, key=lambda s: s.admitted_on)
        start = starts[first.hospital_id]
        if first.discharged_on is not None and start is not None and first.discharged_on >= start:
            usual_index.append((client_id, first.discharged_on))
    p_hits, p_n = _readmitted_within_30(program_index, stays, program.today)
    u_hits, u_n = _readmitted_within_30(usual_index, stays, program.today)
    program_rate, usual_rate = p_hits / p_n, u_hits / u_n
    assert p_n > 400 and u_n > 1000
    assert 0.03 <= program_rate <= 0.11, program_rate
    assert 0.09 <= usual_rate <= 0.19, usual_rate
    assert usual_rate - program_rate >= 0.03
    # Length of stay on acute wards: usual care about 8 days longer.
    def acute_los(index: list[tuple[int, Any]]) -> float:
        days = [(s.discharged_on - s.admitted_on).days for client_id, discharged in index
                for s in stays[client_id] if discharged is not None and s.discharged_on == discharged
                and s.ward.ward_type == Ward.WardType.ACUTE]
        return mean(days)
    assert 4 <= acute_los(usual_index) - acute_los(program_index) <= 12


def test_one_summary_event_and_the_services_own_events(program: DemoContext) -> None:
    events = Counter(AuditEvent.objects.values_list("category", "action"))
    assert events[("demo_data", "generate")] == 1
    # Written through the services, each with its own event.
    assert events[("matching_criteria", "update")] == len(program.data["sites"])
    assert events[("safety", "thresholds")] == len(program.data["sites"])
    assert events[("outcomes", "record_reflection")] > 0
    assert events[("outcomes", "code_excerpt")] > 0
    assert events[("outcomes", "set_per_diem")] == 6


def test_the_matching_scenarios_hold_on_the_whole_program(program: DemoContext) -> None:
    """SCENARIOS.md 1 and 5 after every step has run (check-ins, pauses, alerts included)."""
    from bridgeway.access.policy import Action, authorize
    from bridgeway.matching import services
    from bridgeway.matching.models import Proposal

    sam = program.data["personas"]["coordinator"]
    site = ProgramSite.objects.get(code="riverside")
    actor = authorize(sam, Action.MATCH, site=site)
    services.matching_run(actor=actor, site=site)
    daniel = Proposal.objects.get(status="proposed", enrolment__client=program.data["daniel"])
    assert daniel.supporter.user.username == "jordan"
    maya_match = Match.objects.get(client=program.data["maya"], status="active")
    services.match_end_for_rematch(actor=actor, match=maya_match, reason="no_rapport",
                                   do_not_rematch=True)
    services.matching_run(actor=actor, site=site)
    maya = Proposal.objects.get(status="proposed", enrolment__client=program.data["maya"])
    assert maya.supporter.user.username == "alex"


def test_every_encrypted_column_holds_tokens_and_the_pages_text_reads_back(
        program: DemoContext) -> None:
    """Decision 0020: the demo writes through services and bulk paths alike; no encrypted
    column of the database holds plain text, and the text reads back through the models."""
    from bridgeway.core.encrypted_rows import census, encrypted_tables

    counts = {c.label: c for cols in encrypted_tables() for c in census(cols)}
    assert sum(c.plain for c in counts.values()) == 0
    filled = {label for label, c in counts.items() if c.current}
    assert {"clients.Client.background", "clients.Client.safety_notes",
            "contacts.Contact.note", "safety.BinderEntry.text"} <= filled
    entry = BinderEntry.objects.exclude(text="").first()
    assert entry is not None and not entry.text.startswith("gAAAAA")
