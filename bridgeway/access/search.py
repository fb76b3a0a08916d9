"""Finding a client: by name (accent- and typo-tolerant), date of birth, identifier or phone,
within what the user may see, with one audit event per search (decision 0013).

Names are compared in their normalised form (`Client.search_name`: unaccented, lower case).
On PostgreSQL the comparison is pg_trgm's word similarity, served by the GIN trigram index of
migration clients 0003; on SQLite (pilots, tests) the same rule is applied in Python with
difflib over the user's scope. The search text itself is never written to the audit or a log.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value

from bridgeway.clients.duplicates import Candidate, likely_duplicates
from bridgeway.clients.identity import identifiers_matching
from bridgeway.clients.models import Client
from bridgeway.core.models import Role, User
from bridgeway.core.text import digits_only, normalise_name

from .categories import Info
from .grants import clients_for_user, grants_for
from .trail import audit_list, denied

LIMIT = 25
# Each word typed against the words of the name: pg_trgm word similarity on PostgreSQL (every
# word must reach the bar), difflib's ratio averaged over the words in the SQLite fallback.
WORD_SIMILARITY = 0.3
SIMILARITY = 0.6
MAX_WORDS = 6
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Roles that see identifiers and contact details of the clients they reach.
NUMBER_ROLES = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD, Role.WARD_STAFF)
# Roles that reach identifiable clients; an evaluator alone has nobody to search.
SEARCHING_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD,
                             Role.WARD_STAFF, Role.PEER_SUPPORTER})


class _WordSimilar(Func):
    """`query <% search_name`: some extent of the name is similar to the query (pg_trgm)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _Similarity(Func):
    function = "similarity"
    output_field = FloatField()


@dataclass
class Query:
    """What a search box's text asks for."""

    name: str = ""
    born_on: date | None = None
    number: str = ""  # an identifier as typed, or phone digits

    @property
    def kind(self) -> str:
        """For the audit: which criteria were used, never their values."""
        parts = [k for k, v in (("name", self.name), ("dob", self.born_on),
                                ("number", self.number)) if v]
        return "+".join(parts) or "none"


def parse(text: str) -> Query:
    query = Query()
    words: list[str] = []
    for token in text.split():
        match = _DATE.match(token)
        if match:
            try:
                query.born_on = date(int(match[1]), int(match[2]), int(match[3]))
                continue
            except ValueError:
                pass  # not a real date: treated as text
        if any(ch.isdigit() for ch in token):
            query.number += token
        else:
            words.append(token)
    query.name = normalise_name(*words)
    return query


def may_search(user: User) -> bool:
    return any(g.role in SEARCHING_ROLES for g in grants_for(user))


@dataclass
class SearchResult:
    query: Query
    clients: list[Client] = field(default_factory=list)
    truncated: bool = False


def _by_number(scope: QuerySet[Client], number: str) -> QuerySet[Client]:
    ids = identifiers_matching(number).values("client_id")
    digits = digits_only(number)
    by_identifier = scope.filter(id__in=ids)
    if len(digits) >= 7 and len(digits) == len(re.sub(r"[\s().+-]", "", number)):
        # Only digits (and phone punctuation): it may be a phone number too.
        return by_identifier | scope.filter(phone_digits__endswith=digits[-10:])
    return by_identifier


def _by_name_postgresql(scope: QuerySet[Client], name: str, limit: int) -> list[Client]:
    # Every word typed must be like some word of the name (pg_trgm word similarity; each
    # condition is served by the GIN index and the index intersects them, so "danial
    # tremblai" does not read every Tremblay). The bar is low (a typo in a short word leaves
    # few trigrams): requiring every word is what keeps the matches few. Ranked on whole-name
    # similarity, so the name as typed comes first.
    matching = scope
    for word in name.split()[:MAX_WORDS]:
        matching = matching.filter(_WordSimilar(Value(word), F("search_name")))
    query = (matching.annotate(similarity=_Similarity(F("search_name"), Value(name)))
             .order_by("-similarity", "family_name", "given_name")[:limit])
    with transaction.atomic(), connection.cursor() as cursor:
        # For this transaction only (pg_trgm's default bar, 0.6, is for whole strings).
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                       [str(WORD_SIMILARITY)])
        return list(query)


