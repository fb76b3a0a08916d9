"""Loads the tables the evaluation reads, as plain frames of day numbers (stats.pipeline.RawData).

Outcome pages are aggregate by construction, so these reads are scoped by program site rather
than through `clients_for_user` (docs/outcomes.md, "Limits and decisions"); every page that
uses them writes its own audit event. Dates become whole days since 1970-01-01 in SQL, so
that 100,000 stays arrive as integers rather than Python date objects; on PostgreSQL the rows
come through COPY and pyarrow's CSV reader (building a tuple per row would cost as much as the
analysis).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bridgeway.clients.models import Client, Enrolment, EnrolmentStatusChange, HospitalStay
from bridgeway.core.models import ProgramSite, Ward

from .models import DataCoverage, DataSource, EDVisit, PerDiem, ProgramWard
from .stats.episodes import Coverage
from .stats.pipeline import RawData

EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(n: float) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(n))


def _dn(expr: str) -> str:
    """A date column as whole days since 1970-01-01."""
    if connection.vendor == "postgresql":
        return f"({expr} - DATE '1970-01-01')"
    return f"CAST(julianday({expr}) - 2440587.5 AS INTEGER)"


def _query(sql: str, columns: list[str], floats: set[str] = frozenset()) -> pd.DataFrame:  # type: ignore[assignment]
    """Rows of `sql` (no parameters: only integers are interpolated) as a DataFrame."""
    if connection.vendor == "postgresql":
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        buf = io.BytesIO()
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buf.write(block)
        if buf.getbuffer().nbytes == 0:
            return pd.DataFrame({c: pd.Series(dtype=float if c in floats else object)
                                 for c in columns})
        buf.seek(0)
        types = {c: pa.float64() for c in floats}
        table = pa_csv.read_csv(buf, read_options=pa_csv.ReadOptions(column_names=columns),
                                convert_options=pa_csv.ConvertOptions(
                                    column_types=types, strings_can_be_null=False,
                                    null_values=[""]))
        frame: pd.DataFrame = table.to_pandas()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    for c in floats:
        frame[c] = frame[c].astype(float)
    return frame


def _ids(values: Any) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")" if len(values) else "(NULL)"


def _local_days(stamps: list[Any]) -> np.ndarray:
    tz = ZoneInfo(settings.TIME_ZONE)
    if not stamps:
        return np.array([], dtype="int64")
    local = pd.to_datetime(pd.Series(stamps), utc=True).dt.tz_convert(tz).dt.tz_localize(None)
    return ((local.dt.normalize() - pd.Timestamp(0)).dt.days).to_numpy()


def coverage_for(today: date) -> tuple[Coverage, list[dict[str, Any]]]:
    """The declared data ends (the earliest over hospitals, per source; today when none is
    declared), and the rows behind them for the page."""
    rows = list(DataCoverage.objects.select_related("hospital").order_by("hospital__name"))
    ends: dict[str, int] = {}
    starts: list[int] = []
    for r in rows:
        ends[r.source] = min(ends.get(r.source, 10**9), day_number(r.complete_up_to))
        if r.source == DataSource.STAYS:
            starts.append(day_number(r.period_start))
    today_n = day_number(today)
    cov = Coverage(stays_end=min(ends.get(DataSource.STAYS, today_n), today_n),
                   ed_end=min(ends.get(DataSource.ED_VISITS, today_n), today_n),
                   stays_start=max(starts) if starts else None)
    listing = [{"source": r.source, "hospital": r.hospital.name,
                "complete_up_to": r.complete_up_to, "period_start": r.period_start,
                "period_end": r.period_end, "note": r.note} for r in rows]
    return cov, listing


def load(scope: list[ProgramSite], *, today: date | None = None) -> RawData:
    """Every table the evaluation of `scope` reads: all stays, referrals, status history, ED
    visits and attributes of the clients with a stay at a hospital in scope (their stays
    elsewhere count as readmissions)."""
    today = today or timezone.localdate()
    cov, _rows = coverage_for(today)
    hospitals = sorted({s.hospital_id for s in scope})
    stay, ward = HospitalStay._meta.db_table, Ward._meta.db_table
    clients_sql = f"SELECT DISTINCT client_id FROM {stay} WHERE hospital_id IN {_ids(hospitals)}"  # noqa: S608  # nosec B608 — table names and integers only, no user input
    stays = _query(
        f"SELECT s.id, s.client_id, s.hospital_id, s.ward_id, w.ward_type, "  # noqa: S608  # nosec B608 — table names and integers only, no user input
        f"{_dn('s.admitted_on')}, {_dn('s.discharged_on')} FROM {stay} s "
        f"JOIN {ward} w ON w.id = s.ward_id WHERE s.client_id IN ({clients_sql})",
        ["stay_id", "client_id", "hospital_id", "ward_id", "ward_type", "admitted", "discharged"],
        floats={"discharged"})
    stays["ward_type"] = stays["ward_type"].fillna("").astype(str)
    enrol = Enrolment._meta.db_table
    referrals = _query(
        f"SELECT id, client_id, site_id, stay_id, {_dn('referred_on')}, "  # noqa: S608  # nosec B608 — table names and integers only, no user input
        f"social_relationships FROM {enrol} WHERE client_id IN ({clients_sql})",
        ["enrolment_id", "client_id", "site_id", "stay_id", "referred", "social"],
        floats={"stay_id"})
    referrals["social"] = referrals["social"].fillna("").astype(str)
    history, current = _statuses(referrals["enrolment_id"].tolist(), clients_sql, hospitals)
    client_t, ed_t = Client._meta.db_table, EDVisit._meta.db_table
    clients = _query(f"SELECT id, {_dn('date_of_birth')}, gender FROM {client_t} "  # noqa: S608  # nosec B608 — table names and integers only, no user input
                     f"WHERE id IN ({clients_sql})", ["client_id", "birth", "gender"])
    ed = _query(f"SELECT client_id, {_dn('visited_on')}, "  # noqa: S608  # nosec B608 — table names and integers only, no user input
                f"CASE WHEN mental_health THEN 1 ELSE 0 END FROM {ed_t} "
                f"WHERE client_id IN ({clients_sql})", ["client_id", "day", "mental_health"])
    ed["mental_health"] = ed["mental_health"].astype(bool)
    scope_ids = {s.id for s in scope}
    sites = pd.DataFrame([
        {"site_id": s.id, "hospital_id": s.hospital_id,
         "start": float(day_number(s.program_start_date)) if s.program_start_date else np.nan,
         "in_scope": s.id in scope_ids, "code": s.code}
        for s in ProgramSite.objects.order_by("id")])
    declared = pd.DataFrame(list(ProgramWard.objects.values("site_id", "ward_id", "assignment")),
                            columns=["site_id", "ward_id", "assignment"])
    per_diem = pd.DataFrame(list(PerDiem.objects.values("hospital_id", "ward_type", "amount")),
                            columns=["hospital_id", "ward_type", "amount"])
    per_diem["amount"] = per_diem["amount"].astype(float)
    return RawData(stays=stays, sites=sites, declared_wards=declared, referrals=referrals,
                   history=history, current=current, clients=clients, ed=ed,
                   per_diem=per_diem, coverage=cov)


def _statuses(ids: list[int], clients_sql: str, hospitals: list[int]
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Enrolment status history and current statuses with their local day. PostgreSQL turns
    the instants into local days itself; SQLite stores no zone, so there Python does."""
    columns = ["enrolment_id", "day", "status"]
    if connection.vendor == "postgresql":
        zone = ZoneInfo(settings.TIME_ZONE).key.replace("'", "")
        hist_t, enrol = EnrolmentStatusChange._meta.db_table, Enrolment._meta.db_table
        local = f"(({{}} AT TIME ZONE '{zone}')::date - DATE '1970-01-01')"
        history = _query(
            f"SELECT h.enrolment_id, {local.format('h.changed_at')}, h.to_status "  # noqa: S608  # nosec B608 — table names and a zone name from settings
            f"FROM {hist_t} h JOIN {enrol} e ON e.id = h.enrolment_id "
            f"WHERE e.client_id IN ({clients_sql})", columns)
        current = _query(
            f"SELECT id, {local.format('status_changed_at')}, status FROM {enrol} "  # noqa: S608  # nosec B608 — table names and a zone name from settings
            f"WHERE client_id IN ({clients_sql})", columns)
        return history, current
    rows = list(EnrolmentStatusChange.objects.filter(enrolment__client_id__in=_client_q(hospitals))
                .values_list("enrolment_id", "changed_at", "to_status"))
    history = pd.DataFrame({"enrolment_id": [r[0] for r in rows],
                            "day": _local_days([r[1] for r in rows]),
                            "status": [r[2] for r in rows]}, columns=columns)
    rows = list(Enrolment.objects.filter(id__in=ids)
                .values_list("id", "status_changed_at", "status")) if ids else []
    current = pd.DataFrame({"enrolment_id": [r[0] for r in rows],
                            "day": _local_days([r[1] for r in rows]),
                            "status": [r[2] for r in rows]}, columns=columns)
    return history, current


