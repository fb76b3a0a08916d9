"""The demo's matching scenarios (SCENARIOS.md 1 and 5) hold on the generated program."""

from __future__ import annotations

import pytest

from bridgeway.access.policy import Action, authorize
from bridgeway.clients.models import Match
from bridgeway.core.models import ProgramSite
from bridgeway.demo.run import run_demo
from bridgeway.matching import services
from bridgeway.matching.models import MatchingCriteria, Proposal
from bridgeway.matching.selectors import explain_proposals

pytestmark = pytest.mark.django_db


def test_sam_runs_matching_jordan_for_daniel_then_alex_for_maya() -> None:
    ctx = run_demo(1, until="matching").context
    assert MatchingCriteria.objects.count() == len(ctx.data["sites"])
    sam = ctx.data["personas"]["coordinator"]
    site = ProgramSite.objects.get(code="riverside")
    actor = authorize(sam, Action.MATCH, site=site)

    services.matching_run(actor=actor, site=site)
    daniel = Proposal.objects.get(status="proposed", enrolment__client__given_name="Daniel")
    assert daniel.supporter.user.first_name == "Jordan"
    reason = explain_proposals([daniel])[daniel.pk]["reason"]
    assert reason.startswith("both men; both in their 40s; both like fishing; ")
    assert reason.endswith(" km apart")

    maya_match = Match.objects.get(client__given_name="Maya", status="active")
    services.match_end_for_rematch(actor=actor, match=maya_match, reason="no_rapport",
                                   do_not_rematch=True)
    services.matching_run(actor=actor, site=site)
    maya = Proposal.objects.get(status="proposed", enrolment__client__given_name="Maya")
    assert maya.supporter.user.first_name == "Alex"
    reason = explain_proposals([maya])[maya.pk]["reason"]
    assert reason.startswith("both in their 20s; both into art")
    assert "both speak French" in reason
    assert maya.supporter != maya_match.supporter
