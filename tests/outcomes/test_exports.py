"""Pseudonyms, per-client date shifts and suppressed aggregates in exports."""

from __future__ import annotations

import uuid
from datetime import date

import pandas as pd

from bridgeway.outcomes import analysis, exports
from bridgeway.outcomes.data import from_day_number
from bridgeway.outcomes.selectors import sites_in_scope
from bridgeway.outcomes.stats import kanon


def test_pseudonym_and_shift_are_stable_per_client_and_differ_between_clients():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert exports.pseudonym(a) == exports.pseudonym(a) != exports.pseudonym(b)
    shifts = {exports.date_shift(uuid.uuid4()) for _ in range(200)}
    assert all(-182 <= s <= 182 for s in shifts) and len(shifts) > 100


def filters(world) -> analysis.Filters:
    return analysis.Filters(sites=sites_in_scope(world.evaluator), start=date(2020, 1, 1),
                            end=date(2025, 12, 31), today=date(2025, 12, 31))


def test_extract_has_one_row_per_client_and_is_k_anonymous(world, program_data):
    result = exports.extract(filters(world))
    frame = result.frame
    assert list(frame.columns) == exports.EXTRACT_COLUMNS
    assert frame.pseudo_id.is_unique  # one row per client
    episodes = exports._episodes(filters(world))
    assert result.disclosure.rows_in == episodes.pseudo_id.nunique()
    assert result.disclosure.rows_out + result.disclosure.suppressed == result.disclosure.rows_in
    assert len(frame) == result.disclosure.rows_out > 0
    sizes = frame.groupby(list(kanon.QUASI_IDENTIFIERS)).size()
    assert sizes.min() >= 5 and result.disclosure.smallest_class == sizes.min()
    assert frame.admission_month_shifted.str.fullmatch(r"\d{4}-\d{2}").all()
    assert frame.discharge_month_shifted.str.fullmatch(r"\d{4}-\d{2}").all()


def test_a_larger_k_is_honoured_and_a_smaller_one_is_not(world, program_data, settings):
    frame = exports.extract(filters(world), k=8).frame
    assert frame.groupby(list(kanon.QUASI_IDENTIFIERS)).size().min() >= 8
    assert exports.extract(filters(world), k=2).disclosure.k == 5  # the setting is a floor
    settings.BRIDGEWAY_EXTRACT_K = 3
    assert exports.extract(filters(world)).disclosure.k == 3


def test_episodes_shift_dates_consistently_within_a_client(world, program_data):
    frame = exports._episodes(filters(world))
    result, _raw = analysis.compute(filters(world))
    real = result.prepared.groups.episodes
    assert len(frame) == int((real.eligible & real.end.notna() & real.in_scope).sum())
    for _pid, g in frame.groupby("pseudo_id"):
        g = g.sort_values("discharge_month_shifted")
        starts = pd.to_datetime(g.admission_month_shifted)
        ends = pd.to_datetime(g.discharge_month_shifted)
        # LOS survives the shift exactly; gaps between a client's stays too.
        assert ((ends - starts).dt.days == g.los).all()
        if len(g) == 2:
            assert (starts.iloc[1] - ends.iloc[0]).days == g.days_to_readmission.iloc[0]
    real_discharges = {from_day_number(d).isoformat() for d in real.end.dropna()}
    assert len(set(frame.discharge_month_shifted) & real_discharges) < len(frame) / 2


def test_pseudonyms_come_from_the_pseudonym_key_not_the_secret_key(settings):
    client = uuid.uuid4()
    before = exports.pseudonym(client), exports.date_shift(client)
    settings.SECRET_KEY = "another-secret-key-entirely"
    assert (exports.pseudonym(client), exports.date_shift(client)) == before
    settings.BRIDGEWAY_PSEUDONYM_KEY = "another-pseudonym-key-held-by-the-administrator"
    assert exports.pseudonym(client) != before[0]


def test_aggregates_are_the_dashboards_suppressed_counts(world, program_data):
    ev = analysis.evaluate(filters(world))
    agg = exports.aggregate_table(ev)
    assert list(agg.columns) == exports.AGGREGATE_COLUMNS
    riverside = agg[(agg.site == "riverside") & (agg.ward_type == "acute")].set_index("arm")
    assert riverside.loc["program", "clients"] == 12 and riverside.loc["usual_care", "clients"] == 12
    assert riverside.loc["program", "readmitted"] == "<5"  # 4 of 12 followed
    assert riverside.loc["program", "readmission_rate"] == "<5"
    counts = [v for col in ("clients", "followed", "readmitted") for v in agg[col]
              if isinstance(v, int)]
    assert all(v == 0 or v >= 5 for v in counts)
