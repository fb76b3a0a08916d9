"""What every kind of import declares: its layout, how one row is parsed, what is checked
over the whole file, and how the clean file is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from bridgeway.core.actors import Actor
from bridgeway.core.models import (
    Interest,
    Language,
    Organisation,
    ProgramSite,
    TrainingModule,
    Ward,
)
from bridgeway.interop.models import ImportKey
from bridgeway.supporters.models import SupporterProfile

from ..rows import Column, Row, RowError, Translator
from ..staging import KEYS, Counts, Stage, key_join

KEY = Column("key", "cle", note="The source system's own key for this row; unique in the file.")


@dataclass(frozen=True)
class Duplicate:
    """A new client who may be someone already known (shown before anything is created)."""

    line: int
    key: str
    name: str
    date_of_birth: date
    existing_public_id: str
    existing_name: str
    reason: str


@dataclass
class Context:
    """What a row is checked against: reference data by code, the source, the clock."""

    actor: Actor
    source: str
    today: date
    now: datetime
    hospitals: dict[str, int] = field(default_factory=dict)
    # Wards by hospital id, then by name (case aside): wards have no code of their own.
    wards: dict[int, dict[str, int]] = field(default_factory=dict)
    sites: dict[str, int] = field(default_factory=dict)
    peer_orgs: dict[str, int] = field(default_factory=dict)
    modules: dict[str, int] = field(default_factory=dict)
    module_days: dict[int, int | None] = field(default_factory=dict)
    # Peer supporters by this source's key, then by username (keys first: a file that names
    # supporters by the source's own numbers means those).
    supporters: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    interests: dict[str, int] = field(default_factory=dict)
    # The sites each peer organisation serves (a supporter serves only those).
    served: dict[int, set[int]] = field(default_factory=dict)
    t: Translator = field(default_factory=Translator)

    @classmethod
    def load(cls, *, actor: Actor, source: str, now: datetime, today: date) -> Context:
        ctx = cls(actor=actor, source=source, today=today, now=now)
        for org in Organisation.objects.all():
            target = ctx.hospitals if org.kind == Organisation.Kind.HOSPITAL else ctx.peer_orgs
            target[org.code.lower()] = org.id
        for ward in Ward.objects.all():
            ctx.wards.setdefault(ward.hospital_id, {})[ward.name.lower()] = ward.id
        ctx.sites = {s.code.lower(): s.id for s in ProgramSite.objects.all()}
        for module in TrainingModule.objects.all():
            ctx.modules[module.code.lower()] = module.id
            ctx.module_days[module.id] = module.valid_for_days
        ctx.languages = {code.lower(): pk for pk, code in Language.objects.values_list("pk", "code")}
        ctx.interests = {slug.lower(): pk for pk, slug in Interest.objects.values_list("pk", "slug")}
        for org_id, site_id in ProgramSite.peer_organisations.through.objects.values_list(
                "organisation_id", "programsite_id"):
            ctx.served.setdefault(org_id, set()).add(site_id)
        ctx.supporters = {username.lower(): pk for pk, username in
                          SupporterProfile.objects.values_list("pk", "user__username")}
        ctx.supporters.update((key.lower(), pk) for key, pk in ImportKey.objects.filter(
            kind="supporters", source=source).values_list("key", "object_id"))
        return ctx


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    columns: tuple[Column, ...]
    # The staged columns after line, key and public id: (name, type).
    staging: tuple[tuple[str, str], ...]
    # One row → the staged values after the key (None when the row has errors).
    parse: Callable[[Row, Context], tuple[Any, ...] | None]
    # Checks over the whole staged file (keys it refers to, overlaps, …).
    check: Callable[[Stage, Context], list[RowError]]
    write: Callable[[Stage, Context], Counts]
    # The evaluation's data source these rows complete (outcomes.models.DataSource), if any:
    # (source, SQL giving hospital id, first date, last date per hospital over the stage).
    coverage: tuple[str, str] | None = None
    duplicates: Callable[[Stage, Context], list[Duplicate]] | None = None


def duplicate_keys(stage: Stage, ctx: Context) -> list[RowError]:
    """A key twice in one file: every later line is an error naming the first."""
    rows = stage.query(
        "SELECT s.line, s.key, f.first FROM {stage} s JOIN (SELECT key, MIN(line) AS first "
        "FROM {stage} GROUP BY key HAVING COUNT(*) > 1) f ON f.key = s.key "
        "WHERE s.line > f.first ORDER BY s.line")
    reason = ctx.t(gettext_noop("This key is already used on line %(line)s."))
    return [RowError(line, "key", key, reason % {"line": first}) for line, key, first in rows]


def unknown_refs(stage: Stage, ctx: Context, *, column: str, kind: str, reason: str
                 ) -> list[RowError]:
    """Rows naming a key of another kind that no import of this source has brought in."""
    rows = stage.query(
        f"SELECT s.line, s.{column} FROM {{stage}} s LEFT JOIN {KEYS} k "  # noqa: S608  # nosec B608 — column and kind come from the layouts, values are parameters
        f"ON {key_join('k', kind, f's.{column}')} WHERE k.id IS NULL ORDER BY s.line",
        [ctx.source])
    text = ctx.t(reason)
    return [RowError(line, column, value, text) for line, value in rows]
