"""Append-only, hash-chained audit of every view and change of client data.

Rows hold identifiers as plain values (not foreign keys) so that nothing done to users or
clients later can rewrite a row; the chain is checked by `bridgeway audit verify`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "allowed"
        DENIED = "denied", "denied"

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_public_id = models.UUIDField(null=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    site_code = models.CharField(max_length=40, blank=True)
    client_public_id = models.UUIDField(null=True, db_index=True)
    category = models.CharField(max_length=40)
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # A short machine-readable detail (URL name, object id); never names or clinical text.
    detail = models.CharField(max_length=200, blank=True)
    # For list pages: the public ids of every client shown, so "who accessed" finds them too.
    subjects = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit events are append-only.")


class AuditSubject(models.Model):
    """Index of clients shown by a list-page event (their ids are also hashed in `subjects`)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, related_name="subject_rows",
                              db_constraint=False)
    client_public_id = models.UUIDField(db_index=True)
