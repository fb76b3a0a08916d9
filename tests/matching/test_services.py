"""Workflow services: run, approve, reject, swap, re-match; notices; audit."""

from __future__ import annotations

from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Match
from bridgeway.matching import services
from bridgeway.matching.models import MatchingCriteria, MatchingRun, MatchNotice, Proposal
from bridgeway.matching.selectors import explain_proposals
from bridgeway.supporters.models import SupporterProfile
from tests import factories as f
from tests.conftest import World

from .helpers import areas, coordinator, supporter, waiting


@pytest.fixture
def setup(world: World) -> World:
    areas()
    # Jordan already supports Daniel (client_a); give him fishing, one more free place.
    world.supporter.languages.set([f.language("en", "English")])
    SupporterProfile.objects.filter(pk=world.supporter.pk).update(max_active_clients=2)
    SupporterProfile.objects.filter(pk=world.other_supporter.pk).update(status="left")
    return world


def test_run_proposes_for_the_waitlist_and_explains(setup: World) -> None:
    w = setup
    alex = supporter(w.site_a, w, interests=("Art",), gender="woman",
                     languages=(("en", "English"), ("fr", "French")))
    maya = waiting(w.site_a, gender="woman", interests=("Art",),
                   languages=(("en", "English"), ("fr", "French")))
    outcome = services.matching_run(actor=coordinator(w), site=w.site_a)
    assert outcome.run is not None
    proposal = Proposal.objects.get(enrolment=maya)
    assert proposal.supporter == alex
    assert proposal.status == Proposal.Status.PROPOSED
    assert proposal.reason == ""  # derived when shown, stored when decided
    shown = explain_proposals([proposal])[proposal.pk]
    assert "both women" in shown["reason"] and "both into art" in shown["reason"]
    assert "both speak French" in shown["reason"]
    assert set(proposal.contributions) >= {"interests", "age", "gender"}
    assert proposal.score == pytest.approx(sum(proposal.contributions.values()), abs=0.05)
    assert shown["alts"] and shown["alts"][0]["supporter"] == str(w.supporter.public_id)
    assert shown["alts"][0]["score"] < proposal.score and shown["alts"][0]["reason"]
    assert outcome.summary["matched"] == 1
    event = AuditEvent.objects.filter(action="propose").latest("seq")
    assert str(maya.client.public_id) in event.subjects


def test_rerun_supersedes_open_proposals(setup: World) -> None:
    w = setup
    waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    assert Proposal.objects.filter(status="proposed").count() == 1
    assert Proposal.objects.filter(status="superseded").count() == 1


def test_unmatched_client_gets_the_blocking_reason(setup: World) -> None:
    w = setup
    waiting(w.site_a, languages=(("pa", "Punjabi"),))
    e = waiting(w.site_a)
    e.client.pref_language = f.language("pa", "Punjabi")
    e.client.pref_language_strength = "required"
    e.client.save()
    outcome = services.matching_run(actor=coordinator(w), site=w.site_a)
    reasons = [reason for _k, _c, reason in outcome.unmatched]
    assert "no supporter with a free place at Riverside TDM speaks Punjabi" in reasons
    assert outcome.run is not None and outcome.run.unmatched.count() == 2


def test_paused_supporter_gets_no_new_proposal(setup: World) -> None:
    w = setup
    waiting(w.site_a)
    SupporterProfile.objects.filter(pk=w.supporter.pk).update(status="paused")
    outcome = services.matching_run(actor=coordinator(w), site=w.site_a)
    assert outcome.summary["matched"] == 0
    assert outcome.unmatched[0][1] == "status"


def test_criteria_switch_changes_the_run(setup: World) -> None:
    w = setup
    waiting(w.site_a, languages=(("fr", "French"),))
    assert services.matching_run(actor=coordinator(w), site=w.site_a).summary["matched"] == 0
    services.criteria_update(actor=coordinator(w), site=w.site_a,
                             fields={"require_shared_language": False})
    assert MatchingCriteria.objects.get(site=w.site_a).require_shared_language is False
    assert services.matching_run(actor=coordinator(w), site=w.site_a).summary["matched"] == 1


@pytest.mark.postgres
def test_a_stored_run_commits_asynchronously_a_dry_run_does_not(setup: World) -> None:
    """Decision 0018: a run that stores proposals does not wait for its WAL flush; the
    setting is local to its transaction (here the test's), so nothing else is affected."""
    assert connection.vendor == "postgresql"
    w = setup
    waiting(w.site_a)

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    services.matching_run(actor=coordinator(w), site=w.site_a, dry_run=True)
    assert setting() == "on"
    services.matching_run(actor=coordinator(w), site=w.site_a)
    assert setting() == "off"


