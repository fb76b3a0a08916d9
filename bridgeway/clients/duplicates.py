"""Likely duplicates of a person about to be created: the referral form and the import ask
this before writing (decision 0013). Not scoped to a user: callers decide what to show."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from bridgeway.core.text import normalise_name

from .identity import identifiers_matching
from .models import Client

# Two normalised names this similar, with the same date of birth, are likely one person
# ("Danielle Tremblay" / "Daniele Tremblay" ≈ 0.97; "Daniel Tremblay" / "Maya Tremblay" ≈ 0.7).
NAME_SIMILARITY = 0.8


@dataclass
class Candidate:
    client: Client
    reasons: list[str] = field(default_factory=list)  # "identifier", "name_and_birth_date"

    @property
    def by_identifier(self) -> bool:
        return "identifier" in self.reasons


def name_similarity(a: str, b: str) -> float:
    """Similarity of two normalised names, word order aside (given and family names swapped
    are the same person)."""
    straight = difflib.SequenceMatcher(None, a, b).ratio()
    swapped = difflib.SequenceMatcher(None, " ".join(sorted(a.split())),
                                      " ".join(sorted(b.split()))).ratio()
    return max(straight, swapped)


def likely_duplicates(*, given_name: str, family_name: str, date_of_birth: date | None,
                      identifiers: Iterable[str] = (), exclude: Client | None = None,
                      among: QuerySet[Client] | None = None) -> list[Candidate]:
    """Clients that may be this person: any of `identifiers` (values as typed, any kind) equal
    to one of theirs, or a similar name with the same date of birth. Identifier matches first.

    Uses the date-of-birth index, then compares the few names born that day in Python, so the
    cost does not grow with the number of clients. `among` narrows the candidates (a scope)."""
    base = (among if among is not None else Client.objects.all()).filter(merged_into__isnull=True)
    if exclude is not None:
        base = base.exclude(pk=exclude.pk)
    found: dict[int, Candidate] = {}
    values = [v for v in identifiers if v and v.strip()]
    if values:
        ids: set[int] = set()
        for value in values:
            ids.update(identifiers_matching(value).values_list("client_id", flat=True))
        for client in base.filter(id__in=ids):
            found[client.pk] = Candidate(client, ["identifier"])
    if date_of_birth is not None:
        wanted = normalise_name(given_name, family_name)
        for client in base.filter(date_of_birth=date_of_birth):
            if name_similarity(wanted, client.search_name) >= NAME_SIMILARITY:
                found.setdefault(client.pk, Candidate(client)).reasons.append(
                    "name_and_birth_date")
    return sorted(found.values(), key=lambda c: (not c.by_identifier, c.client.family_name,
                                                 c.client.given_name))
