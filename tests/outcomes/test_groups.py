"""Comparison groups defined at the moment of decision, on hand-built tables (pure)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bridgeway.outcomes.data import day_number as dn
from bridgeway.outcomes.stats import pipeline

from .tables import OTHER_WARD, TERTIARY_WARD, Tables

END = date(2025, 12, 31)


def cohort(t: Tables, **kw) -> pd.DataFrame:
    raw = t.raw(data_end=END, **kw)
    return pipeline.prepare(raw, (dn(date(2024, 1, 1)), dn(END))).cohort.set_index("client_id")


def prepared(t: Tables, **kw) -> pipeline.Prepared:
    return pipeline.prepare(t.raw(data_end=END, **kw), (dn(date(2024, 1, 1)), dn(END)))


def test_usual_care_is_assigned_by_admission_not_discharge():
    t = Tables()
    t.refer(1, date(2024, 2, 2), t.stay(1, date(2024, 2, 1), date(2024, 2, 20)))  # the program
    t.stay(2, date(2023, 10, 1), date(2024, 3, 1))  # straddles the start: a long stay
    t.stay(3, date(2024, 2, 5), date(2024, 2, 25))  # usual care
    p = prepared(t)
    c = p.cohort.set_index("client_id")
    assert c.loc[1, "arm"] == "program" and c.loc[3, "arm"] == "usual_care"
    assert 2 not in c.index[c["arm"] == "usual_care"]
    assert list(p.groups.straddling["client_id"]) == [2]  # shown apart
    # ... and in the before group by admission date, as it was not referred.
    assert c.loc[2, "arm"] == "before"


def test_one_index_rule_for_both_arms_first_eligible_stay():
    t = Tables()
    # Usual care at the first stay, referred at the readmission: stays usual care (crossover).
    t.stay(1, date(2024, 2, 1), date(2024, 2, 10))
    t.refer(1, date(2024, 5, 2), t.stay(1, date(2024, 5, 1), date(2024, 5, 20)))
    # A client with a stay before the program start: the index is the first stay after it.
    t.stay(2, date(2023, 6, 1), date(2023, 6, 10))
    t.refer(2, date(2024, 3, 2), t.stay(2, date(2024, 3, 1), date(2024, 3, 9)))
    c = cohort(t)
    assert c.loc[1, "arm"] == "usual_care" and c.loc[1, "crossover"]
    assert c.loc[1, "start"] == dn(date(2024, 2, 1))
    prog = c[c["arm"] == "program"].loc[2]
    assert prog["start"] == dn(date(2024, 3, 1)) and prog["prior_episodes"] == 1


def test_readmitted_before_consent_stays_in_the_program():
    t = Tables()
    s = t.stay(1, date(2024, 3, 1), date(2024, 3, 10))
    t.refer(1, date(2024, 3, 2), s, statuses=[(date(2024, 3, 25), "consented")])
    t.stay(1, date(2024, 3, 20), date(2024, 3, 30))  # readmitted before consent
    c = cohort(t)
    assert c.loc[1, "arm"] == "program"
    assert c.loc[1, "status_at_discharge"] == "referred"  # as on the index discharge day
    assert c.loc[1, "readmit_30"] == 1


def test_declined_and_withdrawn_are_program_by_intention_to_treat():
    t = Tables()
    t.refer(1, date(2024, 3, 1), t.stay(1, date(2024, 3, 1), date(2024, 3, 10)),
            statuses=[(date(2024, 3, 2), "declined")])
    t.refer(2, date(2024, 3, 1), t.stay(2, date(2024, 3, 1), date(2024, 3, 10)),
            statuses=[(date(2024, 3, 3), "consented"), (date(2024, 4, 1), "withdrawn")])
    c = cohort(t)
    assert c.loc[1, "arm"] == c.loc[2, "arm"] == "program"
    assert c.loc[1, "status_at_discharge"] == "declined"
    assert c.loc[2, "status_at_discharge"] == "consented"  # withdrew after the discharge


def test_referral_without_a_stay_is_linked_by_date():
    t = Tables()
    t.stay(1, date(2024, 3, 1), date(2024, 3, 10))
    t.refer(1, date(2024, 3, 4), None)
    t.refer(2, date(2024, 3, 4), None)  # no stay covers it: counted, not in any group
    p = prepared(t)
    assert p.cohort.set_index("client_id").loc[1, "arm"] == "program"
    assert set(p.linked["enrolment_id"]) == {1}


def test_program_wards_follow_referrals_unless_declared():
    t = Tables()
    t.refer(1, date(2024, 3, 1), t.stay(1, date(2024, 3, 1), date(2024, 3, 10)))
    t.stay(2, date(2024, 3, 1), date(2024, 3, 10), ward=OTHER_WARD)  # a ward never referring
    c = cohort(t)
    assert 2 not in c.index  # not a program ward: not usual care
    declared = [{"site_id": 1, "ward_id": 100, "assignment": "program"},
                {"site_id": 1, "ward_id": OTHER_WARD, "assignment": "comparison"}]
    p = prepared(t, declared=declared)
    assert list(p.groups.cluster.sort_values("client_id")["cluster_arm"]) == [
        "program_ward", "comparison_ward"]


def test_referred_at_a_straddling_stay_is_left_out_later():
    t = Tables()
    t.refer(1, date(2024, 1, 1), t.stay(1, date(2023, 12, 1), date(2024, 1, 20)))
    t.stay(1, date(2024, 4, 1), date(2024, 4, 10))
    p = prepared(t)
    assert 1 not in set(p.cohort.loc[p.cohort["arm"].isin(["program", "usual_care"]), "client_id"])
    assert p.groups.counts["referred_before_index"] == 1
    assert p.groups.counts["before_referred_straddlers"] == 1


def test_ward_type_and_ward_at_decision_for_a_transfer():
    t = Tables()
    first = t.stay(1, date(2024, 3, 1), date(2024, 3, 5))
    t.stay(1, date(2024, 3, 5), date(2024, 4, 5), ward=TERTIARY_WARD, ward_type="tertiary")
    t.refer(1, date(2024, 3, 2), first)
    c = cohort(t)
    assert c.loc[1, "ward_type"] == "acute"  # referred on the acute ward
    assert c.loc[1, "los"] == 35  # one episode across the transfer
