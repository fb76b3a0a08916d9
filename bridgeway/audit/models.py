"""Append-only audit of every view and change of client data, and the keyed chain that seals it.

Rows hold identifiers as plain values (not foreign keys) so that nothing done to users or
clients later can rewrite a row. Writers insert events without waiting for one another; a short
sealing step appends them, in order, to the keyed chain in `AuditSeal` (decision 0008), and
`bridgeway audit verify` checks both.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


class CurrentTransactionId(models.Func):
    """The inserting transaction's id (PostgreSQL's 64-bit `pg_current_xact_id()`), 0 on SQLite.

    Used as the column's database default, so the id costs the insert nothing and no writer
    can forget it. The sealing step orders events by (transaction, seq): see decision 0008.
    """

    template = "(pg_current_xact_id()::text::bigint)"
    output_field = models.BigIntegerField()

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper,
                  **extra_context: Any) -> tuple[str, tuple[str | int, ...]]:
        # SQLite runs one writer at a time, so commit order is id order: no transaction id.
        return "0", ()


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "allowed"
        DENIED = "denied", "denied"

    # From the table's sequence at insert time: concurrent writers never wait for each other.
    seq = models.BigAutoField(primary_key=True)
    # Random per event and inside the MAC, so a copied row shows up as a duplicate.
    nonce = models.UUIDField(default=uuid.uuid4, editable=False)
    xact = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)
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
    # HMAC of the row's content by the writer (key epoch + hex digest): a row inserted by
    # someone without the key is found even before it is sealed.
    mac_epoch = models.PositiveSmallIntegerField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["xact", "seq"], name="audit_event_chain_order")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit events are append-only.")


class AuditSubject(models.Model):
    """Index of clients shown by a list-page event; verify checks it against `subjects`."""

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, related_name="subject_rows",
                              db_constraint=False)
    client_public_id = models.UUIDField(db_index=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit subject rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit subject rows are append-only.")


class AuditSeal(models.Model):
    """One link of the keyed chain: event `event_seq` sealed at `position` (1, 2, 3, …).

    hmac = HMAC-SHA256(key[epoch], prev | position | event's seq, transaction and content).
    Append-only like the events; the latest link, exported as the chain head, is what an
    administrator keeps outside the database.
    """

    position = models.BigIntegerField(primary_key=True)
    event_seq = models.BigIntegerField(unique=True)
    event_xact = models.BigIntegerField()
    epoch = models.PositiveSmallIntegerField()
    prev = models.CharField(max_length=64)
    hmac = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Audit seals are written only by the sealing step, in bulk.")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit seals are append-only.")
