"""A client row's identifiers: the health card number and the hospital's medical record number.

They are written as `clients.ClientIdentifier` rows the way `clients.identity.identifier_add`
writes them (value encrypted, found by its blind index, decision 0013), with the import's
source (`import:<source>`), so a corrected file replaces what that source said and nothing
another source or a person entered. One MRN per hospital and one health card belong to one
client: a file that gives a known number to someone else is refused row by row; a new key
whose number is already known is the same client (de-duplication by identifier).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop

from bridgeway.clients.identity import index_input, normalised_value
from bridgeway.clients.models import ClientIdentifier, IdentifierKind
from bridgeway.clients.validators import health_card_digits
from bridgeway.core import crypto

from ..rows import Row, RowError
from ..staging import KEYS, Stage, distinct, is_postgres, key_join
from .base import Context

IDS = ClientIdentifier._meta.db_table
CARD, MRN = IdentifierKind.HEALTH_CARD.value, IdentifierKind.MRN.value
STAGED = (("card_index", "text"), ("mrn_hospital_id", "int"), ("mrn", "text"),
          ("mrn_index", "text"))
CHUNK = 2000


def parse(row: Row, ctx: Context, card: str) -> tuple[Any, ...]:
    """(card index, MRN hospital id, MRN, MRN index) for the staged row."""
    card_index = crypto.blind_index(index_input(CARD, health_card_digits(card))) if card else ""
    mrn_raw, hospital_code = row.raw("mrn"), row.raw("mrn_hospital")
    if not mrn_raw:
        if hospital_code:
            row.error("mrn", gettext_noop("A hospital is given but no medical record number."))
        return (card_index, None, "", "")
    hospital = row.lookup("mrn_hospital", ctx.hospitals, gettext_noop("Unknown hospital code."))
    try:
        mrn, indexed = normalised_value(MRN, mrn_raw)
    except ValidationError as exc:
        row.error("mrn", " ".join(exc.messages))
        return (card_index, None, "", "")
    return (card_index, hospital, mrn, crypto.blind_index(index_input(MRN, indexed)))


def check(stage: Stage, ctx: Context) -> list[RowError]:
    """An MRN twice in the file under two keys; a known key given someone else's number."""
    rows = stage.query(
        "SELECT s.line, s.mrn, f.first FROM {stage} s JOIN (SELECT mrn_hospital_id, mrn_index, "
        "MIN(line) AS first FROM {stage} WHERE mrn <> '' GROUP BY mrn_hospital_id, mrn_index "
        "HAVING COUNT(DISTINCT key) > 1) f ON f.mrn_hospital_id = s.mrn_hospital_id "
        "AND f.mrn_index = s.mrn_index WHERE s.line > f.first ORDER BY s.line")
    reason = ctx.t(gettext_noop(
        "This medical record number is also on line %(line)s, under another key."))
    errors = [RowError(line, "mrn", mrn, reason % {"line": first}) for line, mrn, first in rows]
    taken = ctx.t(gettext_noop("This number belongs to another client's record."))
    for column, condition in (("health_card_number", f"i.kind = '{CARD}' AND i.blind_index = s.card_index"),
                              ("mrn", f"i.kind = '{MRN}' AND i.hospital_id = s.mrn_hospital_id "
                                      "AND i.blind_index = s.mrn_index")):
        rows = stage.query(
            f"SELECT DISTINCT s.line FROM {{stage}} s JOIN {KEYS} k ON {key_join('k', 'clients', 's.key')} "  # noqa: S608  # nosec B608 — table names from the models
            f"JOIN {IDS} i ON {condition} WHERE i.client_id <> k.object_id ORDER BY s.line",
            [ctx.source])
        errors += [RowError(line, column, "", taken) for (line,) in rows]
    return errors


def link(stage: Stage, ctx: Context) -> int:
    """New keys whose health card or MRN is already recorded: the same client."""
    linked = 0
    for condition in (f"i.kind = '{CARD}' AND i.blind_index = s.card_index",
                      f"i.kind = '{MRN}' AND i.hospital_id = s.mrn_hospital_id "
                      "AND i.blind_index = s.mrn_index"):
        linked += stage.execute(
            f"INSERT INTO {KEYS} (kind, source, key, object_id) "  # noqa: S608  # nosec B608 — table names from the models
            f"SELECT 'clients', %s, s.key, MIN(i.client_id) FROM {{stage}} s JOIN {IDS} i "
            f"ON {condition} LEFT JOIN {KEYS} k ON {key_join('k', 'clients', 's.key')} "
            "WHERE k.id IS NULL GROUP BY s.key", [ctx.source, ctx.source])
    return linked


def write(stage: Stage, ctx: Context) -> int:
    """Replace what this source said before, then add the numbers not yet recorded."""
    source = f"import:{ctx.source}"[:100]
    joined = f"{{stage}} s JOIN {KEYS} k ON {key_join('k', 'clients', 's.key')}"
    stage.execute(
        f"DELETE FROM {IDS} WHERE source = %s AND EXISTS (SELECT 1 FROM {joined} "  # noqa: S608  # nosec B608 — table names from the models
        f"WHERE k.object_id = {IDS}.client_id AND (({IDS}.kind = '{CARD}' AND "
        f"{distinct('s.card_index', f'{IDS}.blind_index')}) OR ({IDS}.kind = '{MRN}' AND "
        f"{IDS}.hospital_id = s.mrn_hospital_id AND {distinct('s.mrn_index', f'{IDS}.blind_index')})))",
        [source, ctx.source])
    wanted = stage.query(
        f"SELECT k.object_id, '{CARD}', NULL, s.card, s.card_index FROM {joined} "  # noqa: S608  # nosec B608 — table names from the models
        f"WHERE s.card <> '' AND NOT EXISTS (SELECT 1 FROM {IDS} i WHERE i.kind = '{CARD}' "
        "AND i.blind_index = s.card_index) UNION ALL "
        f"SELECT k.object_id, '{MRN}', s.mrn_hospital_id, s.mrn, s.mrn_index FROM {joined} "
        f"WHERE s.mrn <> '' AND NOT EXISTS (SELECT 1 FROM {IDS} i WHERE i.kind = '{MRN}' "
        "AND i.hospital_id = s.mrn_hospital_id AND i.blind_index = s.mrn_index)",
        [ctx.source, ctx.source])
    now = timezone.now()
    if is_postgres():
        # COPY, not bulk_create: a client file brings two numbers per person.
        columns = ("public_id, created_at, updated_at, client_id, kind, hospital_id, label, "
                   "value_encrypted, blind_index, source")
        with connection.cursor() as cursor, cursor.copy(
                f"COPY {IDS} ({columns}) FROM STDIN") as copy:
            for client_id, kind, hospital_id, value, index in wanted:
                copy.write_row((uuid.uuid4(), now, now, client_id, kind, hospital_id, "",
                                crypto.encrypt(value), index, source))
        return len(wanted)
    for start in range(0, len(wanted), CHUNK):
        ClientIdentifier.objects.bulk_create(
            [ClientIdentifier(client_id=client_id, kind=kind, hospital_id=hospital_id,
                              value_encrypted=crypto.encrypt(value), blind_index=index,
                              source=source, created_at=now, updated_at=now)
             for client_id, kind, hospital_id, value, index in wanted[start:start + CHUNK]])
    return len(wanted)

