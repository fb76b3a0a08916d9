"""Outcome measures against a hand-computed cohort: every boundary, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bridgeway.outcomes import measures
from bridgeway.outcomes.measures import day_number
from bridgeway.outcomes.models import EDVisit, PerDiem
from tests import factories as f

from .cohort import person, stay

CUT = date(2025, 12, 31)


@pytest.fixture
def cohort(world):
    ward = world.ward_a  # acute, hospital A (site A, program start 2024-01-01)
    other = f.WardFactory(hospital=world.hospital_b, name="B tertiary", ward_type="tertiary")
    c = {}
    c["day30"] = person("Thirty")
    first = stay(c["day30"], ward, date(2024, 3, 1), date(2024, 3, 11))
    stay(c["day30"], ward, date(2024, 4, 10), date(2024, 4, 20))
    f.EnrolmentFactory(client=c["day30"], site=world.site_a, stay=first, status="active",
                       social_relationships="unsatisfied")
    EDVisit.objects.create(client=c["day30"], hospital=world.hospital_a, visited_on=date(2024, 3, 20))
    EDVisit.objects.create(client=c["day30"], hospital=world.hospital_a, visited_on=date(2024, 3, 11))
    EDVisit.objects.create(client=c["day30"], hospital=world.hospital_a, visited_on=date(2024, 3, 25),
                           mental_health=False)
    c["day31"] = person("ThirtyOne")
    stay(c["day31"], ward, date(2024, 3, 1), date(2024, 3, 11))
    stay(c["day31"], ward, date(2024, 4, 11), date(2024, 4, 12))
    c["transfer"] = person("Transfer")
    referral = stay(c["transfer"], ward, date(2024, 3, 1), date(2024, 3, 11))
    f.EnrolmentFactory(client=c["transfer"], site=world.site_a, stay=referral, status="finished")
    stay(c["transfer"], other, date(2024, 3, 11), date(2024, 3, 20))
    stay(c["transfer"], ward, date(2024, 5, 1), date(2024, 5, 3))
    c["short"] = person("Short")
    stay(c["short"], ward, date(2025, 12, 1), date(2025, 12, 11))
    c["exact30"] = person("ExactThirty")
    stay(c["exact30"], ward, date(2025, 11, 20), date(2025, 12, 1))
    c["after_cut"] = person("AfterCut")
    stay(c["after_cut"], ward, date(2025, 12, 10), date(2025, 12, 20))
    stay(c["after_cut"], ward, date(2026, 1, 5), date(2026, 1, 9))
    c["year"] = person("Year")
    stay(c["year"], ward, date(2024, 1, 2), date(2024, 1, 10))
    stay(c["year"], ward, date(2025, 1, 5), date(2025, 1, 20))
    c["before"] = person("Before")
    stay(c["before"], ward, date(2023, 5, 1), date(2023, 5, 21))
    c["declined"] = person("Declined")
    s = stay(c["declined"], ward, date(2024, 6, 1), date(2024, 6, 4))
    f.EnrolmentFactory(client=c["declined"], site=world.site_a, stay=s, status="declined")
    c["open"] = person("StillIn")
    stay(c["open"], ward, date(2025, 12, 1), None)
    return c


def _by_client(frame, client):
    rows = frame[frame.client_id == client.id].sort_values("discharge")
    return [row for _, row in rows.iterrows()]


def test_readmission_day_30_counts_and_day_31_does_not(cohort):
    m = measures.compute(cutoff=CUT)
    first = _by_client(m, cohort["day30"])[0]
    assert first.days_to_readmission == 30 and first.readmitted == 1
    assert first.readmit_30 == 1 and first.readmit_90 == 1
    other = _by_client(m, cohort["day31"])[0]
    assert other.days_to_readmission == 31
    assert other.readmit_30 == 0 and other.readmit_90 == 1 and other.readmit_365 == 1


def test_same_day_transfer_is_one_episode_not_a_readmission(cohort):
    m = measures.compute(cutoff=CUT)
    rows = _by_client(m, cohort["transfer"])
    assert len(rows) == 2  # the transferred-out stay is not an index discharge
    episode = rows[0]
    assert measures.from_day_number(episode.discharge) == date(2024, 3, 20)
    assert measures.from_day_number(episode.episode_start) == date(2024, 3, 1)
    assert episode.los == 19
    assert episode.days_to_readmission == (date(2024, 5, 1) - date(2024, 3, 20)).days
    assert episode.readmit_30 == 0 and episode.readmit_90 == 1
    # Referred during the first stay of the episode: the episode is the program's.
    assert episode.arm == "program" and episode.ward_type == "tertiary"
    # Cost spans both wards: 10 acute days + 9 tertiary days at the defaults.
    assert episode.episode_cost == pytest.approx(10 * 1100 + 9 * 750)


def test_censoring_at_cutoff_and_unknown_flags(cohort):
    m = measures.compute(cutoff=CUT)
    short = _by_client(m, cohort["short"])[0]
    assert short.follow_days == 20 and short.readmitted == 0 and short.days_to_readmission == 20
    assert short.readmit_30 is None or short.readmit_30 != short.readmit_30  # NULL / NaN
    exact = _by_client(m, cohort["exact30"])[0]
    assert exact.follow_days == 30 and exact.readmit_30 == 0
    after = _by_client(m, cohort["after_cut"])
    assert len(after) == 1  # the admission after the cut-off does not exist yet
    assert after[0].readmitted == 0 and after[0].days_to_readmission == 11
    assert not (m.client_id == cohort["open"].id).any()  # still in hospital: no index discharge


def test_bed_days_ed_visits_and_community_days(cohort):
    m = measures.compute(cutoff=CUT)
    first = _by_client(m, cohort["day30"])[0]
    assert first.bed_days_after == 10
    assert first.community_days == 365 - 10
    assert first.ed_visits_after == 1 and first.ed_visits_30 == 1  # same-day and non-MH excluded
    assert first.cost_after == pytest.approx(10 * 1100)
    year = _by_client(m, cohort["year"])[0]
    # Readmitted on day 361; only the days up to day 365 count as bed-days after discharge.
    assert year.days_to_readmission == 361 and year.readmit_90 == 0 and year.readmit_365 == 1
    assert year.bed_days_after == 4


def test_arms(cohort, world):
    m = measures.compute(cutoff=CUT)
    arm = {c: _by_client(m, cohort[c])[0].arm for c in ("day30", "day31", "before", "declined")}
    assert arm == {"day30": "program", "day31": "usual_care", "before": "before",
                   "declined": "usual_care"}
    program = _by_client(m, cohort["day30"])
    assert program[0].social == "unsatisfied" and program[0].first_in_arm == 1
    assert program[1].arm == "other"  # an enrolled client's later stay is not usual care
    assert int(program[0].age_days) == day_number(date(2024, 3, 1)) - day_number(date(1980, 1, 1))


def test_per_diem_override_and_site_filter(cohort, world):
    PerDiem.objects.create(hospital=world.hospital_a, ward_type="acute", amount=Decimal("2000"))
    m = measures.compute(cutoff=CUT, site_ids=[world.site_a.id])
    first = _by_client(m, cohort["day30"])[0]
    assert first.episode_cost == pytest.approx(20000)
    assert set(m.site_id) == {world.site_a.id}
    assert measures.compute(cutoff=CUT, site_ids=[]).empty
