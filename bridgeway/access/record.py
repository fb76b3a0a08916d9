"""What a page may show of a client, decided in Python from the ClientAccess.

Templates only ask "is this value present?": every field a user may not see is None here,
so a template cannot show it by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import DateTimeField, Prefetch, UUIDField, Value, prefetch_related_objects
from django.db.models.functions import Cast
from django.utils import timezone

from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess
from bridgeway.access.reveals import (
    StayFact,
    StayView,
    stay_facts,
    stay_views,
    ward_sees_supporter,
)
from bridgeway.clients.covers import next_cover_fields
from bridgeway.clients.models import (
    ClientIdentifier,
    ConsentRecord,
    Enrolment,
    EnrolmentStatusChange,
    IdentifierKind,
    Match,
)
from bridgeway.clients.statuses import MATCHABLE_STATUSES
from bridgeway.core.crypto import InvalidToken
from bridgeway.core.french import in_language
from bridgeway.core.models import Role

STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD})
@dataclass
class EnrolmentView:
    public_id: str
    site: str
    site_code: str
    status: str
    status_label: str
    referred_on: date | None = None
    referral_note: str | None = None
    priority: bool = False
    waitlisted_since: Any = None
    history: list[EnrolmentStatusChange] | None = None
    consent: ConsentRecord | None = None
    consent_history: list[ConsentRecord] | None = None
    enrolment: Enrolment | None = None
    matchable: bool = False  # may get a peer supporter now (status allows, none active)
    # What this user may do to this enrolment (set by the view from access.policy.can).
    may_consent: bool = False
    may_change_status: bool = False
    may_match: bool = False
    may_waitlist: bool = False


@dataclass
class IdentifierView:
    public_id: str
    kind: str
    kind_label: str
    value: str
    hospital: str = ""
    label: str = ""
    source: str = ""


@dataclass
class ClientRecord:
    public_id: str
    name: str
    withheld: bool
    date_of_birth: date | None = None
    age: int | None = None
    gender: str | None = None
    pronouns: str | None = None
    health_card_number: str | None = None
    identifiers: list[IdentifierView] | None = None  # MRNs, health card, others
    languages: list[str] | None = None
    interests: list[str] | None = None
    preferences: list[tuple[str, str, str]] | None = None  # (what, value, strength)
    home_fsa: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    background: str | None = None
    safety_notes: str | None = None
    stays: list[StayView] | None = None
    stays_are_dates_only: bool = False  # the discharge date without the stays (access.reveals)
    enrolments: list[EnrolmentView] | None = None
    matches: list[Match] | None = None
    supporter_withheld: bool = False  # ward staff: a match whose supporter is not named
    shown: frozenset[str] = field(default_factory=frozenset)
    # The viewer covers for the client's supporter (decision 0024): whom, and until when.
    covering_for: str | None = None
    covering_until: date | None = None


def card(access: ClientAccess) -> ClientRecord:
    """The few facts for a list card (no extra queries beyond what the list prefetched)."""
    client = access.client
    record = ClientRecord(public_id=str(client.public_id), name=str(client),
                          withheld=access.something_withheld)
    if access.sees(Info.PROFILE):
        record.pronouns = client.pronouns or None
    if access.sees(Info.CONTACT_DETAILS):
        record.phone = client.phone or None
        record.email = client.email or None
    views = stay_views(access, access.facts.stays)
    record.stays = views[:1] if views is not None else None
    _covering(access, record)
    return record


def _covering(access: ClientAccess, record: ClientRecord) -> None:
    if access.cover_until is not None and access.match is not None:
        record.covering_for = str(access.match.supporter)
        record.covering_until = access.cover_until


def build(access: ClientAccess) -> ClientRecord:
    """The whole client page's content for this access."""
    client = access.client
    record = ClientRecord(public_id=str(client.public_id), name=str(client),
                          withheld=access.something_withheld, shown=access.categories)
    _covering(access, record)
    if access.sees(Info.IDENTITY):
        record.date_of_birth = client.date_of_birth
        record.age = client.age_on(timezone.localdate())
        record.gender = client.get_gender_display()
        record.pronouns = client.pronouns or None
    if access.sees(Info.PROFILE):
        record.languages, record.interests = _languages_and_interests(access)
        record.home_fsa = client.home_fsa or ""
        record.preferences = _preferences(access)
    if access.sees(Info.HEALTH_CARD):
        record.identifiers = identifiers(access)
        record.health_card_number = next(
            (i.value for i in record.identifiers if i.kind == IdentifierKind.HEALTH_CARD), "")
    if access.sees(Info.CONTACT_DETAILS):
        record.phone = client.phone
        record.email = client.email
        record.address = client.address
    if access.sees(Info.BACKGROUND):
        record.background = client.background
    if access.sees(Info.SAFETY_NOTES):
        record.safety_notes = client.safety_notes
    if stay_facts(access):
        record.stays = stay_views(access, access.facts.stays)
        record.stays_are_dates_only = StayFact.PAST_STAYS not in stay_facts(access)
    if access.sees(Info.ENROLMENT):
        record.enrolments = _enrolments(access)
    if access.sees(Info.MATCH):
        if access.role == Role.PEER_SUPPORTER:
            # A supporter sees their own match, never who else supported the client.
            record.matches = [access.match] if access.match is not None else []
        else:
            matches = sorted((m for e in _with_related(access) for m in e.matches.all()),
                             key=lambda m: (m.started_on, m.pk), reverse=True)
            if access.role == Role.WARD_STAFF:
                # Who the supporter is, only where the client's consent lets the ward know
                # (access.reveals, decision 0023); the status still says "Matched".
                told = {e.pk for e in _with_related(access) if ward_sees_supporter(
                    max(e.consents.all(), key=lambda c: c.version, default=None))}
                record.supporter_withheld = any(m.enrolment_id not in told for m in matches)
                matches = [m for m in matches if m.enrolment_id in told]
            record.matches = matches
    return record