def test_dry_run_stores_nothing(setup: World) -> None:
    w = setup
    waiting(w.site_a)
    outcome = services.matching_run(actor=coordinator(w), site=w.site_a, dry_run=True)
    assert outcome.summary["matched"] == 1
    assert not MatchingRun.objects.exists() and not Proposal.objects.exists()


def test_approve_creates_match_notice_and_status(setup: World) -> None:
    w = setup
    e = waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    proposal = Proposal.objects.get(enrolment=e)
    match = services.proposal_approve(actor=coordinator(w), proposal=proposal)
    proposal.refresh_from_db()
    e.refresh_from_db()
    assert proposal.status == "approved" and proposal.match == match
    assert proposal.reason  # the reason the coordinator read is kept with the decision
    assert proposal.decided_by == w.coord_a and proposal.decided_at is not None
    assert e.status == "matched"
    assert MatchNotice.objects.filter(supporter=w.supporter, match=match).exists()
    assert AuditEvent.objects.filter(action="approve_proposal").exists()
    with pytest.raises(ValidationError):
        services.proposal_approve(actor=coordinator(w), proposal=proposal)


def test_approve_puts_the_new_match_in_the_supporters_inbox(setup: World) -> None:
    from bridgeway.safety.models import Notification

    w = setup
    e = waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    match = services.proposal_approve(actor=coordinator(w),
                                      proposal=Proposal.objects.get(enrolment=e))
    notice = Notification.objects.get(kind="match_new")
    assert notice.recipient == w.supporter.user  # only the supporter, not the coordinator
    assert notice.title == f"New match: {match.client.first_name_initial}"
    assert notice.url == f"/clients/{match.client.public_id}/"
    assert notice.read_at is None


def test_approve_never_overfills(setup: World) -> None:
    w = setup
    a, b = waiting(w.site_a), waiting(w.site_a)
    run = MatchingRun.objects.create(site=w.site_a)
    p1, p2 = (Proposal.objects.create(run=run, enrolment=e, supporter=w.supporter, site=w.site_a,
                                      score=1.0) for e in (a, b))
    services.proposal_approve(actor=coordinator(w), proposal=p1)
    with pytest.raises(ValidationError):
        services.proposal_approve(actor=coordinator(w), proposal=p2)
    assert Match.objects.filter(supporter=w.supporter, status="active").count() == 2
    p2.refresh_from_db()
    assert p2.status == "proposed"


def test_reject(setup: World) -> None:
    w = setup
    waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    proposal = Proposal.objects.get(status="proposed")
    services.proposal_reject(actor=coordinator(w), proposal=proposal, note="client unsure")
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.decision_note == "client unsure"
    assert not Match.objects.filter(enrolment=proposal.enrolment).exists()


def test_swap_approves_an_alternative(setup: World) -> None:
    w = setup
    alex = supporter(w.site_a, w, gender="woman")
    e = waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    proposal = Proposal.objects.get(enrolment=e)
    alternatives = explain_proposals([proposal])[proposal.pk]["alts"]
    alternative = next(a["supporter"] for a in alternatives
                       if a["supporter"] != str(proposal.supporter.public_id))
    match = services.proposal_swap(actor=coordinator(w), proposal=proposal,
                                   supporter_key=alternative)
    proposal.refresh_from_db()
    assert str(match.supporter.public_id) == alternative
    assert proposal.status == "approved" and proposal.supporter == match.supporter
    assert "Swapped from" in proposal.decision_note
    assert proposal.contributions and proposal.score == next(
        a["score"] for a in alternatives if a["supporter"] == alternative)
    assert proposal.reason  # stored with the decision
    assert {alex.public_id, w.supporter.public_id} >= {match.supporter.public_id}
    with pytest.raises(ValidationError):
        services.proposal_swap(actor=coordinator(w), proposal=proposal, supporter_key="nobody")


def test_rematch_puts_client_back_with_priority_and_never_same_pair(setup: World) -> None:
    w = setup
    SupporterProfile.objects.filter(pk=w.supporter.pk).update(max_active_clients=3)
    w.enrolment_a.refresh_from_db()
    ended = services.match_end_for_rematch(actor=coordinator(w), match=w.match_a,
                                           reason="no_rapport", do_not_rematch=True)
    assert ended.status == "ended" and ended.do_not_rematch
    w.enrolment_a.refresh_from_db()
    assert w.enrolment_a.status == "waitlisted" and w.enrolment_a.priority
    outcome = services.matching_run(actor=coordinator(w), site=w.site_a)
    assert outcome.summary["matched"] == 0
    assert outcome.unmatched[0][1] == "do_not_rematch"
    with pytest.raises(ValidationError):
        services.match_end_for_rematch(actor=coordinator(w), match=ended, reason="completed")


