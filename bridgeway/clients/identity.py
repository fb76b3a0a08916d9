"""Services for a client's identifiers (MRN, health card, others): add and remove, audited.

Values are encrypted at rest and found by their blind index (bridgeway.core.crypto, decision
0013); neither the value nor its hash ever reaches the audit detail or a log line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core import crypto, encrypted_rows
from bridgeway.core.actors import Actor
from bridgeway.core.encrypted_rows import Progress
from bridgeway.core.models import Organisation

from .models import Client, ClientIdentifier, IdentifierKind
from .validators import (
    health_card_digits,
    normalise_health_card,
    normalise_identifier,
    validate_health_card_number,
)


@dataclass(frozen=True)
class Rotation:
    identifiers: int  # identifiers re-encrypted and re-indexed
    text_rows: int  # rows whose encrypted text was re-encrypted
    unreadable: int  # encrypted values no configured key opens (left as they are)


_IDENTIFIER = re.compile(r"^[A-Z0-9][A-Z0-9./_-]{0,39}$")


def normalised_value(kind: str, value: str) -> tuple[str, str]:
    """(what is stored, what is indexed) for a raw value; ValidationError on the `value` field."""
    if kind == IdentifierKind.HEALTH_CARD:
        try:
            validate_health_card_number(value)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from exc
        stored = normalise_health_card(value)
        return stored, health_card_digits(stored)
    if kind not in IdentifierKind.values:
        raise ValidationError({"kind": _("Choose what kind of identifier this is.")})
    stored = normalise_identifier(value)
    if not _IDENTIFIER.match(stored):
        raise ValidationError({"value": _(
            "An identifier is 1 to 40 letters, digits, dots, dashes or slashes.")})
    return stored, stored


def index_input(kind: str, indexed: str) -> str:
    # The kind is part of the hashed text: an MRN and a health card with the same digits
    # are different numbers.
    return f"{kind}|{indexed}"


def indexes_for(kind: str, value: str) -> list[str]:
    """The blind indexes (every key epoch) that an identifier of `kind` equal to `value` has;
    empty when the value cannot be one of that kind."""
    try:
        _stored, indexed = normalised_value(kind, value)
    except ValidationError:
        return []
    return crypto.blind_indexes(index_input(kind, indexed))


def identifiers_matching(value: str, *, kinds: tuple[str, ...] = tuple(IdentifierKind.values)
                         ) -> QuerySet[ClientIdentifier]:
    """Identifiers equal to `value` (of any of `kinds`), by blind index; not scoped to a user:
    callers (search, duplicate checks) scope the clients they return."""
    wanted = [index for kind in kinds for index in indexes_for(kind, value)]
    return ClientIdentifier.objects.filter(blind_index__in=wanted)


def identifier_build(*, client: Client, kind: str, value: str,
                     hospital: Organisation | None = None, label: str = "", source: str = "",
                     **extra: object) -> ClientIdentifier:
    """An unsaved, encrypted and indexed identifier for bulk paths (demo, import), which
    check uniqueness themselves (the constraints still hold) and audit the batch."""
    stored, indexed = normalised_value(kind, value)
    return ClientIdentifier(
        client=client, kind=kind, hospital=hospital if kind == IdentifierKind.MRN else None,
        label=label[:60], value_encrypted=crypto.encrypt(stored),
        blind_index=crypto.blind_index(index_input(kind, indexed)), source=source[:100],
        **extra)


def _taken(kind: str, hospital: Organisation | None, indexes: list[str]) -> ClientIdentifier | None:
    scope = Q(hospital=hospital) if hospital is not None else Q(hospital__isnull=True)
    return (ClientIdentifier.objects.filter(scope, kind=kind, blind_index__in=indexes)
            .select_related("client").first())


@transaction.atomic
def identifier_add(*, actor: Actor, client: Client, kind: str, value: str,
                   hospital: Organisation | None = None, label: str = "",
                   source: str = "") -> ClientIdentifier:
    """Record an identifier of `client`. One MRN per hospital and one health card number
    can each belong to one client only; a repeat is a field error, never a second row."""
    stored, indexed = normalised_value(kind, value)
    if kind == IdentifierKind.MRN:
        if hospital is None or hospital.kind != Organisation.Kind.HOSPITAL:
            raise ValidationError({"hospital": _("A medical record number needs its hospital.")})
    else:
        hospital = None
    if kind == IdentifierKind.OTHER and not label.strip():
        raise ValidationError({"label": _("Say what this identifier is.")})
    key = index_input(kind, indexed)
    existing = _taken(kind, hospital, crypto.blind_indexes(key))
    if existing is not None:
        if existing.client_id == client.pk:
            raise ValidationError({"value": _("This client already has this number.")})
        raise ValidationError({"value": _(
            "This number belongs to another client's record. If it is the same person, ask an "
            "administrator to merge the two records.")})
    identifier = ClientIdentifier(
        client=client, kind=kind, hospital=hospital, label=label.strip()[:60],
        value_encrypted=crypto.encrypt(stored), blind_index=crypto.blind_index(key),
        source=source.strip()[:100], added_by=actor.user)
    try:
        with transaction.atomic():
            identifier.save()
    except IntegrityError as exc:  # a concurrent add of the same number won the race
        raise ValidationError({"value": _("This number was just recorded for a client.")}) from exc
    _audit(actor, client=client, identifier=identifier, action="add_identifier")
    return identifier


@transaction.atomic
def health_card_set(*, actor: Actor, client: Client, value: str, source: str = "") -> None:
    """Make `value` the client's health card number (empty: none). Unchanged digits keep the
    row (a new version code is stored); a different number replaces it; each change audited."""
    current = client.identifiers.filter(kind=IdentifierKind.HEALTH_CARD).first()
    if not value.strip():
        if current is not None:
            identifier_remove(actor=actor, identifier=current)
        return
    stored, indexed = normalised_value(IdentifierKind.HEALTH_CARD, value)
    if current is not None:
        if current.blind_index in crypto.blind_indexes(index_input(IdentifierKind.HEALTH_CARD,
                                                                   indexed)):
            if current.value != stored:  # same card, new version code
                current.value_encrypted = crypto.encrypt(stored)
                current.save(update_fields=["value_encrypted", "updated_at"])
                _audit(actor, client=client, identifier=current, action="update_identifier")
            return
        identifier_remove(actor=actor, identifier=current)
    identifier_add(actor=actor, client=client, kind=IdentifierKind.HEALTH_CARD, value=stored,
                   source=source)


@transaction.atomic
def identifier_remove(*, actor: Actor, identifier: ClientIdentifier) -> None:
    client = identifier.client
    _audit(actor, client=client, identifier=identifier, action="remove_identifier")
    identifier.delete()


def _audit(actor: Actor, *, client: Client, identifier: ClientIdentifier, action: str) -> None:
    # The health card is its own category (who may see it differs from the name).
    category = "health_card" if identifier.kind == IdentifierKind.HEALTH_CARD else "identity"
    record(who=actor.who, category=category, action=action, client_public_id=client.public_id,
           detail=f"identifier:{identifier.public_id}:{identifier.kind}")


@transaction.atomic
def field_keys_rotate(*, actor: Actor, progress: Progress | None = None,
                      batch_size: int = 500) -> Rotation:
    """Re-encrypt under the newest BRIDGEWAY_FIELD_KEYS key every identifier (and re-index it)
    and every encrypted text column (decision 0020) made under an older key. One audit event
    for the whole rotation; `progress(rows)` is called as rows are done."""
    epoch_prefix = f"{crypto.current_epoch()}:"
    identifiers = 0
    stale = ClientIdentifier.objects.exclude(blind_index__startswith=epoch_prefix)
    for identifier in stale.iterator(chunk_size=batch_size):
        stored = crypto.decrypt(identifier.value_encrypted)
        _stored, indexed = normalised_value(identifier.kind, stored)
        identifier.value_encrypted = crypto.rotate(identifier.value_encrypted)
        identifier.blind_index = crypto.blind_index(index_input(identifier.kind, indexed))
        identifier.save(update_fields=["value_encrypted", "blind_index", "updated_at"])
        identifiers += 1
        if progress:
            progress(1)
    text = encrypted_rows.rotate_all(progress=progress)
    done = Rotation(identifiers=identifiers, text_rows=text.changed, unreadable=text.unreadable)
    record(who=actor.who, category="identity", action="rotate_field_keys",
           detail=f"identifiers:{done.identifiers} text_rows:{done.text_rows} "
                  f"unreadable:{done.unreadable} epoch:{crypto.current_epoch()}")
    return done


def rotation_size() -> int:
    """How many rows a rotation reads (for a progress bar)."""
    epoch_prefix = f"{crypto.current_epoch()}:"
    stale = ClientIdentifier.objects.exclude(blind_index__startswith=epoch_prefix).count()
    return stale + encrypted_rows.row_count(encrypted_rows.encrypted_tables())
