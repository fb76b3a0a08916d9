"""Retention: clients with no activity for `BRIDGEWAY_RETENTION_YEARS` are deleted, each audited.

"Activity" is the newest creation or change time of the client's record or of any row that
points at it (stays, enrolments, consents, matches, contacts, appointments, goals, safety
records, ED visits, identifiers…). The rows are found through Django's relations at run time,
so a table added later counts without this module naming it (and without clients importing the
apps above it). A client merged into another is kept as long as the survivor is (the merge
record protects both) — the survivor's deletion takes its merged records with it.

The audit event of a deletion names the client's public id, never a name (the record it would
name is gone; the id ties the deletion to the earlier events about that client).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import models, transaction
from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor

from .models import Client, ClientMerge, Match


def _newest(model: type[models.Model], fk: str) -> Subquery | None:
    names = {f.name for f in model._meta.concrete_fields}
    stamp = "updated_at" if "updated_at" in names else ("created_at" if "created_at" in names
                                                        else None)
    if stamp is None:
        return None
    rows = (model._default_manager.filter(**{fk: OuterRef("pk")}).order_by()
            .values(fk).annotate(newest=models.Max(stamp)).values("newest"))
    return Subquery(rows, output_field=DateTimeField())


def last_activity() -> Any:
    """The newest time the client's record or anything pointing at it was written."""
    floor = Value(datetime(1900, 1, 1, tzinfo=UTC), output_field=DateTimeField())
    parts: list[Any] = [F("updated_at")]  # F and expressions alike
    for relation in Client._meta.related_objects:
        if relation.related_model is Client or not relation.field.concrete:
            continue
        sub = _newest(relation.related_model, relation.field.name)
        if sub is not None:
            # Greatest is NULL on SQLite as soon as one part is: a client without stays
            # must still count its other activity.
            parts.append(Coalesce(sub, floor))
    return Greatest(*parts) if len(parts) > 1 else parts[0]


def clients_expired(*, now: datetime, years: int) -> QuerySet[Client]:
    """Clients whose last activity is more than `years` before `now` (none when years <= 0).

    Merged-away records are left to their survivor's deletion."""
    if years <= 0:
        return Client.objects.none()
    cutoff = now - relativedelta(years=years)
    return (Client.objects.filter(merged_into__isnull=True)
            .annotate(last_activity=last_activity()).filter(last_activity__lt=cutoff)
            .order_by("last_activity"))


@dataclass(frozen=True)
class Purged:
    public_id: str
    rows: int


@transaction.atomic
def client_purge(*, actor: Actor, client: Client, reason: str) -> Purged:
    """Delete a client and everything about them (merged-away records too), auditing each
    deleted record in the same transaction."""
    merged = list(Client.objects.filter(merged_into=client))
    deleted = 0
    for person in [*merged, client]:
        record(who=actor.who, category="records", action="delete",
               client_public_id=person.public_id, detail=reason[:200])
    ClientMerge.objects.filter(survivor=client).delete()
    for person in [*merged, client]:
        # Matches protect their client (a match is not lost by accident); here it goes too.
        deleted += Match.objects.filter(client=person).delete()[0]
        deleted += person.delete()[0]
    return Purged(public_id=str(client.public_id), rows=deleted)
