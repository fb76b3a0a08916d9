"""Merging a duplicate client record into the surviving one (administrators; decision 0013).

Every row that points at the duplicate — stays, enrolments with their consents and history,
matches, contacts, goals, safety records, identifiers, ED visits, and whatever a later app
adds — is moved by walking the model's relations, so a new table cannot be forgotten. The
duplicate row stays, emptied and marked `merged_into`, as the record of what was merged; its
id redirects to the survivor. A ClientMerge row keeps who merged, when, why and what moved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor

from .models import CLOSED_STATUSES, Client, ClientIdentifier, ClientMerge

# Relations that describe merges themselves: history, never moved.
_KEEP = {(ClientMerge, "survivor"), (ClientMerge, "merged")}


def _check(survivor: Client, merged: Client) -> None:
    if survivor.pk == merged.pk:
        raise ValidationError({"survivor": _("Choose another record to merge into.")})
    if merged.merged_into_id or survivor.merged_into_id:
        raise ValidationError(_("One of these records has already been merged."))
    open_here = set(survivor.enrolments.exclude(status__in=CLOSED_STATUSES)
                    .values_list("site__name", flat=True))
    open_there = set(merged.enrolments.exclude(status__in=CLOSED_STATUSES)
                     .values_list("site__name", flat=True))
    if both := sorted(open_here & open_there):
        raise ValidationError(_("Both records have an open enrolment at %(sites)s: close one "
                                "first.") % {"sites": ", ".join(both)})
    if (survivor.stays.filter(discharged_on__isnull=True).exists()
            and merged.stays.filter(discharged_on__isnull=True).exists()):
        raise ValidationError(_("Both records have an open hospital stay: discharge one first."))
    cards = {i.value[:10] for i in ClientIdentifier.objects.filter(
        client__in=[survivor, merged], kind="health_card")}
    if len(cards) > 1:
        raise ValidationError(_("The two records have different health card numbers: they are "
                                "likely two people. Correct the wrong number first."))


def _move_identifiers(survivor: Client, merged: Client) -> int:
    kept = {(i.kind, i.hospital_id, i.blind_index) for i in survivor.identifiers.all()}
    moved = 0
    for identifier in merged.identifiers.all():
        if (identifier.kind, identifier.hospital_id, identifier.blind_index) in kept:
            identifier.delete()  # the survivor already holds this very number
        else:
            identifier.client = survivor
            identifier.save(update_fields=["client", "updated_at"])
            moved += 1
    return moved


def _move_relations(survivor: Client, merged: Client) -> dict[str, int]:
    moved: dict[str, int] = {"clients_clientidentifier": _move_identifiers(survivor, merged)}
    for relation in Client._meta.related_objects:
        model: type[models.Model] = relation.related_model
        name = relation.field.name
        if model is ClientIdentifier or (model, name) in _KEEP:
            continue
        manager = model._base_manager
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            field = relation.field
            assert isinstance(field, models.ManyToManyField)  # noqa: S101 — narrows for mypy  # nosec B101 — narrows the type for mypy; the relation is a many-to-many by construction
            column = field.m2m_reverse_field_name()
            rows = through._base_manager.filter(**{column: merged.pk})
            moved[through._meta.db_table] = rows.update(**{column: survivor.pk})
        elif relation.one_to_one and manager.filter(**{name: survivor}).exists():
            moved[f"{model._meta.db_table} (kept on the merged record)"] = (
                manager.filter(**{name: merged}).count())
        else:
            moved[model._meta.db_table] = manager.filter(**{name: merged}).update(
                **{name: survivor})
    survivor.languages.add(*merged.languages.all())
    survivor.interests.add(*merged.interests.all())
    return {table: count for table, count in moved.items() if count}


@transaction.atomic
def client_merge(*, actor: Actor, survivor: Client, merged: Client, reason: str) -> ClientMerge:
    """Move everything of `merged` to `survivor`, keep `merged` as a marked row, audit once
    (both clients as subjects). Refuses what would break a rule: two open enrolments at one
    site, two open stays, two different health cards."""
    if actor.user is None:
        raise ValidationError(_("A merge is made by a person, not by the system."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    locked = {c.pk: c for c in Client.objects.select_for_update().filter(
        pk__in=[survivor.pk, merged.pk])}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    _check(survivor, merged)
    try:
        with transaction.atomic():
            moved = _move_relations(survivor, merged)
    except IntegrityError as exc:  # e.g. an open bridging or outreach case on both records
        raise ValidationError(_("Both records have an open item that may exist only once per "
                                "client (a bridging or an outreach case): close one first.")
                              ) from exc
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = ClientMerge.objects.create(survivor=survivor, merged=merged, merged_by=actor.user,
                                       merged_at=timezone.now(), reason=reason.strip()[:300],
                                       moved=moved)
    record(who=actor.who, category="identity", action="merge",
           client_public_id=survivor.public_id, subjects=[survivor.public_id, merged.public_id],
           detail=f"merged:{merged.public_id}")
    return merge


def survivor_of(client: Client) -> Client:
    """The record a merged client now lives in (following merges of merges)."""
    seen = {client.pk}
    while client.merged_into_id is not None:
        client = Client.objects.get(pk=client.merged_into_id)
        if client.pk in seen:  # cannot happen through client_merge; never loop forever
            break
        seen.add(client.pk)
    return client
