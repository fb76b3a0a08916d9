"""Outcome measures per index stay, computed in the database in one query.

One SQL statement (common table expressions, window functions, grouped joins) valid on SQLite
and PostgreSQL: the only dialect differences are turning a date into a day number and the
two-argument minimum, supplied by `_Dialect`. Everything else is integer arithmetic on day
numbers, so both databases give identical results (a test runs the boundary cohort on both).

Definitions (also printed on every report, see `ASSUMPTIONS`):

* An *episode* is a run of stays of one client where each stay is admitted on the day the
  previous one was discharged (a same-day transfer to another ward or hospital). Its length of
  stay (LOS) runs from the first admission to the last discharge.
* An *index discharge* is the discharge that ends an episode. A stay followed by a same-day
  transfer is not an index discharge, and the transfer is not a readmission.
* *Readmission*: the first admission strictly after the index discharge. Days to readmission =
  admission day minus discharge day; "within 30 days" includes day 30 and excludes day 31.
* *Follow-up* ends 365 days after discharge or at the data cut-off, whichever is first.
  Admissions and discharges after the cut-off are ignored. Time to readmission is censored at
  the end of follow-up; a within-N-days flag is empty (unknown) when follow-up is shorter than
  N days and no readmission was seen.
* *Bed-days after discharge*: inpatient days (midnights) in (discharge, end of follow-up].
  *Days in the community* = follow-up days − bed-days after discharge.
* *Cost*: bed-days × the per-diem of the hospital and ward type where each day was spent
  (PerDiem, or DEFAULT_PER_DIEM when the hospital has none).
* *Arm*: "program" — one of the episode's stays is the stay at referral of an enrolment that went
  beyond referral (not declined); "usual_care" — discharged on/after the site's program start
  by a client never enrolled; "before" — discharged before the program start; "other" —
  remaining stays of enrolled clients (e.g. their later readmissions), left out of comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.db import connection
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client, Enrolment, EnrolmentStatus, HospitalStay
from bridgeway.core.models import ProgramSite, Ward

from .models import DEFAULT_PER_DIEM, EDVisit, PerDiem

EPOCH = date(1970, 1, 1)
FOLLOW_UP_DAYS = 365
WINDOWS = (30, 90, 365)

ASSUMPTIONS = [
    _("Readmission: first admission strictly after the index discharge; within 30 days "
      "includes day 30 and excludes day 31."),
    _("Same-day transfers (admitted on the day of a discharge) are one episode, not a "
      "readmission; length of stay runs from the first admission to the last discharge."),
    _("Follow-up ends 365 days after discharge or at the data cut-off; time to readmission is "
      "censored there; readmission flags are unknown when follow-up is too short."),
    _("Cost = bed-days × per-diem of the hospital and ward type (site value, or the default: "
      "acute $1,100, tertiary $750 per day, CAD)."),
    _("Program: the stay at referral of an enrolment beyond referral (intention to treat, "
      "withdrawals included). Usual care: clients of the same hospitals never enrolled, "
      "discharged after the program started."),
]

COLUMNS = [
    "stay_id", "client_id", "site_id", "hospital_id", "ward_id", "ward_type", "enrolment_id",
    "episode_start", "discharge",
    "los", "arm", "social", "gender", "age_days", "prior_stays", "follow_days", "readmitted",
    "days_to_readmission", "readmit_30", "readmit_90", "readmit_365", "bed_days_after",
    "ed_visits_after", "ed_visits_30", "community_days", "episode_cost", "cost_after",
    "first_in_arm",
]


def day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


@dataclass(frozen=True)
class _Dialect:
    vendor: str

    def dn(self, expr: str) -> str:
        """A date column as whole days since 1970-01-01."""
        if self.vendor == "postgresql":
            return f"({expr} - DATE '1970-01-01')"
        return f"CAST(julianday({expr}) - 2440587.5 AS INTEGER)"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.vendor == "postgresql" else f"MIN({a}, {b})"


def _tables() -> dict[str, str]:
    return {
        "stay": HospitalStay._meta.db_table, "ward": Ward._meta.db_table,
        "client": Client._meta.db_table, "enrolment": Enrolment._meta.db_table,
        "site": ProgramSite._meta.db_table, "ed": EDVisit._meta.db_table,
        "perdiem": PerDiem._meta.db_table,
    }


NOT_ENROLLED = (EnrolmentStatus.REFERRED.value, EnrolmentStatus.DECLINED.value)


def measures_sql(vendor: str, *, filtered: bool = False) -> str:
    """The measures query; placeholders %(cut)s (day number) and, if filtered, %(sites)s etc.

    Also used verbatim (vendor "duckdb", which shares PostgreSQL's date arithmetic) by the
    benchmark, so the comparison computes exactly the same thing.
    """
    d = _Dialect("postgresql" if vendor in ("postgresql", "duckdb") else "sqlite")
    t = _tables()
    acute, tertiary = (DEFAULT_PER_DIEM[Ward.WardType.ACUTE], DEFAULT_PER_DIEM[Ward.WardType.TERTIARY])
    not_enrolled = ", ".join(f"'{s}'" for s in NOT_ENROLLED)
    fu_end = d.least("x.discharge + 365", "%(cut)s")
    return f"""
WITH pd AS (
  SELECT hospital_id, ward_type, amount FROM {t['perdiem']}
),
s0 AS (
  SELECT st.id, st.client_id, st.hospital_id, st.ward_id, w.ward_type,
         {d.dn('st.admitted_on')} AS adm, {d.dn('st.discharged_on')} AS dis0,
         CAST(COALESCE(pd.amount, CASE w.ward_type WHEN 'acute' THEN {acute} ELSE {tertiary} END)
              AS DOUBLE PRECISION) AS per_diem
  FROM {t['stay']} st
  JOIN {t['ward']} w ON w.id = st.ward_id
  LEFT JOIN pd ON pd.hospital_id = st.hospital_id AND pd.ward_type = w.ward_type
),
s AS (
  SELECT id, client_id, hospital_id, ward_id, ward_type, adm, per_diem,
         CASE WHEN dis0 <= %(cut)s THEN dis0 END AS dis
  FROM s0 WHERE adm <= %(cut)s
),
o AS (
  SELECT s.*,
         LEAD(adm) OVER w AS next_adm,
         CASE WHEN LAG(dis) OVER w = adm THEN 0 ELSE 1 END AS new_episode,
         ROW_NUMBER() OVER w - 1 AS prior_stays
  FROM s WINDOW w AS (PARTITION BY client_id ORDER BY adm, id)
),
g AS (
  SELECT o.*, SUM(new_episode) OVER (PARTITION BY client_id ORDER BY adm, id
                                     ROWS UNBOUNDED PRECEDING) AS episode
  FROM o
),
e AS (
  SELECT g.*,
         MIN(adm) OVER (PARTITION BY client_id, episode) AS episode_start,
         SUM((COALESCE(dis, %(cut)s) - adm) * per_diem) OVER (
             PARTITION BY client_id, episode ORDER BY adm, id ROWS UNBOUNDED PRECEDING
         ) AS episode_cost
  FROM g
),
x AS (
  SELECT e.id, e.client_id, e.hospital_id, e.ward_id, e.ward_type, e.episode,
         e.episode_start, e.dis AS discharge,
         e.next_adm, e.prior_stays, e.episode_cost,
         CASE WHEN e.next_adm IS NOT NULL AND e.next_adm <= e.dis THEN 0 ELSE 1 END AS is_index
  FROM e WHERE e.dis IS NOT NULL
),
idx AS (
  SELECT x.*, {fu_end} AS fu_end, {fu_end} - x.discharge AS follow_days
  FROM x WHERE is_index = 1
),
beds AS (
  SELECT idx.id,
         SUM({d.least('COALESCE(s.dis, %(cut)s)', 'idx.fu_end')} - s.adm) AS bed_days,
         SUM(({d.least('COALESCE(s.dis, %(cut)s)', 'idx.fu_end')} - s.adm) * s.per_diem)
           AS cost_after
  FROM idx JOIN s ON s.client_id = idx.client_id AND s.adm > idx.discharge AND s.adm <= idx.fu_end
  GROUP BY idx.id
),
ed AS (
  SELECT idx.id, COUNT(*) AS visits,
         SUM(CASE WHEN v.day <= idx.discharge + 30 THEN 1 ELSE 0 END) AS visits_30
  FROM idx JOIN (SELECT client_id, {d.dn('visited_on')} AS day FROM {t['ed']}
                 WHERE mental_health = %(true)s) v
    ON v.client_id = idx.client_id AND v.day > idx.discharge AND v.day <= idx.fu_end
  GROUP BY idx.id
),
sites AS (
  SELECT hospital_id, MIN(id) AS site_id, MIN({d.dn('program_start_date')}) AS start_day
  FROM {t['site']} GROUP BY hospital_id
),
enr_ep AS (
  SELECT e.client_id, e.episode, MAX(en.social_relationships) AS social,
         MIN(en.id) AS enrolment_id
  FROM {t['enrolment']} en JOIN e ON e.id = en.stay_id
  WHERE en.status NOT IN ({not_enrolled}) GROUP BY e.client_id, e.episode
),
enr_client AS (
  SELECT DISTINCT client_id FROM {t['enrolment']} WHERE status NOT IN ({not_enrolled})
),
r AS (
  SELECT idx.id AS stay_id, idx.client_id, sites.site_id, idx.hospital_id, idx.ward_id,
         idx.ward_type, es.enrolment_id,
         idx.episode_start, idx.discharge, idx.discharge - idx.episode_start AS los,
         CASE WHEN sites.start_day IS NULL OR idx.discharge < sites.start_day THEN 'before'
              WHEN es.enrolment_id IS NOT NULL THEN 'program'
              WHEN ec.client_id IS NULL THEN 'usual_care'
              ELSE 'other' END AS arm,
         COALESCE(es.social, '') AS social, c.gender,
         idx.episode_start - {d.dn('c.date_of_birth')} AS age_days,
         idx.prior_stays, idx.follow_days,
         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm <= idx.fu_end THEN 1 ELSE 0 END
           AS readmitted,
         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm <= idx.fu_end
              THEN idx.next_adm - idx.discharge ELSE idx.follow_days END AS days_to_readmission,
         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm - idx.discharge <= 30 THEN 1
              WHEN idx.follow_days >= 30 THEN 0 END AS readmit_30,
         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm - idx.discharge <= 90 THEN 1
              WHEN idx.follow_days >= 90 THEN 0 END AS readmit_90,
         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm - idx.discharge <= 365 THEN 1
              WHEN idx.follow_days >= 365 THEN 0 END AS readmit_365,
         COALESCE(beds.bed_days, 0) AS bed_days_after,
         COALESCE(ed.visits, 0) AS ed_visits_after,
         COALESCE(ed.visits_30, 0) AS ed_visits_30,
         idx.follow_days - COALESCE(beds.bed_days, 0) AS community_days,
         idx.episode_cost, COALESCE(beds.cost_after, 0) AS cost_after
  FROM idx
  JOIN {t['client']} c ON c.id = idx.client_id
  LEFT JOIN sites ON sites.hospital_id = idx.hospital_id
  LEFT JOIN enr_ep es ON es.client_id = idx.client_id AND es.episode = idx.episode
  LEFT JOIN enr_client ec ON ec.client_id = idx.client_id
  LEFT JOIN beds ON beds.id = idx.id
  LEFT JOIN ed ON ed.id = idx.id
)
SELECT r.*, CASE WHEN ROW_NUMBER() OVER (PARTITION BY r.client_id, r.arm
                                          ORDER BY r.discharge, r.stay_id) = 1
            THEN 1 ELSE 0 END AS first_in_arm
FROM r {"WHERE r.site_id IN %(sites)s" if filtered else ""}
ORDER BY r.stay_id
"""  # noqa: S608  # only table names and constants are interpolated; values are parameters


def compute(*, cutoff: date, site_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per-index-stay measures as a DataFrame (day numbers for dates; see COLUMNS)."""
    params: dict[str, Any] = {"cut": day_number(cutoff), "true": True}
    sql = measures_sql(connection.vendor, filtered=site_ids is not None)
    if site_ids is not None:
        ids = [int(i) for i in site_ids] or [-1]
        # A literal list (ids are integers) keeps the query the same on both databases.
        sql = sql.replace("%(sites)s", "(" + ", ".join(str(i) for i in ids) + ")")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    if not frame.empty:
        for col in ("episode_cost", "cost_after"):
            frame[col] = frame[col].astype(float)
    return frame
