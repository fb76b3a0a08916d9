"""Clients: who they are and how other systems know them.

De-duplication, in this order (decision 0014): a key this source has brought before is the
same client (updated if a value changed); otherwise a client already holding the same health
card number or the same MRN at the same hospital (`identifiers.py`) is the same person, and
the key is attached to them; otherwise the row is a new
client, and one with the same date of birth and the same family or given name (accents and
case aside) is listed as a likely duplicate in the preview, for a person to look at.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, gettext_noop

from bridgeway.clients.models import Client
from bridgeway.clients.validators import normalise_health_card, validate_health_card_number
from bridgeway.core.choices import Gender
from bridgeway.core.models import fsa_validator
from bridgeway.core.text import digits_only, normalise_name

from ..rows import Column, Row, RowError
from ..staging import KEYS, Counts, Stage, Target, key_join, merge
from .base import KEY, Context, Duplicate, Kind, duplicate_keys
from .identifiers import CARD, IDS, MRN, STAGED
from .identifiers import check as check_identifiers
from .identifiers import link as link_identifiers
from .identifiers import parse as parse_identifiers
from .identifiers import write as write_identifiers

GENDERS = {**{g.value: g.value for g in Gender}, "f": "woman", "m": "man", "femme": "woman",
           "homme": "man", "w": "woman", "x": "non_binary", "non-binary": "non_binary",
           "non_binaire": "non_binary", "other": "other", "autre": "other"}
CLIENTS = Client._meta.db_table

COLUMNS = (
    KEY,
    Column("given_name", "prenom"),
    Column("family_name", "nom"),
    Column("date_of_birth", "date_naissance", note="YYYY-MM-DD"),
    Column("gender", "genre", required=False,
           note="woman, man, non_binary, two_spirit, other, undisclosed (F/M accepted)"),
    Column("health_card_number", "carte_sante", required=False,
           note="Ontario: 10 digits and an optional version code; checked"),
    Column("home_fsa", "rta", required=False, note="first three characters of the postal code"),
    Column("phone", "telephone", required=False),
    Column("mrn", "dossier", required=False, note="the hospital's medical record number"),
    Column("mrn_hospital", "hopital_dossier", required=False,
           note="the code of the hospital that issued the MRN (required with an MRN)"),
)


def parse(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    given = row.text("given_name", required=True)
    family = row.text("family_name", required=True)
    born = row.date("date_of_birth")
    if born is not None and not (ctx.today.year - 120 <= born.year and born <= ctx.today):
        row.error("date_of_birth", gettext_noop("A date of birth must be in the past 120 years."))
    card = normalise_health_card(row.raw("health_card_number"))
    if card:
        try:
            validate_health_card_number(card)
        except ValidationError as exc:
            row.error("health_card_number", exc.messages[0])  # already translated
    fsa = row.raw("home_fsa").upper()
    if fsa:
        try:
            fsa_validator(fsa)
        except ValidationError as exc:
            row.error("home_fsa", exc.messages[0])
    gender = row.choice("gender", GENDERS, default=Gender.UNDISCLOSED)
    phone = row.text("phone", max_length=30)
    # The search columns a save would derive (clients.models.DerivedField), computed here
    # because the bulk path does not call save().
    return (given, family, born, card, gender, fsa, phone, normalise_name(given, family),
            digits_only(phone), *parse_identifiers(row, ctx, card))


def check(stage: Stage, ctx: Context) -> list[RowError]:
    errors = duplicate_keys(stage, ctx)
    # Compared by blind index: the same card with another version code is the same card.
    rows = stage.query(
        "SELECT s.line, s.card, f.first FROM {stage} s JOIN (SELECT card_index, MIN(line) AS "
        "first FROM {stage} WHERE card <> '' GROUP BY card_index HAVING COUNT(DISTINCT key) > 1) "
        "f ON f.card_index = s.card_index WHERE s.line > f.first ORDER BY s.line")
    errors += [RowError(line, "health_card_number", card,
                        ctx.t(gettext_noop("This health card number is also on line %(line)s, under another key."))
                        % {"line": first}) for line, card, first in rows]
    # A known key given someone else's card or MRN: identifiers.check (by blind index; the
    # client row holds no health card since clients migration 0004).
    return errors + check_identifiers(stage, ctx)


TARGET = Target(model=Client, kind="clients", fields={
    "given_name": "s.given_name", "family_name": "s.family_name",
    "date_of_birth": "s.date_of_birth", "gender": "s.gender",
    "home_fsa": "s.home_fsa", "phone": "s.phone", "search_name": "s.search_name",
    "phone_digits": "s.phone_digits"})


def write(stage: Stage, ctx: Context) -> Counts:
    link_identifiers(stage, ctx)
    counts = merge(stage, TARGET, source=ctx.source, now=ctx.now)
    write_identifiers(stage, ctx)
    return counts


def duplicates(stage: Stage, ctx: Context) -> list[Duplicate]:
    """New rows (key unknown, no shared health card) whose date of birth and one of the names
    match a client already recorded."""
    rows = stage.query(
        f"SELECT s.line, s.key, s.given_name, s.family_name, s.date_of_birth, c.public_id, "  # noqa: S608  # nosec B608 — table names from the models
        f"c.given_name, c.family_name FROM {{stage}} s "
        f"JOIN {CLIENTS} c ON c.date_of_birth = s.date_of_birth "
        "AND (LOWER(c.family_name) = LOWER(s.family_name) "
        "OR LOWER(c.given_name) = LOWER(s.given_name)) "
        f"LEFT JOIN {KEYS} k ON {key_join('k', 'clients', 's.key')} "
        f"WHERE k.id IS NULL AND (s.card = '' OR NOT EXISTS (SELECT 1 FROM {IDS} i "
        f"WHERE i.client_id = c.id AND i.kind = '{CARD}' "
        "AND i.blind_index = s.card_index)) "
        "ORDER BY s.line LIMIT 1000", [ctx.source])
    reason = ctx.t(gettext_noop("Same date of birth and a similar name."))
    same = ctx.t(gettext_noop("Same health card or medical record number: this row will update "
                              "that client."))
    rows = [(*r, reason) for r in rows] + [(*r, same) for r in stage.query(
        f"SELECT DISTINCT s.line, s.key, s.given_name, s.family_name, s.date_of_birth, "  # noqa: S608  # nosec B608 — table names from the models
        f"c.public_id, c.given_name, c.family_name FROM {{stage}} s JOIN {IDS} i "
        f"ON (i.kind = '{CARD}' AND i.blind_index = s.card_index) OR "
        f"(i.kind = '{MRN}' AND i.hospital_id = s.mrn_hospital_id "
        "AND i.blind_index = s.mrn_index) "
        f"JOIN {CLIENTS} c ON c.id = i.client_id "
        f"LEFT JOIN {KEYS} k ON {key_join('k', 'clients', 's.key')} "
        "WHERE k.id IS NULL ORDER BY s.line LIMIT 1000", [ctx.source])]
    found = []
    seen: set[tuple[int, str]] = set()
    # An identifier match says more than a name: list it, and each pair once.
    for line, key, given, family, born, public_id, c_given, c_family, why in sorted(
            rows, key=lambda r: (r[0], r[-1] != same)):
        if (line, str(public_id)) in seen:
            continue
        seen.add((line, str(public_id)))
        found.append(Duplicate(
            line=line, key=key, name=f"{given} {family}", date_of_birth=born,
            existing_public_id=str(uuid.UUID(str(public_id))), existing_name=f"{c_given} {c_family}",
            reason=why))
    return found


KIND = Kind(
    name="clients", label=gettext_lazy("Clients with identifiers"), columns=COLUMNS,
    staging=(("given_name", "text"), ("family_name", "text"), ("date_of_birth", "date"),
             ("card", "text"), ("gender", "text"), ("home_fsa", "text"), ("phone", "text"),
             ("search_name", "text"), ("phone_digits", "text"), *STAGED),
    parse=parse, check=check, write=write, duplicates=duplicates)
