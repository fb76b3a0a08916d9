"""Measures and groups from the database (SQLite and PostgreSQL): the tables `data.load`
reads, through the same pipeline as the dashboard, against a hand-computed cohort."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bridgeway.core.actors import Actor
from bridgeway.outcomes import analysis, data, services
from bridgeway.outcomes.data import day_number
from bridgeway.outcomes.models import EDVisit, PerDiem
from tests import factories as f

from .cohort import person, stay

TODAY = date(2025, 12, 31)


@pytest.fixture
def cohort(world):
    ward = world.ward_a  # acute, hospital A (site A, program start 2024-01-01)
    other = f.WardFactory(hospital=world.hospital_a, name="A tertiary", ward_type="tertiary")
    c = {}
    c["day30"] = person("Thirty")
    first = stay(c["day30"], ward, date(2024, 3, 1), date(2024, 3, 11))
    stay(c["day30"], ward, date(2024, 4, 10), date(2024, 4, 20))
    f.EnrolmentFactory(client=c["day30"], site=world.site_a, stay=first, status="active",
                       social_relationships="unsatisfied", referred_on=date(2024, 3, 2))
    EDVisit.objects.create(client=c["day30"], hospital=world.hospital_a, visited_on=date(2024, 3, 20))
    EDVisit.objects.create(client=c["day30"], hospital=world.hospital_a, visited_on=date(2024, 3, 11))
    c["day31"] = person("ThirtyOne")
    stay(c["day31"], ward, date(2024, 3, 1), date(2024, 3, 11))
    stay(c["day31"], ward, date(2024, 4, 11), date(2024, 4, 12))
    c["transfer"] = person("Transfer")
    referral = stay(c["transfer"], ward, date(2024, 3, 1), date(2024, 3, 11))
    f.EnrolmentFactory(client=c["transfer"], site=world.site_a, stay=referral, status="finished",
                       referred_on=date(2024, 3, 3))
    stay(c["transfer"], other, date(2024, 3, 11), date(2024, 3, 20))
    c["straddle"] = person("Straddle")
    stay(c["straddle"], ward, date(2023, 10, 1), date(2024, 2, 1))
    c["later"] = person("Later")  # usual care at the first stay, referred at the readmission
    stay(c["later"], ward, date(2024, 5, 1), date(2024, 5, 10))
    again = stay(c["later"], ward, date(2024, 9, 1), date(2024, 9, 12))
    f.EnrolmentFactory(client=c["later"], site=world.site_a, stay=again, status="active",
                       referred_on=date(2024, 9, 2))
    c["declined"] = person("Declined")
    s = stay(c["declined"], ward, date(2024, 6, 1), date(2024, 6, 4))
    f.EnrolmentFactory(client=c["declined"], site=world.site_a, stay=s, status="declined",
                       referred_on=date(2024, 6, 1))
    c["short"] = person("Short")
    stay(c["short"], ward, date(2025, 12, 1), date(2025, 12, 11))
    stay(c["short"], ward, date(2025, 12, 15), None)
    return c


def compute(world, **kw):
    filters = analysis.Filters(sites=[world.site_a], scope=[world.site_a],
                               start=date(2024, 1, 1), end=TODAY, today=TODAY, **kw)
    result, _raw = analysis.compute(filters)
    return result


def row(result, client):
    c = result.prepared.cohort
    rows = c[c.client_id == client.id]
    assert len(rows) == 1, f"{client} has {len(rows)} index rows"
    return rows.iloc[0]


def test_boundaries_and_groups(cohort, world):
    result = compute(world)
    day30, day31 = row(result, cohort["day30"]), row(result, cohort["day31"])
    assert (day30.arm, day30.days_to_readmission, day30.readmit_30) == ("program", 30, 1)
    assert (day31.arm, day31.days_to_readmission, day31.readmit_30) == ("usual_care", 31, 0)
    assert day30.ed_30 == 1  # the same-day visit belongs to the stay
    assert day30.social == "unsatisfied"
    t = row(result, cohort["transfer"])
    assert t.arm == "program" and t.los == 19 and t.cost == pytest.approx(10 * 1100 + 9 * 750)
    assert row(result, cohort["declined"]).arm == "program"  # intention to treat
    later = row(result, cohort["later"])
    assert later.arm == "usual_care" and later.crossover
    straddle = row(result, cohort["straddle"])
    assert straddle.arm == "before"  # by admission date; shown apart too
    assert cohort["straddle"].id in set(result.prepared.groups.straddling.client_id)
    short = row(result, cohort["short"])
    assert short.readmitted == 1 and short.readmit_30 != short.readmit_30  # NaN: 20 days only


def test_declared_data_end_censors_follow_up(cohort, world):
    services.coverage_declare(actor=Actor.system("test"), source="stays",
                              hospital=world.hospital_a, period_start=date(2020, 1, 1),
                              period_end=TODAY, complete_up_to=date(2024, 4, 30))
    result = compute(world)
    day30 = row(result, cohort["day30"])
    assert day30.readmit_30 == 1 and day30.follow_days == (date(2024, 4, 30) - date(2024, 3, 11)).days
    assert row(result, cohort["day31"]).readmit_30 == 0
    # Admitted after the data end: not known yet, in no group.
    assert cohort["later"].id not in set(result.prepared.cohort.client_id)
    assert result.results["coverage"]["stays_end"] == day_number(date(2024, 4, 30))


def test_per_diem_override_and_the_loader_on_both_databases(cohort, world):
    PerDiem.objects.create(hospital=world.hospital_a, ward_type="acute", amount=Decimal("2000"))
    result = compute(world)
    assert row(result, cohort["day30"]).cost == pytest.approx(20000)
    raw = data.load([world.site_a], today=TODAY)
    assert set(raw.stays.columns) >= {"stay_id", "admitted", "discharged", "ward_type"}
    assert raw.stays["admitted"].dtype.kind == "i" and raw.stays["discharged"].dtype.kind == "f"
    assert raw.ed["mental_health"].dtype == bool
    assert len(raw.history) >= 0 and set(raw.current.columns) == {"enrolment_id", "day", "status"}