def _client_q(hospitals: list[int]) -> Any:
    return HospitalStay.objects.filter(hospital_id__in=hospitals).values("client_id")


def met_contacts(client_ids: list[int]) -> pd.DataFrame:
    """Contacts that happened ("met") of these clients: client_id, local day, on the ward,
    minutes. PostgreSQL turns the time into the local day itself; SQLite stores no zone, so
    there Python does."""
    from bridgeway.contacts.models import Contact, Outcome, Setting

    columns = ["client_id", "day", "ward", "minutes"]
    if not client_ids:
        return pd.DataFrame(columns=columns)
    if connection.vendor == "postgresql":
        zone = ZoneInfo(settings.TIME_ZONE).key.replace("'", "")
        frame = _query(
            f"SELECT client_id, ((occurred_at AT TIME ZONE '{zone}')::date - DATE '1970-01-01'), "  # noqa: S608  # nosec B608 — table names and integers only, no user input
            f"CASE WHEN setting = '{Setting.WARD.value}' THEN 1 ELSE 0 END, duration_minutes "
            f"FROM {Contact._meta.db_table} WHERE outcome = '{Outcome.MET.value}' "
            f"AND client_id IN {_ids(sorted(set(client_ids)))}", columns)
        frame["ward"] = frame["ward"].astype(bool)
        return frame
    rows = list(Contact.objects.filter(client_id__in=client_ids, outcome=Outcome.MET)
                .values_list("client_id", "occurred_at", "setting", "duration_minutes"))
    return pd.DataFrame({"client_id": [r[0] for r in rows],
                         "day": _local_days([r[1] for r in rows]),
                         "ward": [r[2] == Setting.WARD for r in rows],
                         "minutes": [r[3] for r in rows]}, columns=columns)
