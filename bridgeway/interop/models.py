"""Where imported rows came from, and what each import did.

`ImportKey` maps the source system's key of a row (a client number, an admission number) to
the Bridgeway row it became, so that importing the same file again changes nothing and a
corrected file updates what changed (decision 0014). A mapping table rather than columns on
the domain models: the rooms stay free of any one source's keys, and a client known to two
systems simply has two keys.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.core.models import BaseModel


class ImportKind(models.TextChoices):
    CLIENTS = "clients", _("Clients with identifiers")
    STAYS = "stays", _("Hospital stays")
    ED_VISITS = "ed_visits", _("Emergency department visits")
    SUPPORTERS = "supporters", _("Peer supporters")
    TRAINING = "training", _("Training records")
    ENROLMENTS = "enrolments", _("Enrolments")
    MATCHES = "matches", _("Matches")


class ImportKey(models.Model):
    """One source key of one imported row: (kind, source, key) → the row's integer id."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    source = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "source", "key"],
                                               name="import_key_unique")]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.source}:{self.key}"


class ImportRun(BaseModel):
    """One applied (or rehearsed) import: counts only, never a name or a row's content."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    source = models.CharField(_("source system"), max_length=40)
    file_name = models.CharField(_("file"), max_length=200)
    dry_run = models.BooleanField(_("dry run"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("bad rows"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.created_at:%Y-%m-%d})"
