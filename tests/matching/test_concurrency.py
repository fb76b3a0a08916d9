"""Two coordinators approve at the same moment: a supporter is never pushed over capacity."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from bridgeway.clients.models import Match
from bridgeway.matching import services
from bridgeway.matching.models import MatchingRun, Proposal
from bridgeway.supporters.models import SupporterProfile
from tests.conftest import World

from .helpers import coordinator, waiting


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_overfill(world: World) -> None:
    assert connection.vendor == "postgresql"
    w = world
    # Jordan has one active client (Daniel) and room for exactly one more.
    SupporterProfile.objects.filter(pk=w.supporter.pk).update(max_active_clients=2)
    run = MatchingRun.objects.create(site=w.site_a)
    proposals = [Proposal.objects.create(run=run, enrolment=waiting(w.site_a), supporter=w.supporter,
                                         site=w.site_a, score=50.0) for _ in range(4)]
    barrier = threading.Barrier(len(proposals))
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(proposal: Proposal) -> None:
        try:
            barrier.wait(timeout=10)
            services.proposal_approve(actor=coordinator(w), proposal=proposal)
            result = "approved"
        except ValidationError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(p,)) for p in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused", "refused", "refused"]
    assert Match.objects.filter(supporter=w.supporter, status="active").count() == 2
    assert Proposal.objects.filter(status="approved").count() == 1
    assert Proposal.objects.filter(status="proposed").count() == 3
