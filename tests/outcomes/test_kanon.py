"""k-anonymity of the research extract, on random data (no database)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bridgeway.outcomes.stats import kanon

GENDERS = ["woman", "man", "non_binary", "two_spirit", "other", "undisclosed"]

row = st.fixed_dictionaries({
    "site": st.sampled_from(["riverside", "lakeview", "north"]),
    "gender": st.sampled_from(GENDERS),
    "age": st.integers(16, 90),
    "ward_type": st.sampled_from(["acute", "tertiary"]),
    "los": st.integers(0, 400),
    "outcome": st.integers(0, 1),
})


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["site", "gender", "age", "ward_type", "los", "outcome"])


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(row, max_size=150), k=st.integers(1, 12),
       budget=st.sampled_from([0.0, 0.05, 0.2]))
def test_every_class_has_at_least_k_rows_whatever_the_data(rows, k, budget):
    frame = _frame(rows)
    out, outcome = kanon.anonymise(frame, k=k, max_suppressed=budget)
    assert outcome.rows_out == len(out) and outcome.rows_out + outcome.suppressed == len(frame)
    if len(out):
        sizes = out.groupby(list(kanon.QUASI_IDENTIFIERS)).size()
        assert sizes.min() >= k and outcome.smallest_class == sizes.min()
        assert outcome.classes == len(sizes)
    # Generalising never changes the other columns, and each label is the original's rung.
    assert out["outcome"].isin([0, 1]).all()
    for qi in kanon.QUASI_IDENTIFIERS:
        fn = kanon.LADDERS[qi][outcome.levels[qi]][1]
        assert set(out[qi]) <= {fn(v) for v in frame[qi]}


def test_nothing_is_generalised_when_the_data_is_already_k_anonymous():
    frame = _frame([{"site": "a", "gender": "woman", "age": 40, "ward_type": "acute", "los": 9,
                     "outcome": 0}] * 6)
    out, outcome = kanon.anonymise(frame, k=5)
    assert outcome.generalised == [] and outcome.suppressed == 0
    assert list(out.age) == ["40"] * 6


def test_a_unique_row_among_many_is_generalised_or_suppressed():
    rows = [{"site": "a", "gender": "woman", "age": 40 + i % 5, "ward_type": "acute",
             "los": 9 + i % 3, "outcome": 0} for i in range(60)]
    rows.append({"site": "a", "gender": "two_spirit", "age": 87, "ward_type": "acute",
                 "los": 300, "outcome": 1})
    out, outcome = kanon.anonymise(_frame(rows), k=5, max_suppressed=0.05)
    assert outcome.generalised  # exact ages and stays make classes of 4: bands are needed
    assert outcome.suppressed <= 3 and "two_spirit" not in set(out.gender)
    assert (out.groupby(list(kanon.QUASI_IDENTIFIERS)).size() >= 5).all()


def test_age_and_stay_bands():
    age = dict(kanon.LADDERS["age"])
    assert age["5-year bands"](42) == "40-44" and age["5-year bands"](90) == "90+"
    assert age["20-year bands"](85) == "80+"
    los = kanon.LADDERS["los"][1][1]
    assert (los(0), los(7), los(8), los(200)) == ("0-3", "4-7", "8-14", "181+")