def _events_after(last_id: int) -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.filter(seq__gt=last_id).order_by("seq").values_list(
        "category", "action", "detail"))


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_one_approval_writes_one_audit_event_per_thing_that_happened(setup: World) -> None:
    w = setup
    e = waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    proposal = Proposal.objects.get(enrolment=e)
    last = _last_event_id()
    match = services.proposal_approve(actor=coordinator(w), proposal=proposal)
    events = _events_after(last)
    # the match made (the client now matched), and the decision (notice, superseded)
    assert [(c, a) for c, a, _d in events] == [("match", "create"), ("match", "approve_proposal")]
    assert f"match:{match.public_id}" in events[0][2] and "waitlisted->matched" in events[0][2]
    assert f"proposal:{proposal.public_id}" in events[1][2]
    assert "supporter_notified superseded:0" in events[1][2]
    assert MatchNotice.objects.filter(match=match).count() == 1


def test_manual_match_notifies_and_supersedes(setup: World) -> None:
    w = setup
    e = waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    last = _last_event_id()
    match = services.match_by_hand(actor=coordinator(w), enrolment=e, supporter=w.supporter)
    assert Proposal.objects.get(enrolment=e).status == "superseded"
    assert MatchNotice.objects.filter(match__enrolment=e).count() == 1
    events = _events_after(last)
    assert [(c, a) for c, a, _d in events] == [("match", "create"), ("match", "notify_supporter")]
    assert f"match:{match.public_id} superseded:1" in events[1][2]


def test_clients_match_create_does_not_call_back_into_matching(setup: World) -> None:
    """The flow is explicit: creating a match in clients writes no matching rows; the
    matching services that call it do that themselves."""
    from bridgeway.clients.services import match_create
    from bridgeway.core import events

    w = setup
    e = waiting(w.site_a)
    services.matching_run(actor=coordinator(w), site=w.site_a)
    match_create(actor=coordinator(w), enrolment=e, supporter=w.supporter)
    assert not MatchNotice.objects.filter(match__enrolment=e).exists()
    assert Proposal.objects.get(enrolment=e).status == "proposed"
    reactions = [h for handlers in events._handlers.values() for h in handlers]
    assert reactions and not [h for h in reactions if h.__module__.startswith("bridgeway.matching")]
    # The inbox entry comes from matching's own announcement, not from clients.
    from bridgeway.safety.models import Notification
    assert not Notification.objects.filter(kind="match_new").exists()


def test_loaded_inputs_match_the_records(setup: World) -> None:
    from bridgeway.clients.models import Enrolment
    from bridgeway.matching.selectors import load_inputs

    w = setup
    e = waiting(w.site_a, interests=("Fishing",), availability=["tue-pm", "wed-am"],
                languages=(("fr", "French"),))
    SupporterProfile.objects.filter(pk=w.supporter.pk).update(availability=["tue-pm"])
    inputs = load_inputs(Enrolment.objects.filter(pk=e.pk), [w.site_a])
    client = inputs.clients[0]
    assert client.availability == frozenset({"tue-pm", "wed-am"})
    assert client.interests == frozenset({"Fishing"})
    assert client.languages == frozenset({"French"})
    assert client.age == e.client.age_on(__import__("datetime").date.today())
    jordan = next(s for s in inputs.supporters if s.key == str(w.supporter.public_id))
    assert jordan.availability == frozenset({"tue-pm"})
    assert jordan.free_places == 1 and jordan.languages == frozenset({"English"})


def test_run_for_one_client_only(setup: World) -> None:
    w = setup
    one, other = waiting(w.site_a), waiting(w.site_a)
    outcome = services.matching_run(actor=coordinator(w), site=w.site_a, enrolment=one)
    assert outcome.summary["clients"] == 1
    assert Proposal.objects.filter(enrolment=one, status="proposed").exists()
    assert not Proposal.objects.filter(enrolment=other).exists()
    with pytest.raises(ValidationError):  # already matched: not waiting
        services.matching_run(actor=coordinator(w), site=w.site_a, enrolment=w.enrolment_a)
    with pytest.raises(ValidationError):  # enrolled at another site
        services.matching_run(actor=coordinator(w), site=w.site_a, enrolment=w.enrolment_b)