def _word_score(query: str, name: str) -> float:
    """Each query word against its best-matching word of the name, averaged."""
    words = name.split()
    if not words:
        return 0.0
    scores = [max(difflib.SequenceMatcher(None, q, w).ratio() for w in words)
              for q in query.split()]
    return sum(scores) / len(scores)


def _by_name_fallback(scope: QuerySet[Client], name: str, limit: int) -> list[Client]:
    scored: list[tuple[float, int]] = []
    for pk, search_name in scope.values_list("id", "search_name").iterator():
        score = 1.0 if name in search_name else _word_score(name, search_name)
        if score >= SIMILARITY:
            scored.append((score, pk))
    scored.sort(key=lambda s: -s[0])
    order = [pk for _score, pk in scored[:limit]]
    found = {c.pk: c for c in scope.filter(id__in=order)}
    return [found[pk] for pk in order]


def search_clients(user: User, text: str, *, limit: int = LIMIT) -> SearchResult:
    """Clients in the user's scope that match `text`, best first; one audit event naming
    every client returned. An evaluator (no identifiable clients) is refused, audited."""
    if not may_search(user):
        raise denied(user, category=Info.CASELOAD, detail="search:refused")
    query = parse(text)
    result = SearchResult(query=query)
    if not (query.name or query.born_on or query.number):
        return result
    scope = clients_for_user(user).filter(merged_into__isnull=True)
    if query.born_on:
        scope = scope.filter(date_of_birth=query.born_on)
    if query.number:
        # Identifiers and phone numbers are looked up only among clients whose identifiers
        # (and contact details) the user sees through a staff role: a supporter must not
        # learn by trial that their client holds some number.
        staff_scope = clients_for_user(user, *NUMBER_ROLES).values("pk")
        scope = _by_number(scope.filter(pk__in=staff_scope), query.number)
    if query.name:
        if connection.vendor == "postgresql":
            found = _by_name_postgresql(scope, query.name, limit + 1)
        else:
            found = _by_name_fallback(scope, query.name, limit + 1)
    else:
        found = list(scope.order_by("family_name", "given_name")[:limit + 1])
    result.truncated = len(found) > limit
    result.clients = found[:limit]
    audit_list(user, category=Info.CASELOAD, clients=result.clients,
               detail=f"search:{query.kind} results:{len(result.clients)}")
    return result


@dataclass
class DuplicateCheck:
    """What a user is shown before creating a client who may already exist."""

    visible: list[Candidate] = field(default_factory=list)  # in the user's scope: named
    elsewhere: int = 0  # outside it: counted only
    elsewhere_by_identifier: bool = False

    def __bool__(self) -> bool:
        return bool(self.visible or self.elsewhere)


def duplicates_for_user(user: User, *, given_name: str, family_name: str,
                        date_of_birth: date | None, identifiers: list[str],
                        purpose: str) -> DuplicateCheck:
    """Likely duplicates, split by what `user` may see; audited (one event naming every
    candidate) when there are any. Clients outside the scope are counted, never named."""
    candidates = likely_duplicates(given_name=given_name, family_name=family_name,
                                   date_of_birth=date_of_birth, identifiers=identifiers)
    check = DuplicateCheck()
    if not candidates:
        return check
    in_scope = set(clients_for_user(user).filter(id__in=[c.client.pk for c in candidates])
                   .values_list("id", flat=True))
    for candidate in candidates:
        if candidate.client.pk in in_scope:
            check.visible.append(candidate)
        else:
            check.elsewhere += 1
            check.elsewhere_by_identifier |= candidate.by_identifier
    audit_list(user, category=Info.IDENTITY, clients=[c.client for c in candidates],
               detail=f"{purpose}:duplicate_check shown:{len(check.visible)} "
                      f"elsewhere:{check.elsewhere}")
    return check
