"""The README's walk on an empty database: every sample file imports cleanly, in order, and
the evaluation then has both arms (program referrals and usual care) in the program period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from bridgeway.clients.models import Enrolment, Match
from bridgeway.core.models import ProgramSite
from bridgeway.outcomes.analysis.core import Filters, compute
from bridgeway.supporters.models import TrainingRecord

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
ORDER = ("clients", "stays", "ed_visits", "supporters", "training", "enrolments", "matches")


@pytest.mark.django_db
def test_the_samples_import_in_order_and_fill_both_arms(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("loaddata", str(SAMPLES / "reference.json"), verbosity=0)
    for kind in ORDER:
        extra = ["--complete-up-to", "2026-10-31"] if kind in {"stays", "ed_visits"} else []
        call_command("import", kind, str(SAMPLES / f"{kind}.csv"), "--source", "riverside-his",
                     *extra)
        out = capsys.readouterr().out
        assert "refused" not in out.lower(), (kind, out)
    assert Enrolment.objects.count() == 22 and Match.objects.count() == 20
    assert TrainingRecord.objects.count() == 4
    site = ProgramSite.objects.get(code="riverside")
    result, _raw = compute(Filters(sites=[site], start=date(2024, 1, 1), end=date(2026, 10, 31),
                                   today=date(2026, 12, 1)))
    arms = result.prepared.cohort["arm"].value_counts().to_dict()
    assert arms.get("program", 0) == 22 and arms.get("usual_care", 0) >= 5, arms
    # Importing every file again changes nothing.
    for kind in ORDER:
        call_command("import", kind, str(SAMPLES / f"{kind}.csv"), "--source", "riverside-his")
    assert Enrolment.objects.count() == 22 and Match.objects.count() == 20
