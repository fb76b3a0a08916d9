"""Data for bench/outcomes.py: a large synthetic program written with bulk_create, and the raw
tables exported to Parquet for the analyst's script."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("America/Toronto")
SEED = 20251125


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def generate(n_stays: int, cutoff: date) -> dict[str, int]:  # noqa: C901, PLR0915  # one plan
    from bridgeway.clients.models import (
        Client,
        Enrolment,
        EnrolmentStatusChange,
        HospitalStay,
        Match,
    )
    from bridgeway.contacts.models import Contact
    from bridgeway.core.models import Organisation, ProgramSite, User, Ward
    from bridgeway.outcomes.models import DataCoverage, EDVisit, PerDiem
    from bridgeway.supporters.models import SupporterProfile

    rng = random.Random(SEED)
    hospitals = Organisation.objects.bulk_create([
        Organisation(name=f"Hospital {i}", code=f"h{i}", kind="hospital") for i in range(9)])
    peers = Organisation.objects.bulk_create([
        Organisation(name=f"Peers {i}", code=f"p{i}", kind="peer_org") for i in range(9)])
    wards = Ward.objects.bulk_create([
        Ward(hospital=h, name=f"{h.code}-{k}", ward_type="tertiary" if k == 2 else "acute")
        for h in hospitals for k in range(3)])
    ProgramSite.objects.bulk_create([
        ProgramSite(code=f"s{i}", name=f"Site {i}", hospital=h,
                    program_start_date=date(2023, 1 + i, 1)) for i, h in enumerate(hospitals)])
    sites = {s.hospital_id: s for s in ProgramSite.objects.all()}
    PerDiem.objects.bulk_create([PerDiem(hospital=h, ward_type="acute", amount=1200)
                                 for h in hospitals[:4]])
    DataCoverage.objects.bulk_create([
        DataCoverage(source=src, hospital=h, period_start=date(2019, 1, 1), period_end=cutoff,
                     complete_up_to=cutoff) for h in hospitals for src in ("stays", "ed_visits")])
    users = User.objects.bulk_create([User(username=f"peer{i}") for i in range(45)])
    supporters = SupporterProfile.objects.bulk_create([
        SupporterProfile(user=u, organisation=peers[i % 9], employment="volunteer", hours_per_week=10,
                         gender="woman") for i, u in enumerate(users)])
    by_hospital = {h.id: [w for w in wards if w.hospital_id == h.id] for h in hospitals}

    plans: list[list[tuple[Ward, date, date | None]]] = []
    total = 0
    while total < n_stays:
        h = rng.choice(hospitals)
        day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2400))
        stays: list[tuple[Ward, date, date | None]] = []
        for _ in range(rng.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]):
            ward = rng.choice(by_hospital[h.id])
            los = int(rng.lognormvariate(3.0 if ward.ward_type == "acute" else 4.0, 0.6)) + 1
            end: date | None = day + timedelta(days=los)
            if end is not None and end > cutoff and rng.random() < 0.5:
                end = None
            stays.append((ward, day, end))
            if end is None:
                break
            day = end if rng.random() < 0.05 else end + timedelta(
                days=max(1, int(rng.expovariate(1 / 150))))
        plans.append(stays[: n_stays - total])
        total += len(plans[-1])
    clients = Client.objects.bulk_create([
        Client(public_id=_uuid(rng), given_name="Bench", family_name=f"Client{i}",
               date_of_birth=date(1950 + rng.randint(0, 50), 1, 1),
               gender=rng.choice(["man", "woman"])) for i in range(len(plans))], batch_size=5000)
    made = HospitalStay.objects.bulk_create(
        [HospitalStay(public_id=_uuid(rng), client_id=c.id, hospital_id=w.hospital_id, ward=w,
                      admitted_on=a, discharged_on=d)
         for c, stays in zip(clients, plans, strict=True) for w, a, d in stays], batch_size=5000)
    enrolments = []
    referred: set[int] = set()
    now = datetime.combine(cutoff, time(12), tzinfo=TZ)
    for s in made:
        site = sites[s.hospital_id]
        if (s.client_id in referred or s.admitted_on < site.program_start_date
                or s.admitted_on > cutoff or rng.random() >= 0.3):
            continue
        referred.add(s.client_id)
        on = s.admitted_on + timedelta(days=rng.randint(0, 2))
        status = rng.choices(["active", "finished", "withdrawn", "declined", "referred"],
                             [40, 25, 10, 15, 10])[0]
        e = Enrolment(public_id=_uuid(rng), client_id=s.client_id, site=site, stay_id=s.id,
                      status=status, status_changed_at=now, referred_on=on,
                      social_relationships=rng.choice(["", "satisfied", "neutral", "unsatisfied"]))
        enrolments.append(e)
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    history, matches = [], []
    for e in enrolments:
        at = datetime.combine(e.referred_on, time(10), tzinfo=TZ)
        history.append(EnrolmentStatusChange(enrolment=e, from_status="", to_status="referred",
                                             changed_at=at))
        if e.status in ("referred",):
            continue
        changed = at + timedelta(days=rng.randint(1, 30))
        history.append(EnrolmentStatusChange(enrolment=e, from_status="referred",
                                             to_status=e.status, changed_at=changed))
        if e.status != "declined":
            start = e.referred_on + timedelta(days=rng.randint(2, 20))
            if start <= cutoff:
                ended = start + timedelta(days=rng.randint(60, 400))
                matches.append(Match(public_id=_uuid(rng), enrolment=e, client_id=e.client_id,
                                     supporter=rng.choice(supporters), site=e.site,
                                     status="ended" if ended <= cutoff else "active",
                                     started_on=start, ended_on=ended if ended <= cutoff else None,
                                     end_reason="completed" if ended <= cutoff else ""))
    EnrolmentStatusChange.objects.bulk_create(history, batch_size=5000)
    Match.objects.bulk_create(matches, batch_size=5000)
    contacts = []
    for m in matches:
        end = m.ended_on or cutoff
        day = m.started_on
        while day <= end:
            contacts.append(Contact(
                public_id=_uuid(rng), client_id=m.client_id, match=m, supporter=m.supporter,
                site=m.site, occurred_at=datetime.combine(day, time(14), tzinfo=TZ),
                duration_minutes=rng.choice([30, 45, 60, 90]),
                setting="ward" if (day - m.started_on).days < 10 else "community",
                outcome="met" if rng.random() < 0.85 else "no_show", logged_by=m.supporter.user))
            day += timedelta(days=rng.randint(4, 14))
    Contact.objects.bulk_create(contacts, batch_size=5000)
    first = {}
    for s in made:
        first.setdefault(s.client_id, s)
    visits = [EDVisit(client_id=c.id, hospital_id=first[c.id].hospital_id,
                      visited_on=first[c.id].admitted_on + timedelta(days=rng.randint(1, 700)),
                      mental_health=rng.random() < 0.9) for c in clients if rng.random() < 0.5]
    EDVisit.objects.bulk_create(visits, batch_size=5000)
    return {"clients": len(clients), "stays": len(made), "enrolments": len(enrolments),
            "matches": len(matches), "contacts": len(contacts), "ed_visits": len(visits)}


def export_raw(out: Path) -> dict[str, Path]:
    """The raw tables the analysis reads, written to Parquet (dates as dates)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.db import connection

    tables = {
        "stay": ("clients_hospitalstay", "id, client_id, hospital_id, ward_id, admitted_on, discharged_on"),
        "ward": ("core_ward", "id, hospital_id, ward_type"),
        "client": ("clients_client", "id, date_of_birth, gender"),
        "enrolment": ("clients_enrolment", "id, client_id, site_id, stay_id, referred_on, status, "
                                           "social_relationships"),
        "history": ("clients_enrolmentstatuschange", "enrolment_id, changed_at, to_status"),
        "site": ("core_programsite", "id, hospital_id, program_start_date, weekly_commitment_minutes"),
        "ed": ("outcomes_edvisit", "client_id, visited_on, mental_health"),
        "perdiem": ("outcomes_perdiem", "hospital_id, ward_type, amount"),
        "coverage": ("outcomes_datacoverage", "hospital_id, source, complete_up_to"),
        "match": ("clients_match", "enrolment_id, client_id, site_id, started_on, ended_on, end_reason"),
        "contact": ("contacts_contact", "client_id, site_id, occurred_at, setting, outcome, "
                                        "duration_minutes"),
        "bridging": ("safety_bridging", "client_id, started_on, established_on"),
    }
    paths = {}
    for key, (table, columns) in tables.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608  # fixed names
            names = [c[0] for c in cursor.description]
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
        for col in names:
            if col.endswith("_on") or col == "date_of_birth" or col == "program_start_date" \
                    or col == "complete_up_to":
                frame[col] = pd.to_datetime(frame[col]).dt.date
            if col in ("changed_at", "occurred_at"):
                frame[col] = pd.to_datetime(frame[col], utc=True)
            if col == "mental_health":
                frame[col] = frame[col].astype(bool)
            if col == "amount":
                frame[col] = frame[col].astype(float)
        path = out / f"{key}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        paths[key] = path
    return paths
