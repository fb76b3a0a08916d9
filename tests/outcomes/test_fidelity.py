"""Fidelity components per client and implementation per ward and quarter, hand-checked."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bridgeway.contacts.models import Contact
from bridgeway.outcomes import analysis, fidelity
from bridgeway.safety.models import Bridging
from tests import factories as f

from .cohort import person, stay

TZ = ZoneInfo("America/Toronto")
CUT = date(2025, 12, 31)


def contact(world, client, day: date, setting: str, minutes: int = 60, outcome: str = "met"):
    return Contact.objects.create(
        client=client, supporter=world.supporter, site=world.site_a,
        occurred_at=datetime(day.year, day.month, day.day, 14, 0, tzinfo=TZ),
        duration_minutes=minutes, setting=setting, outcome=outcome, logged_by=world.coord_a)


@pytest.fixture
def program(world):
    good, poor, other = person("Good"), person("Poor"), person("Usual")
    s1 = stay(good, world.ward_a, date(2024, 3, 1), date(2024, 3, 11))
    e1 = f.EnrolmentFactory(client=good, site=world.site_a, stay=s1, status="active",
                            referred_on=date(2024, 3, 2))
    f.MatchFactory(enrolment=e1, supporter=world.supporter, started_on=date(2024, 3, 5))
    contact(world, good, date(2024, 3, 6), "ward")
    for week in range(12):
        contact(world, good, date(2024, 3, 15) + timedelta(days=7 * week), "community")
    contact(world, good, date(2024, 3, 12), "community", outcome="no_show")
    Bridging.objects.create(client=good, stay=s1, staff=world.staff_a, started_on=date(2024, 3, 8),
                            established_on=date(2024, 4, 2))
    s2 = stay(poor, world.ward_a, date(2024, 3, 1), date(2024, 3, 11))
    e2 = f.EnrolmentFactory(client=poor, site=world.site_a, stay=s2, status="active",
                            referred_on=date(2024, 3, 2))
    f.MatchFactory(enrolment=e2, supporter=world.supporter, started_on=date(2024, 3, 20))
    contact(world, poor, date(2024, 3, 25), "community", minutes=30)
    stay(other, world.ward_a, date(2024, 3, 2), date(2024, 3, 12))
    return good, poor


def program_fidelity(world):
    filters = analysis.Filters(sites=[world.site_a], start=date(2024, 1, 1), end=CUT, today=CUT)
    result, _raw = analysis.compute(filters)
    return result, fidelity.per_client(fidelity.episodes_of(result.program), cutoff=CUT)


def test_components_per_client(program, world):
    good, poor = program
    fid = program_fidelity(world)[1].set_index("client_id")
    g = fid.loc[good.id]
    assert (g.matched_before_discharge, g.on_ward_contact, g.community_within_7,
            g.weekly_commitment, g.bridging, g.score) == (1, 1, 1, 1, 1, 1)
    p = fid.loc[poor.id]
    assert (p.matched_before_discharge, p.on_ward_contact, p.community_within_7,
            p.weekly_commitment, p.bridging) == (0, 0, 0, 0, 0)
    assert p.score == 0


def test_bridging_not_recorded_is_left_out(program, world):
    Bridging.objects.all().delete()
    fid = program_fidelity(world)[1].set_index("client_id")
    good, _ = program
    assert fid.loc[good.id].bridging != fid.loc[good.id].bridging  # NaN: not recorded
    assert fid.loc[good.id].score == 1


def test_per_ward_quarter(program, world):
    result, fid = program_fidelity(world)
    e = result.prepared.groups.episodes
    eligible = e[e.eligible & e.end.notna()].rename(columns={"end": "discharge"})
    wq = fidelity.per_ward_quarter(eligible, fid)
    row = wq[(wq.ward_id == world.ward_a.id) & (wq.quarter == "2024Q1")].iloc[0]
    assert row.discharges == 3 and row.program == 2
    assert row.reach == pytest.approx(2 / 3)
    assert row.score == pytest.approx(0.5)
    assert row.matched_before_discharge == pytest.approx(0.5)
