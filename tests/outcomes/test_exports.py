"""Pseudonyms, per-client date shifts and small-cell suppression in exports."""

from __future__ import annotations

import uuid
from datetime import date

import pandas as pd

from bridgeway.outcomes import analysis, exports
from bridgeway.outcomes.selectors import sites_in_scope


def test_pseudonym_and_shift_are_stable_per_client_and_differ_between_clients():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert exports.pseudonym(a) == exports.pseudonym(a) != exports.pseudonym(b)
    shifts = {exports.date_shift(uuid.uuid4()) for _ in range(200)}
    assert all(-182 <= s <= 182 for s in shifts) and len(shifts) > 100


def test_extract_shifts_dates_consistently_within_a_client(world, program_data):
    filters = analysis.Filters(sites=sites_in_scope(world.evaluator), start=date(2020, 1, 1),
                               end=date(2025, 12, 31), cutoff=date(2025, 12, 31))
    frame = exports.extract(filters)
    real = analysis.load(filters)
    assert len(frame) == len(real)
    for _pid, g in frame.groupby("pseudo_id"):
        g = g.sort_values("discharge_shifted")
        starts = pd.to_datetime(g.episode_start_shifted)
        ends = pd.to_datetime(g.discharge_shifted)
        # LOS survives the shift exactly; gaps between a client's stays too.
        assert ((ends - starts).dt.days == g.los).all()
        if len(g) == 2:
            assert (starts.iloc[1] - ends.iloc[0]).days == g.days_to_readmission.iloc[0]
    # ...while calendar dates are not the real ones.
    real_discharges = set(real.discharge.map(lambda d: analysis.measures.from_day_number(d).isoformat()))
    assert len(set(frame.discharge_shifted) & real_discharges) < len(frame) / 2


def test_small_cells_are_suppressed():
    rows = []
    for i in range(12):  # program: 12 clients, 3 readmitted -> events < 5 are hidden
        rows.append({"site_id": 1, "ward_type": "acute", "arm": "program", "first_in_arm": 1,
                     "readmit_30": 1.0 if i < 3 else 0.0, "los": 10.0, "bed_days_after": 2.0,
                     "ed_visits_after": 1 if i < 6 else 0})
    for _ in range(3):  # usual care on tertiary wards: 3 clients -> everything hidden
        rows.append({"site_id": 1, "ward_type": "tertiary", "arm": "usual_care", "first_in_arm": 1,
                     "readmit_30": 0.0, "los": 20.0, "bed_days_after": 0.0, "ed_visits_after": 0})
    for i in range(10):  # 8 of 10 readmitted: the complement (2) would reveal, so hidden
        rows.append({"site_id": 1, "ward_type": "acute", "arm": "usual_care", "first_in_arm": 1,
                     "readmit_30": 1.0 if i < 8 else 0.0, "los": 12.0, "bed_days_after": 1.0,
                     "ed_visits_after": 0})
    agg = exports.aggregates(pd.DataFrame(rows), {1: "riverside"}).set_index(["ward_type", "arm"])
    prog = agg.loc[("acute", "program")]
    assert prog.clients == 12 and prog.readmitted_30 == "<5" and prog.readmission_rate_30 == "<5"
    assert prog.mean_los == 10.0 and prog.ed_visits_after == 6
    small = agg.loc[("tertiary", "usual_care")]
    assert small.clients == "<5" and small.mean_los == "<5" and small.followed_30 == "<5"
    comp = agg.loc[("acute", "usual_care")]
    assert comp.readmitted_30 == "<5" and comp.readmission_rate_30 == "<5" and comp.clients == 10
