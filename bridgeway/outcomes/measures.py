"""Outcome measures per index stay, computed in the database in one query.

One SQL statement (common table expressions, window functions, correlated lookups on the
(client, date) indexes) valid on SQLite and PostgreSQL: the only dialect differences are turning
a date into a day number and the two-argument minimum, supplied by `_Dialect`. Everything else is integer arithmetic on day
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
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client, Enrolment, EnrolmentStatus, HospitalStay
from bridgeway.core.models import ProgramSite, Ward

from .models import DEFAULT_PER_DIEM, EDVisit, PerDiem

if TYPE_CHECKING:  # pandas is imported where used: it costs ~1.5 s at process start
    import pandas as pd

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

TEXT_COLUMNS = frozenset({"ward_type", "arm", "social", "gender"})
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


def measures_sql(vendor: str, *, filtered: bool = False, client_range: bool = False) -> str:
    """The measures query; placeholders %(cut)s (day number), %(true)s, if filtered
    %(sites)s, and if client_range %(lo)s < client_id <= %(hi)s.

    Every measure depends only on the rows of one client, so a client range computes exactly
    the rows of those clients: PostgreSQL runs the ranges on parallel connections (see
    `outcomes.postgres`).

    Also used verbatim (vendor "duckdb", which shares PostgreSQL's date arithmetic) by the
    benchmark, so the comparison computes exactly the same thing. Lookups into other rows of
    the same client are correlated subqueries on the (client, date) indexes rather than joins
    between common table expressions, which SQLite could only do by scanning; PostgreSQL (and
    DuckDB) sum bed-days and costs after each discharge with one hash join instead (same
    result). Cheap hashed pre-checks (has an enrolment, has an ED visit, some stay of the client
    ends on this admission day) skip most lookups.
    """
    d = _Dialect("postgresql" if vendor in ("postgresql", "duckdb") else "sqlite")
    t = _tables()
    acute, tertiary = (DEFAULT_PER_DIEM[Ward.WardType.ACUTE], DEFAULT_PER_DIEM[Ward.WardType.TERTIARY])
    not_enrolled = ", ".join(f"'{s}'" for s in NOT_ENROLLED)

    def in_range(alias: str, keyword: str = "AND") -> str:
        """The client range on a scan of all rows (also the hashed pre-check sets, so each
        range builds only its own part of them)."""
        if not client_range:
            return ""
        return f" {keyword} {alias}.client_id > %(lo)s AND {alias}.client_id <= %(hi)s"

    def stay_per_diem(stay: str) -> str:
        """Per-diem of another stay, looked up through its ward's primary key."""
        return (f"(SELECT CAST(COALESCE(pdx.amount, CASE wx.ward_type WHEN 'acute' THEN {acute} "  # noqa: S608
                f"ELSE {tertiary} END) AS DOUBLE PRECISION) FROM {t['ward']} wx "
                f"LEFT JOIN {t['perdiem']} pdx ON pdx.hospital_id = {stay}.hospital_id "
                f"AND pdx.ward_type = wx.ward_type WHERE wx.id = {stay}.ward_id)")

    window = (f"WHERE st2.client_id = idx.client_id AND {d.dn('st2.admitted_on')} > idx.discharge "
              f"AND {d.dn('st2.admitted_on')} <= idx.fu_end")
    later = f"FROM {t['stay']} st2 {window}"
    later_end = "COALESCE(" + d.dn("st2.discharged_on") + ", %(cut)s)"
    overlap = f"({d.least(later_end, 'idx.fu_end')} - {d.dn('st2.admitted_on')})"
    visits = (f"FROM {t['ed']} v WHERE v.client_id = idx.client_id AND v.mental_health = %(true)s "
              f"AND {d.dn('v.visited_on')} > idx.discharge")
    # ED visits within 30 days are looked up only for the few discharges with any visit after.
    visits_r = (f"FROM {t['ed']} v WHERE v.client_id = r.client_id AND v.mental_health = %(true)s "
                f"AND {d.dn('v.visited_on')} > r.discharge")
    readmitted = "idx.next_adm IS NOT NULL AND idx.next_adm <= idx.fu_end"
    if d.vendor == "postgresql":
        # PostgreSQL (and DuckDB) aggregate the stays after each discharge with one hash join
        # instead of two index lookups per readmitted discharge.
        after_cte = f"""aft AS MATERIALIZED (
  SELECT idx.id, SUM({d.least('l.lend', 'idx.fu_end')} - l.adm) AS bed_days,
         SUM(({d.least('l.lend', 'idx.fu_end')} - l.adm) * l.pdm) AS cost
  FROM idx JOIN (SELECT client_id, adm, COALESCE(dis0, %(cut)s) AS lend, pdm FROM s) l
    ON l.client_id = idx.client_id AND l.adm > idx.discharge AND l.adm <= idx.fu_end
  WHERE {readmitted}
  GROUP BY idx.id
),
"""  # noqa: S608  # table names and constants only
        after_cols = (f"         CASE WHEN {readmitted} THEN COALESCE(aft.bed_days, 0) ELSE 0 END\n"
                      "           AS bed_days_after,\n"
                      f"         CASE WHEN {readmitted} THEN COALESCE(aft.cost, 0) ELSE 0 END\n"
                      "           AS cost_after,")
        after_join = "\n  LEFT JOIN aft ON aft.id = idx.id"
    else:
        after_cte, after_join = "", ""
        after_cols = f"""         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm <= idx.fu_end THEN
           COALESCE((SELECT SUM({overlap}) {later}), 0) ELSE 0 END AS bed_days_after,
         CASE WHEN idx.next_adm IS NOT NULL AND idx.next_adm <= idx.fu_end THEN
           COALESCE((SELECT SUM({overlap} * {stay_per_diem('st2')}) {later}), 0)
           ELSE 0 END AS cost_after,"""
    sql = f"""
WITH s AS (
  SELECT st.id, st.client_id, st.hospital_id, st.ward_id, w.ward_type, adm,
         CASE WHEN dis0 <= %(cut)s THEN dis0 END AS dis, dis0,
         CAST(COALESCE(pd.amount, CASE w.ward_type WHEN 'acute' THEN {acute}
                                  ELSE {tertiary} END) AS DOUBLE PRECISION) AS pdm,
         (CASE WHEN dis0 <= %(cut)s THEN dis0 ELSE %(cut)s END - adm)
           * CAST(COALESCE(pd.amount, CASE w.ward_type WHEN 'acute' THEN {acute}
                                ELSE {tertiary} END) AS DOUBLE PRECISION) AS stay_cost,
         -- pre-check (client, day) in one hash, exact test by the indexed lookup
         CASE WHEN CAST(st.client_id AS BIGINT) * 100000 + adm IN (
                SELECT CAST(p0.client_id AS BIGINT) * 100000 + {d.dn('p0.discharged_on')}
                FROM {t['stay']} p0 WHERE p0.discharged_on IS NOT NULL{in_range('p0')})
              AND EXISTS (SELECT 1 FROM {t['stay']} p
                           WHERE p.client_id = st.client_id AND p.discharged_on = st.admitted_on
                             AND p.id <> st.id AND p.admitted_on <= st.admitted_on)
              THEN 0 ELSE 1 END AS new_episode
  FROM (SELECT st.*, {d.dn('st.admitted_on')} AS adm, {d.dn('st.discharged_on')} AS dis0
        FROM {t['stay']} st{in_range('st', 'WHERE')}) st
  JOIN {t['ward']} w ON w.id = st.ward_id
  LEFT JOIN {t['perdiem']} pd ON pd.hospital_id = st.hospital_id AND pd.ward_type = w.ward_type
  WHERE adm <= %(cut)s
),
x AS (
  SELECT s.*,
         LEAD(adm) OVER w AS next_adm,
         ROW_NUMBER() OVER w - 1 AS prior_stays,
         MAX(CASE WHEN new_episode = 1 THEN adm END) OVER (w ROWS UNBOUNDED PRECEDING)
           AS episode_start
  FROM s WINDOW w AS (PARTITION BY client_id ORDER BY adm, id)
),
idx AS MATERIALIZED (
  SELECT x.id, x.client_id, x.hospital_id, x.ward_id, x.ward_type, x.episode_start,
         x.dis AS discharge, x.next_adm, x.prior_stays,
         CASE WHEN x.episode_start = x.adm THEN x.stay_cost ELSE
           (SELECT SUM((COALESCE({d.least(d.dn('q.discharged_on'), '%(cut)s')}, %(cut)s)
                        - {d.dn('q.admitted_on')}) * {stay_per_diem('q')})
            FROM {t['stay']} q
            WHERE q.client_id = x.client_id AND {d.dn('q.admitted_on')} >= x.episode_start
              AND {d.dn('q.admitted_on')} <= x.adm) END AS episode_cost,
         {d.least('x.dis + 365', '%(cut)s')} AS fu_end,
         {d.least('x.dis + 365', '%(cut)s')} - x.dis AS follow_days,
         CASE WHEN x.client_id IN (SELECT ec.client_id FROM {t['enrolment']} ec
                                   WHERE ec.status NOT IN ({not_enrolled}){in_range('ec')}) THEN
         (SELECT MIN(en.id) FROM {t['enrolment']} en JOIN {t['stay']} st3 ON st3.id = en.stay_id
           WHERE en.client_id = x.client_id AND en.status NOT IN ({not_enrolled})
             AND {d.dn('st3.admitted_on')} >= x.episode_start
             AND {d.dn('st3.admitted_on')} <= x.dis) END AS enrolment_id
  FROM x WHERE x.dis IS NOT NULL AND (x.next_adm IS NULL OR x.next_adm > x.dis)
),
{after_cte}sites AS (
  SELECT hospital_id, MIN(id) AS site_id, MIN({d.dn('program_start_date')}) AS start_day
  FROM {t['site']} GROUP BY hospital_id
),
r AS MATERIALIZED (
  SELECT idx.id AS stay_id, idx.client_id, sites.site_id, idx.hospital_id, idx.ward_id,
         idx.ward_type, idx.enrolment_id, idx.episode_start, idx.discharge,
         idx.discharge - idx.episode_start AS los,
         CASE WHEN sites.start_day IS NULL OR idx.discharge < sites.start_day THEN 'before'
              WHEN idx.enrolment_id IS NOT NULL THEN 'program'
              WHEN NOT EXISTS (SELECT 1 FROM {t['enrolment']} en
                               WHERE en.client_id = idx.client_id
                                 AND en.status NOT IN ({not_enrolled})) THEN 'usual_care'
              ELSE 'other' END AS arm,
         CASE WHEN idx.enrolment_id IS NULL THEN '' ELSE
           COALESCE((SELECT en.social_relationships FROM {t['enrolment']} en
                     WHERE en.id = idx.enrolment_id), '') END AS social, c.gender,
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
{after_cols}
         CASE WHEN idx.client_id IN (SELECT v0.client_id FROM {t['ed']} v0
                                     WHERE v0.mental_health = %(true)s{in_range('v0')}) THEN
           COALESCE((SELECT COUNT(*) {visits} AND {d.dn('v.visited_on')} <= idx.fu_end), 0)
           ELSE 0 END AS ed_visits_after,
         idx.fu_end,
         idx.episode_cost
  FROM idx
  JOIN {t['client']} c ON c.id = idx.client_id
  LEFT JOIN sites ON sites.hospital_id = idx.hospital_id{after_join}
)
SELECT r.stay_id, r.client_id, r.site_id, r.hospital_id, r.ward_id, r.ward_type,
       r.enrolment_id, r.episode_start, r.discharge, r.los, r.arm, r.social, r.gender,
       r.age_days, r.prior_stays, r.follow_days, r.readmitted, r.days_to_readmission,
       r.readmit_30, r.readmit_90, r.readmit_365, r.bed_days_after, r.ed_visits_after,
       CASE WHEN r.ed_visits_after = 0 THEN 0 ELSE
         (SELECT COUNT(*) {visits_r} AND {d.dn('v.visited_on')} <= r.discharge + 30
          AND {d.dn('v.visited_on')} <= r.fu_end) END AS ed_visits_30, r.follow_days - r.bed_days_after AS community_days, r.episode_cost,
       r.cost_after,
       CASE WHEN ROW_NUMBER() OVER (PARTITION BY r.client_id, r.arm
                                    ORDER BY r.discharge, r.stay_id) = 1
            THEN 1 ELSE 0 END AS first_in_arm
FROM r {"WHERE r.site_id IN %(sites)s" if filtered else ""}
"""  # noqa: S608  # only table names and constants are interpolated; values are parameters
    return sql


def compute(*, cutoff: date, site_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per-index-stay measures as a DataFrame (day numbers for dates; see COLUMNS)."""
    import pandas as pd

    params: dict[str, Any] = {"cut": day_number(cutoff), "true": True}
    sites = None if site_ids is None else [int(i) for i in site_ids] or [-1]

    def build(client_range: bool) -> str:
        sql = measures_sql(connection.vendor, filtered=sites is not None,
                           client_range=client_range)
        if sites is None:
            return sql
        # A literal list (ids are integers) keeps the query the same on both databases.
        return sql.replace("%(sites)s", "(" + ", ".join(str(i) for i in sites) + ")")

    if connection.vendor == "postgresql":
        from . import postgres

        return postgres.compute(build, cut=params["cut"])
    with connection.cursor() as cursor:
        cursor.execute(build(False), params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    if not frame.empty:
        for col in ("episode_cost", "cost_after"):
            frame[col] = frame[col].astype(float)
    return frame
