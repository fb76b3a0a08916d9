"""Episodes and what follows each discharge: every boundary, on hand-built tables (pure)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bridgeway.outcomes.data import day_number as dn
from bridgeway.outcomes.stats.episodes import Coverage, build_episodes, ed_visits

from .tables import TERTIARY_WARD, Tables

END = date(2025, 12, 31)
NO_PER_DIEM = pd.DataFrame(columns=["hospital_id", "ward_type", "amount"])


def episodes(t: Tables, end: date = END) -> pd.DataFrame:
    cov = Coverage(stays_end=dn(end), ed_end=dn(end))
    return build_episodes(pd.DataFrame(t.stays), NO_PER_DIEM, cov)[1]


def by_client(ep: pd.DataFrame, client: int) -> list[pd.Series]:
    return [r for _, r in ep[ep.client_id == client].sort_values("start").iterrows()]


def test_day_30_counts_and_day_31_does_not():
    t = Tables()
    t.stay(1, date(2024, 3, 1), date(2024, 3, 11))
    t.stay(1, date(2024, 4, 10), date(2024, 4, 20))  # day 30
    t.stay(2, date(2024, 3, 1), date(2024, 3, 11))
    t.stay(2, date(2024, 4, 11), date(2024, 4, 12))  # day 31
    ep = episodes(t)
    a, b = by_client(ep, 1)[0], by_client(ep, 2)[0]
    assert (a.days_to_readmission, a.readmit_30, a.readmit_90) == (30, 1, 1)
    assert (b.days_to_readmission, b.readmit_30, b.readmit_90) == (31, 0, 1)


def test_flag_needs_the_whole_window_even_when_readmitted():
    t = Tables()
    t.stay(1, date(2025, 12, 1), date(2025, 12, 11))
    t.stay(1, date(2025, 12, 16), date(2025, 12, 20))  # readmitted on day 5, 20 days followed
    t.stay(2, date(2025, 11, 20), date(2025, 12, 1))  # exactly 30 days of follow-up
    ep = episodes(t)
    first = by_client(ep, 1)[0]
    assert first.follow_days == 20 and first.readmitted == 1
    assert np.isnan(first.readmit_30)  # counting it would inflate the rate
    assert by_client(ep, 2)[0].readmit_30 == 0


def test_data_end_cuts_admissions_and_discharges():
    t = Tables()
    t.stay(1, date(2025, 12, 10), date(2025, 12, 20))
    t.stay(1, date(2026, 1, 5), date(2026, 1, 9))  # after the data end: not known yet
    t.stay(2, date(2025, 12, 1), date(2026, 2, 1))  # discharged after the data end
    ep = episodes(t)
    assert len(by_client(ep, 1)) == 1 and by_client(ep, 1)[0].readmitted == 0
    assert by_client(ep, 1)[0].days_to_readmission == 11  # censored at the data end
    still = by_client(ep, 2)[0]
    assert still.open and np.isnan(still.end) and np.isnan(still.los)


def test_same_day_transfer_is_one_episode_with_cost_on_both_wards():
    t = Tables()
    t.stay(1, date(2024, 3, 1), date(2024, 3, 11))
    t.stay(1, date(2024, 3, 11), date(2024, 3, 20), ward=TERTIARY_WARD, ward_type="tertiary")
    t.stay(1, date(2024, 5, 1), date(2024, 5, 3))
    ep = episodes(t)
    rows = by_client(ep, 1)
    assert len(rows) == 2 and rows[0].stays == 2
    assert rows[0].los == 19 and rows[0].days_to_readmission == (date(2024, 5, 1) - date(2024, 3, 20)).days
    assert rows[0].cost == pytest.approx(10 * 1100 + 9 * 750)


def test_missing_discharge_and_overlap_are_flagged():
    t = Tables()
    t.stay(1, date(2024, 3, 1), None)  # no discharge, yet admitted again later
    t.stay(1, date(2024, 6, 1), date(2024, 6, 10))
    t.stay(2, date(2024, 3, 1), date(2024, 3, 20))
    t.stay(2, date(2024, 3, 10), date(2024, 3, 25))  # overlaps: one episode, flagged
    ep = episodes(t)
    broken, later = by_client(ep, 1)
    assert broken.missing_discharge and np.isnan(broken.end) and not broken.open
    assert later.end == dn(date(2024, 6, 10))
    (merged,) = by_client(ep, 2)
    assert merged.overlap and merged.los == 24


def test_year_after_only_with_a_full_year_and_clipped_at_it():
    t = Tables()
    t.stay(1, date(2024, 1, 2), date(2024, 1, 10))
    t.stay(1, date(2025, 1, 5), date(2025, 1, 20))  # day 361: 4 bed-days inside the year
    t.stay(2, date(2025, 6, 1), date(2025, 6, 10))  # not a full year before the data end
    ep = episodes(t)
    year = by_client(ep, 1)[0]
    assert year.readmit_90 == 0 and year.readmit_365 == 1 and year.bed_days_365 == 4
    assert year.community_days_365 == 361 and year.cost_365 == pytest.approx(4 * 1100)
    assert np.isnan(by_client(ep, 2)[0].bed_days_365)


def test_ed_visits_after_discharge_within_the_ed_data():
    t = Tables()
    t.stay(1, date(2024, 3, 1), date(2024, 3, 11))
    t.stay(2, date(2025, 12, 1), date(2025, 12, 10))
    ep = episodes(t)
    ed = pd.DataFrame({"client_id": [1, 1, 1, 1], "mental_health": [True, True, False, True],
                       "day": [dn(date(2024, 3, 11)), dn(date(2024, 3, 20)), dn(date(2024, 3, 25)),
                               dn(date(2024, 6, 1))]})
    out = ed_visits(ep, ed, Coverage(stays_end=dn(END), ed_end=dn(date(2025, 6, 1))))
    first = out.loc[ep.index[ep.client_id == 1][0]]
    assert first.ed_30 == 1 and first.ed_365 == 2  # same-day and non-mental-health left out
    assert np.isnan(out.loc[ep.index[ep.client_id == 2][0]].ed_30)  # beyond the ED data
