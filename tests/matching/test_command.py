"""`bridgeway match --site SITE [--dry-run]`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bridgeway.matching.models import Proposal
from bridgeway.supporters.models import SupporterProfile
from tests.conftest import World

from .helpers import waiting


def test_dry_run_prints_summary_and_stores_nothing(world: World) -> None:
    waiting(world.site_a)
    waiting(world.site_a, languages=(("pa", "Punjabi"),))
    SupporterProfile.objects.filter(pk=world.other_supporter.pk).update(status="paused")
    out = StringIO()
    call_command("match", "--site", world.site_a.code, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Matched (proposed)" in text and "dry run" in text
    assert "speaks Punjabi" in text
    assert not Proposal.objects.exists()


def test_run_stores_proposals(world: World) -> None:
    waiting(world.site_a)
    out = StringIO()
    call_command("match", "--site", world.site_a.code, "--user", "coord_a", stdout=out)
    assert Proposal.objects.filter(status="proposed").count() == 1
    assert "Mean score" in out.getvalue()


def test_errors_are_clear(world: World) -> None:
    with pytest.raises(CommandError, match="Unknown site"):
        call_command("match", "--site", "nowhere", stdout=StringIO())
    with pytest.raises(CommandError, match="may not run matching"):
        call_command("match", "--site", world.site_a.code, "--user", "staff_a", stdout=StringIO())
