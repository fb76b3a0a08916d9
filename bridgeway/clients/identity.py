"""Services for a client's identifiers (MRN, health card, others): add and remove, audited.

Values are encrypted at rest and found by their blind index (bridgeway.core.crypto, decision
0013); neither the value nor its hash ever reaches the audit detail or a log line.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core import crypto
from bridgeway.core.actors import Actor
from bridgeway.core.models import Organisation

from .models import Client, ClientIdentifier, IdentifierKind
from .validators import (
    health_card_digits,
    normalise_health_card,
    normalise_identifier,
    validate_health_card_number,
)

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
def identifiers_rotate(*, actor: Actor, batch_size: int = 500) -> int:
    """Re-encrypt and re-index every identifier made under an older key (after a new key was
    added to BRIDGEWAY_FIELD_KEYS); returns how many rows changed. One audit event."""
    epoch_prefix = f"{crypto.current_epoch()}:"
    changed = 0
    stale = ClientIdentifier.objects.exclude(blind_index__startswith=epoch_prefix)
    for identifier in stale.iterator(chunk_size=batch_size):
        stored = crypto.decrypt(identifier.value_encrypted)
        _stored, indexed = normalised_value(identifier.kind, stored)
        identifier.value_encrypted = crypto.rotate(identifier.value_encrypted)
        identifier.blind_index = crypto.blind_index(index_input(identifier.kind, indexed))
        identifier.save(update_fields=["value_encrypted", "blind_index", "updated_at"])
        changed += 1
    record(who=actor.who, category="identity", action="rotate_field_keys",
           detail=f"rows:{changed} epoch:{crypto.current_epoch()}")
    return changed