def test_columnar_load_equals_the_per_object_load(setup: World) -> None:
    """The run's columnar loader (numpy straight from the rows) gives the engine exactly what
    the per-object loader gives it, including odd availability values and preferences."""
    from datetime import date

    import numpy as np
    from django.utils import timezone

    from bridgeway.matching import engine
    from bridgeway.matching.selectors import criteria_for_site, load_columns, load_inputs, waitlist

    w = setup
    supporter(w.site_a, w, interests=("Art", "Fishing"), gender="woman",
              languages=(("en", "English"), ("fr", "French")), availability=["tue-pm", "sat-am"])
    waiting(w.site_a, interests=("Fishing", "Art"), availability=["tue-pm", "custom-slot"],
            languages=(("fr", "French"),), pref_age_min=20, pref_age_max=50,
            pref_age_strength="required", gender="woman")
    e = waiting(w.site_a, days=90, availability=[], pref_gender="woman",
                pref_gender_strength="preferred")
    e.client.pref_language = f.language("pa", "Punjabi")
    e.client.pref_language_strength = "required"
    e.client.save()
    waiting(w.site_a, date_of_birth=date(1990, 2, 28), home_fsa="K1A")
    # the site requires a training that only Jordan holds (another, expired, does not count)
    from bridgeway.core.models import TrainingModule
    from bridgeway.supporters.models import TrainingRecord

    module = TrainingModule.objects.create(code="tdm-core", name="TDM core")
    w.site_a.required_training.add(module)
    TrainingRecord.objects.create(supporter=w.supporter, module=module,
                                  completed_on=date(2020, 1, 1))
    TrainingRecord.objects.create(supporter=w.other_supporter, module=module,
                                  completed_on=date(2020, 1, 1), expires_on=date(2021, 1, 1))
    criteria = criteria_for_site(w.site_a)
    now, today = timezone.now(), timezone.localdate()
    cols = load_columns(waitlist(w.site_a), [w.site_a], criteria, today=today, now=now)
    inputs = load_inputs(waitlist(w.site_a), [w.site_a], today=today, now=now)
    pool = engine.encode(inputs.clients, inputs.supporters, criteria)
    loaded = cols.pool
    assert loaded.clients.key == pool.clients.key and loaded.supporters.key == pool.supporters.key
    for side, names in ((("clients"), ("age", "lat", "waiting_days", "age_min", "age_max")),
                        (("supporters"), ("age", "lat"))):
        for name in names:
            np.testing.assert_allclose(getattr(getattr(loaded, side), name),
                                       getattr(getattr(pool, side), name), equal_nan=True)
    for side, names in (("supporters", ("free_places", "free_by_hours", "active", "trained",
                                        "paid")),
                        ("clients", ("priority", "requires_gender", "requires_age_range",
                                     "requires_language", "speaks_any_language"))):
        for name in names:
            assert np.array_equal(getattr(getattr(loaded, side), name),
                                  getattr(getattr(pool, side), name)), name
    by_columns = engine.run_pool(loaded, criteria)
    by_objects = engine.run_pool(pool, criteria)
    assert by_columns.scored is not None and by_objects.scored is not None
    assert np.array_equal(by_columns.scored.pairs.client, by_objects.scored.pairs.client)
    assert np.array_equal(by_columns.scored.pairs.supporter, by_objects.scored.pairs.supporter)
    np.testing.assert_allclose(by_columns.scored.score, by_objects.scored.score)
    assert by_columns.objective == by_objects.objective
    assert np.array_equal(by_columns.chosen, by_objects.chosen)
    assert by_columns.unmatched == by_objects.unmatched
    assert {u.code for u in by_columns.unmatched} >= {"language_required", "distance"}
    trained = dict(zip(loaded.supporters.key, loaded.supporters.trained.tolist(), strict=True))
    assert trained[str(w.supporter.public_id)] and not trained[str(w.other_supporter.public_id)]


def test_site_without_supporters_reports_every_client(setup: World) -> None:
    from bridgeway.core.models import ProgramSite

    w = setup
    empty = cast(ProgramSite, f.SiteFactory())
    waiting(empty), waiting(empty, languages=(("fr", "French"),))
    outcome = services.matching_run(actor=coordinator(w), site=empty)
    assert outcome.summary["matched"] == 0 and outcome.summary["clients"] == 2
    assert [code for _k, code, _r in outcome.unmatched] == ["site", "site"]
    assert outcome.run is not None and outcome.run.unmatched.count() == 2
    assert not Proposal.objects.filter(site=empty).exists()
