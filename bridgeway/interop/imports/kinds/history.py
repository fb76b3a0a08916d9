"""Hospital stays (any years back) and emergency department visits.

These are the evaluation's history: written in bulk, they emit none of the hooks a live
admission or discharge emits (a discharge from 2019 must not open a follow-up alert today).
The rules of `clients.services.stay_admit` / `stay_discharge` are checked over the whole file
instead: a ward of the stay's hospital, discharge not before admission, nothing in the future,
and no two stays of one client overlapping (in the file or with stays already recorded).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from bridgeway.clients.models import HospitalStay
from bridgeway.outcomes.models import DataSource, EDVisit

from ..rows import Column, Row, RowError
from ..staging import KEYS, Counts, Stage, Target, key_join, merge
from .base import KEY, Context, Kind, duplicate_keys, unknown_refs

STAYS = HospitalStay._meta.db_table
DESTINATIONS = {**{d.value: d.value for d in HospitalStay.Destination},
                "domicile": "home", "logement_supervise": "supported_housing",
                "refuge": "shelter", "autre_hopital": "other_hospital", "autre": "other"}
CLIENT_KEY = Column("client_key", "cle_client", note="the client's key in the clients file")
HOSPITAL = Column("hospital", "hopital", note="the hospital's code in Bridgeway")
UNKNOWN_CLIENT = gettext_noop("No client with this key has been imported from this source.")


def _hospital(row: Row, ctx: Context) -> int | None:
    return row.lookup("hospital", ctx.hospitals, gettext_noop("Unknown hospital code."))


def _client_key(row: Row) -> str:
    return row.text("client_key", required=True, max_length=64)


def parse_stay(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    client_key = _client_key(row)
    hospital = _hospital(row, ctx)
    ward = None
    if hospital is not None:
        ward = row.lookup("ward", ctx.wards.get(hospital, {}), gettext_noop("Unknown ward at this hospital."))
    admitted = row.date("admitted_on")
    discharged = row.date("discharged_on", required=False)
    if admitted and admitted > ctx.today:
        row.error("admitted_on", gettext_noop("An admission cannot be in the future."))
    if discharged and discharged > ctx.today:
        row.error("discharged_on", gettext_noop("A discharge cannot be recorded in the future."))
    if admitted and discharged and discharged < admitted:
        row.error("discharged_on", gettext_noop("Discharge is before admission."))
    destination = row.choice("discharge_destination", DESTINATIONS)
    if destination and not discharged:
        row.error("discharge_destination", gettext_noop("A destination needs a discharge date."))
    return (client_key, hospital, ward, admitted, discharged, destination)


def check_stays(stage: Stage, ctx: Context) -> list[RowError]:
    errors = duplicate_keys(stage, ctx)
    errors += unknown_refs(stage, ctx, column="client_key", kind="clients",
                           reason=UNKNOWN_CLIENT)
    errors += _overlaps(stage, ctx)
    return errors


def _overlaps(stage: Stage, ctx: Context) -> list[RowError]:
    """Stays of one client, in the file and already recorded (less those the file replaces),
    in admission order: each must begin on or after the previous one's discharge."""
    src = [ctx.source, ctx.source]
    rows = stage.query(
        f"WITH f AS (SELECT kc.object_id AS client_id, s.admitted_on, s.discharged_on, "  # noqa: S608  # nosec B608 — table names from the models, values are parameters
        f"s.line, ks.object_id AS replaces FROM {{stage}} s "
        f"JOIN {KEYS} kc ON {key_join('kc', 'clients', 's.client_key')} "
        f"LEFT JOIN {KEYS} ks ON {key_join('ks', 'stays', 's.key')}), "
        f"e AS (SELECT h.client_id, h.admitted_on, h.discharged_on, 0 AS line FROM {STAYS} h "
        f"WHERE h.client_id IN (SELECT client_id FROM f) AND NOT EXISTS "
        f"(SELECT 1 FROM f WHERE f.replaces = h.id)), "
        f"a AS (SELECT client_id, admitted_on, discharged_on, line FROM f UNION ALL "
        f"SELECT client_id, admitted_on, discharged_on, line FROM e), "
        f"o AS (SELECT line, admitted_on, LAG(admitted_on) OVER w AS prev_in, "
        f"LAG(discharged_on) OVER w AS prev_out, LAG(line) OVER w AS prev_line, "
        f"ROW_NUMBER() OVER w AS n FROM a "
        f"WINDOW w AS (PARTITION BY client_id ORDER BY admitted_on, line)) "
        f"SELECT line, admitted_on, prev_in, prev_out, prev_line FROM o "
        f"WHERE n > 1 AND (prev_out IS NULL OR admitted_on < prev_out) ORDER BY line", src)
    errors = []
    for line, admitted, prev_in, prev_out, prev_line in rows:
        if prev_line and prev_out:
            reason = gettext_noop("Overlaps the stay on line %(line)s (admitted %(start)s, discharged "
                        "%(end)s).")
        elif prev_line:
            reason = gettext_noop("Overlaps the stay on line %(line)s (admitted %(start)s, not discharged).")
        elif prev_out:
            reason = gettext_noop("Overlaps a stay already recorded (admitted %(start)s, discharged "
                        "%(end)s).")
        else:
            reason = gettext_noop("Overlaps a stay already recorded (admitted %(start)s, not discharged).")
        errors.append(RowError(line or 0, "admitted_on", str(admitted), ctx.t(reason) % {
            "line": prev_line, "start": prev_in, "end": prev_out}))
    # A file row that overlaps only an already-recorded stay listed first still has a line.
    return [e for e in errors if e.line]