def identifiers(access: ClientAccess) -> list[IdentifierView]:
    """The client's identifiers, decrypted; only for a user who sees the health card.

    Read once per request: the page and its identifiers panel share the list."""
    if not access.sees(Info.HEALTH_CARD):
        return []
    return access.facts.remember("identifiers", lambda: _read_identifiers(access))


def _read_identifiers(access: ClientAccess) -> list[IdentifierView]:
    rows = access.client.identifiers.order_by().values_list(*IDENTIFIER_COLUMNS)
    return _identifier_views(rows)


# One row shape for the client's identifiers, languages and interests (see below).
IDENTIFIER_COLUMNS = ("kind", "label", "source", "public_id", "value_encrypted",
                      "hospital__name", "created_at")


def _identifier_views(rows: Iterable[tuple[Any, ...]]) -> list[IdentifierView]:
    """Views of identifier rows (IDENTIFIER_COLUMNS), decrypted, in the model's order."""
    from django.utils.translation import gettext as _

    out: list[tuple[Any, IdentifierView]] = []
    for kind, label, source, public_id, encrypted, hospital, created_at in rows:
        identifier = ClientIdentifier(kind=kind, value_encrypted=encrypted)
        try:
            value = identifier.value
        except InvalidToken:  # its key was removed before rotation: say so, do not fail
            value = _("(unreadable: encrypted under a key no longer configured)")
        out.append(((kind, created_at), IdentifierView(
            public_id=str(public_id), kind=kind, kind_label=identifier.get_kind_display(),
            value=value, hospital=hospital or "", label=label, source=source)))
    return [view for _key, view in sorted(out, key=lambda pair: pair[0])]


def _with_related(access: ClientAccess) -> list[Enrolment]:
    """The enrolments this reader sees, with what the page shows of them: at most three
    queries however many there are, and only those the reader's categories need.

    A peer supporter sees the enrolment of their own match, which the access decision read
    with its consents; the staff's status history, consents and matches are prefetched."""
    if access.role == Role.PEER_SUPPORTER:
        return [access.match.enrolment] if access.match is not None else []
    return access.facts.remember("enrolments", lambda: _prefetched(access))


