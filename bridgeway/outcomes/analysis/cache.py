"""The dashboard's figures are cached per *data version*: a fingerprint of every table the
evaluation reads (row count, highest id, latest change), read in one query. A new or edited
stay, enrolment, status change, contact, match, ED visit, per-diem, coverage declaration or
ward assignment changes the fingerprint, so the next page computes afresh; a repeat load with
unchanged data costs that one query and a cache read.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection
from django.db.models import Model

from bridgeway.clients.models import Client, Enrolment, EnrolmentStatusChange, HospitalStay, Match
from bridgeway.contacts.models import Contact
from bridgeway.core.models import ProgramSite, Ward
from bridgeway.safety.models import Bridging

from ..models import DataCoverage, EDVisit, PerDiem, ProgramWard

VERSION = "outcomes-evaluation-v2"
TRACKED: list[type[Model]] = [HospitalStay, Enrolment, EnrolmentStatusChange, Contact, Match,
                              Client, EDVisit, PerDiem, DataCoverage, ProgramWard, ProgramSite,
                              Ward, Bridging]


def data_version() -> str:
    """One query: count, max id and (where the table has it) latest update of each table."""
    parts = []
    for model in TRACKED:
        table = model._meta.db_table
        changed = ("MAX(updated_at)" if any(f.name == "updated_at" for f in model._meta.fields)
                   else "NULL")
        parts.append(f"SELECT '{table}', COUNT(*), MAX(id), {changed} FROM {table}")  # noqa: S608  # nosec B608 — table names and integers only, no user input
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = [tuple(str(v) for v in row) for row in cursor.fetchall()]
    return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()[:20]


def key(**parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str)
    return f"{VERSION}:{hashlib.sha256(blob.encode()).hexdigest()[:32]}"