STAY_TARGET = Target(
    model=HospitalStay, kind="stays",
    fields={"client_id": "kc.object_id", "hospital_id": "s.hospital_id", "ward_id": "s.ward_id",
            "admitted_on": "s.admitted_on", "discharged_on": "s.discharged_on",
            "discharge_destination": "s.destination"},
    joins=f"JOIN {KEYS} kc ON {key_join('kc', 'clients', 's.client_key')}", join_sources=1)


def write_stays(stage: Stage, ctx: Context) -> Counts:
    return merge(stage, STAY_TARGET, source=ctx.source, now=ctx.now)


STAYS_KIND = Kind(
    name="stays", label=gettext_lazy("Hospital stays"),
    columns=(KEY, CLIENT_KEY, HOSPITAL,
             Column("ward", "unite", note="the ward's name at that hospital, as in Bridgeway"),
             Column("admitted_on", "date_admission", note="YYYY-MM-DD"),
             Column("discharged_on", "date_conge", required=False,
                    note="YYYY-MM-DD; empty while the client is still in hospital"),
             Column("discharge_destination", "destination", required=False,
                    note="home, supported_housing, shelter, other_hospital, other")),
    staging=(("client_key", "text"), ("hospital_id", "int"), ("ward_id", "int"),
             ("admitted_on", "date"), ("discharged_on", "date"), ("destination", "text")),
    parse=parse_stay, check=check_stays, write=write_stays,
    coverage=(DataSource.STAYS, "SELECT hospital_id, MIN(admitted_on), "
              "MAX(COALESCE(discharged_on, admitted_on)) FROM {stage} GROUP BY hospital_id"))


def parse_visit(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    client_key = _client_key(row)
    hospital = _hospital(row, ctx)
    visited = row.date("visited_on")
    if visited and visited > ctx.today:
        row.error("visited_on", gettext_noop("A visit cannot be in the future."))
    mental_health = row.flag("mental_health", default=True)
    return (client_key, hospital, visited, mental_health)


def check_visits(stage: Stage, ctx: Context) -> list[RowError]:
    return duplicate_keys(stage, ctx) + unknown_refs(stage, ctx, column="client_key", kind="clients",
                                                reason=UNKNOWN_CLIENT)


VISIT_TARGET = Target(
    model=EDVisit, kind="ed_visits",
    fields={"client_id": "kc.object_id", "hospital_id": "s.hospital_id",
            "visited_on": "s.visited_on", "mental_health": "s.mental_health"},
    joins=f"JOIN {KEYS} kc ON {key_join('kc', 'clients', 's.client_key')}", join_sources=1)


def write_visits(stage: Stage, ctx: Context) -> Counts:
    return merge(stage, VISIT_TARGET, source=ctx.source, now=ctx.now)


VISITS_KIND = Kind(
    name="ed_visits", label=gettext_lazy("Emergency department visits"),
    columns=(KEY, CLIENT_KEY, HOSPITAL, Column("visited_on", "date_visite", note="YYYY-MM-DD"),
             Column("mental_health", "sante_mentale", required=False,
                    note="yes or no (default yes)")),
    staging=(("client_key", "text"), ("hospital_id", "int"), ("visited_on", "date"),
             ("mental_health", "bool")),
    parse=parse_visit, check=check_visits, write=write_visits,
    coverage=(DataSource.ED_VISITS, "SELECT hospital_id, MIN(visited_on), MAX(visited_on) "
              "FROM {stage} GROUP BY hospital_id"))