def _prefetched(access: ClientAccess) -> list[Enrolment]:
    enrolments = access.facts.enrolments
    lookups: list[Prefetch[Any]] = []
    if access.sees(Info.REFERRAL):
        lookups.append(Prefetch("history",
                                queryset=EnrolmentStatusChange.objects.select_related("actor")))
    if access.sees(Info.CONSENT):
        lookups.append(Prefetch("consents",
                                queryset=ConsentRecord.objects.select_related("recorded_by")))
    if access.sees(Info.MATCH) or access.sees(Info.REFERRAL):
        lookups.append(Prefetch("matches",
                                queryset=Match.objects.select_related("supporter__user", "site")
                                .annotate(**next_cover_fields(timezone.localdate()))))
    prefetch_related_objects(enrolments, *lookups)
    return enrolments


def _languages_and_interests(access: ClientAccess) -> tuple[list[str], list[str]]:
    """Both lists, each in the reader's language and sorted, in one query (a UNION); for a
    reader of the health card the client's identifiers come in the same query (remembered
    for the page)."""
    client = access.client

    def names(tag: str) -> list[Any]:
        # Typed NULLs: PostgreSQL resolves the first UNION's untyped NULLs to text.
        return [Value(tag), "name", "name_fr", Value(""), Cast(Value(None), UUIDField()),
                Value(""), Value(""), Cast(Value(None), DateTimeField())]

    query = client.languages.order_by().values_list(*names("l")).union(
        client.interests.order_by().values_list(*names("i")), all=True)
    with_identifiers = access.sees(Info.HEALTH_CARD) and not access.facts.has_read("identifiers")
    if with_identifiers:
        query = query.union(client.identifiers.order_by().values_list(
            Value("x"), *IDENTIFIER_COLUMNS), all=True)
    rows = list(query)
    if with_identifiers:
        found = _identifier_views(row[1:] for row in rows if row[0] == "x")
        access.facts.remember("identifiers", lambda: found)
    languages = sorted(in_language(row[1], row[2]) for row in rows if row[0] == "l")
    interests = sorted(in_language(row[1], row[2]) for row in rows if row[0] == "i")
    return languages, interests


def _preferences(access: ClientAccess) -> list[tuple[str, str, str]]:
    from django.utils.translation import gettext as _

    client = access.client
    out: list[tuple[str, str, str]] = []
    if client.pref_gender_strength != "none" and client.pref_gender:
        out.append((_("Gender"), client.get_pref_gender_display(),
                    client.get_pref_gender_strength_display()))
    if client.pref_age_strength != "none" and (client.pref_age_min or client.pref_age_max):
        out.append((_("Age"), f"{client.pref_age_min or ''}–{client.pref_age_max or ''}",
                    client.get_pref_age_strength_display()))
    if client.pref_language_strength != "none" and client.pref_language_id:
        out.append((_("Language"), str(client.pref_language),
                    client.get_pref_language_strength_display()))
    return out


def _enrolments(access: ClientAccess) -> list[EnrolmentView]:
    staff = access.sees(Info.REFERRAL)
    enrolments = _with_related(access)
    out = []
    for enrolment in enrolments:
        view = EnrolmentView(
            public_id=str(enrolment.public_id), site=enrolment.site.name,
            site_code=enrolment.site.code, status=enrolment.status,
            status_label=enrolment.get_status_display())
        if staff:
            view.referred_on = enrolment.referred_on
            view.referral_note = enrolment.referral_note
            view.priority = enrolment.priority
            view.waitlisted_since = enrolment.waitlisted_since
            view.history = list(enrolment.history.all())
            view.enrolment = enrolment
            view.matchable = enrolment.status in MATCHABLE_STATUSES and not any(
                m.status == Match.Status.ACTIVE for m in enrolment.matches.all())
        if access.sees(Info.CONSENT):
            consents = sorted(enrolment.consents.all(), key=lambda c: -c.version)
            view.consent = consents[0] if consents else None
            if access.role in STAFF_ROLES:
                view.consent_history = consents
        out.append(view)
    return out
