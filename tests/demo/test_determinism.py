"""Same seed, same day: the same program, every step and every table included.

Rows written through the services carry their own public ids (uuid4) and the time they were
written; everything else must match. Keys are compared by rank within their table (the order
rows were written), so the comparison holds on PostgreSQL too, where sequences do not roll back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from bridgeway.demo.run import run_demo

pytestmark = pytest.mark.django_db

UUID_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
SKIPPED_FIELDS = {"public_id", "password"}  # uuid4 of service-written rows; a salted hash
SKIPPED_APPS = {"audit"}  # compared by category and action below (its rows hold hashes and times)


class _Rollback(Exception):
    pass


def _models() -> list[type[models.Model]]:
    return [m for config in apps.get_app_configs()
            if config.name.startswith("bridgeway.") and config.label not in SKIPPED_APPS
            for m in config.get_models(include_auto_created=True)]


def _normal(value: Any, started: dt.datetime, finished: dt.datetime) -> Any:
    if isinstance(value, dt.datetime):
        # Stamped by a service while the demo ran (the demo itself writes whole minutes).
        if started <= value <= finished and (value.second, value.microsecond) != (0, 0):
            return "<now>"
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return "<uuid>"
    if isinstance(value, str):
        return STAMP.sub(lambda m: _stamp(m, started, finished), UUID_TEXT.sub("<uuid>", value))
    return value


def _stamp(match: re.Match[str], started: dt.datetime, finished: dt.datetime) -> str:
    """A minute written into a text by a service (an incident's follow-up log, say)."""
    at = dt.datetime.strptime(match.group(0), "%Y-%m-%d %H:%M").replace(
        tzinfo=timezone.get_current_timezone())
    early = started.replace(second=0, microsecond=0)
    return "<now>" if early <= at <= finished else match.group(0)


def fingerprint(started: dt.datetime, finished: dt.datetime) -> dict[str, str]:
    ranks = {m: {pk: n for n, pk in enumerate(sorted(m._base_manager.values_list("pk", flat=True)))}
             for m in _models()}
    out = {}
    for model in _models():
        fields = [f for f in model._meta.concrete_fields
                  if f.name not in SKIPPED_FIELDS and not getattr(f, "auto_now", False)
                  and not getattr(f, "auto_now_add", False)]
        rows = []
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            values = []
            for field, value in zip(fields, row, strict=True):
                if field.primary_key:
                    values.append(ranks[model].get(value))
                elif field.is_relation and field.related_model in ranks:
                    values.append(ranks[field.related_model].get(value))  # type: ignore[index]
                else:
                    values.append(_normal(value, started, finished))
            rows.append(repr(values))
        digest = hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()
        out[model._meta.label] = f"{len(rows)}:{digest[:16]}"
    from bridgeway.audit.models import AuditEvent

    out["audit"] = repr(sorted(AuditEvent.objects.values_list("category", "action",
                                                             "actor_username")))
    return out


def _run_and_fingerprint(seed: int) -> dict[str, str]:
    result: dict[str, str] = {}
    try:
        with transaction.atomic():
            started = timezone.now()
            run_demo(seed)
            result = fingerprint(started, timezone.now())
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_the_whole_program_is_the_same_for_the_same_seed() -> None:
    first = _run_and_fingerprint(1)
    second = _run_and_fingerprint(1)
    assert len(first) > 50
    assert {k: v for k, v in first.items() if not v.startswith("0:")}, "nothing was written"
    different = sorted(k for k in first if first[k] != second.get(k))
    assert not different, f"tables that differ between two runs of seed 1: {different}"
