"""The one door to client data: role, site, match and consent decide what a user may do.

Views, API endpoints, commands and the services of higher layers ask this module; none of
them query client models directly (a test enforces it). Every decision about a client is
audited here, allowed or denied, in the same transaction as the read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import record
from bridgeway.clients.covers import next_cover_fields
from bridgeway.clients.merge import survivor_of
from bridgeway.clients.models import Client, ConsentRecord, Enrolment, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, RoleAssignment, User

from . import categories as cat
from .categories import Info
from .facts import ClientFacts

# The grants and the page audit helpers are part of this module's public face: callers ask
# `policy` for everything about access, wherever it is implemented.
from .grants import (  # noqa: F401 — re-exported
    ROLE_ORDER,
    clients_for_user,
    first_role,
    grants_for,
    has_role,
    roles_of,
    site_ids_for,
    sites_for,
    supporter_matches,
    supporter_profile_of,
)
from .trail import audit_list, audit_view, denied, who_for  # noqa: F401 — re-exported


class Action(StrEnum):
    VIEW = "view"
    REFER = "refer"
    EDIT_CLIENT = "edit_client"
    RECORD_CONSENT = "record_consent"
    CHANGE_ENROLMENT = "change_enrolment"
    RECORD_STAY = "record_stay"
    MATCH = "match"
    VIEW_AUDIT = "view_audit"
    LOG_CONTACT = "log_contact"
    WRITE_BINDER = "write_binder"
    # Safety net (bridgeway.safety): act on an alert, report an incident, coordinate the
    # safety net at a site (incidents, supervision, outreach outcomes, thresholds), bridging.
    HANDLE_ALERT = "handle_alert"
    REPORT_INCIDENT = "report_incident"
    MANAGE_SAFETY = "manage_safety"
    RECORD_BRIDGING = "record_bridging"
    MANAGE_SUPPORTER = "manage_supporter"
    # Evaluation (bridgeway.outcomes): site-scoped writes that touch no client record.
    RECORD_REFLECTION = "record_reflection"
    CODE_FEEDBACK = "code_feedback"  # code excerpts to the codebook, edit the codebook
    SET_PER_DIEM = "set_per_diem"
    # Where each data source ends and which wards are program or comparison wards.
    CONFIGURE_EVALUATION = "configure_evaluation"
    MERGE_CLIENTS = "merge_clients"
    # Bulk import of files (bridgeway.interop.imports): program-wide, so administrators only.
    IMPORT_DATA = "import_data"


# Which roles may perform each write action on a client in their scope.
WRITE_RULES: dict[Action, frozenset[str]] = {
    Action.REFER: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.WARD_STAFF}),
    Action.EDIT_CLIENT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.WARD_STAFF}),
    Action.RECORD_CONSENT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD}),
    Action.CHANGE_ENROLMENT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD}),
    Action.RECORD_STAY: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.WARD_STAFF}),
    Action.MATCH: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR}),
    Action.VIEW_AUDIT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD}),
    Action.LOG_CONTACT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.PEER_SUPPORTER}),
    Action.WRITE_BINDER: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD,
                                    Role.WARD_STAFF, Role.PEER_SUPPORTER}),
    Action.HANDLE_ALERT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD,
                                    Role.PEER_SUPPORTER}),
    Action.REPORT_INCIDENT: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.PEER_SUPPORTER}),
    Action.MANAGE_SAFETY: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD}),
    Action.RECORD_BRIDGING: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.WARD_STAFF}),
    # Supporter profiles and training records: a coordinator of a site the supporter serves.
    Action.MANAGE_SUPPORTER: frozenset({Role.ADMINISTRATOR, Role.COORDINATOR}),
    # Evaluation: focus-group reflections are recorded by whoever ran the group; coding and
    # the codebook belong to the evaluation team; per-diems (cost offset) to site leads.
    Action.RECORD_REFLECTION: frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR,
                                         Role.EVALUATOR}),
    Action.CODE_FEEDBACK: frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.EVALUATOR}),
    Action.SET_PER_DIEM: frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD}),
    Action.CONFIGURE_EVALUATION: frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.EVALUATOR}),
    # Merging two records of one person touches every site's data: administrators only.
    Action.MERGE_CLIENTS: frozenset({Role.ADMINISTRATOR}),
    Action.IMPORT_DATA: frozenset({Role.ADMINISTRATOR}),
}

def current_consent(enrolment: Enrolment | None) -> ConsentRecord | None:
    if enrolment is None:
        return None
    return enrolment.consents.order_by("-version").first()


class ClientMerged(Http404):
    """The record was merged into another: doors answer with a redirect to the survivor."""

    def __init__(self, merged: uuid.UUID, survivor: uuid.UUID) -> None:
        super().__init__("This record was merged into another.")
        self.merged = merged
        self.survivor = survivor


@dataclass
class Decision:
    allowed: bool
    role: str = ""
    site_code: str = ""
    categories: frozenset[str] = frozenset()
    withheld: frozenset[str] = frozenset()
    match: Match | None = None
    grant: RoleAssignment | None = None
    # The hospitals whose stays this access reaches; None: every hospital (access.reveals).
    hospitals: frozenset[int] | None = None
    # A supporter covering for a colleague (decision 0024): the cover's last day.
    cover_until: date | None = None


def decide(user: User, client: Client) -> Decision:
    """What `user` may see of `client`: the union over their roles."""
    return _decide_all(user, client, ClientFacts(client))[0]


def _decide_all(user: User, client: Client,
                facts: ClientFacts) -> tuple[Decision, dict[int, Decision]]:
    """The union over the user's grants, and each grant's own decision (kept for the writes
    and buttons of the same request, see ClientAccess.decision_for)."""
    best: Decision | None = None
    per_grant: dict[int, Decision] = {}
    for grant in grants_for(user):
        decision = _decide_one(user, grant, client, facts)
        per_grant[grant.pk] = decision
        if not decision.allowed:
            continue
        if best is None:
            best = replace(decision)
        else:
            best.categories = best.categories | decision.categories
            best.withheld = best.withheld & decision.withheld
            if best.match is None:
                best.match, best.cover_until = decision.match, decision.cover_until
            best.hospitals = (None if best.hospitals is None or decision.hospitals is None
                              else best.hospitals | decision.hospitals)
    return best or Decision(allowed=False, role=first_role(user)), per_grant


def _decide_one(user: User, grant: RoleAssignment, client: Client,
                facts: ClientFacts) -> Decision:
    role = grant.role
    site_code = grant.site.code if grant.site_id and grant.site else ""
    if role == Role.ADMINISTRATOR:
        return Decision(True, role, site_code, cat.FULL, grant=grant)
    if role in (Role.COORDINATOR, Role.SITE_LEAD):
        if facts.enrolled_at_site(grant.site_id):
            seen = cat.FULL if role == Role.COORDINATOR else cat.SITE_LEAD
            return Decision(True, role, site_code, seen, grant=grant)
    elif role == Role.WARD_STAFF:
        hospital = grant.organisation_id
        if facts.known_at_hospital(hospital):
            # Each hospital is the custodian of its own stays (access.reveals).
            return Decision(True, role, site_code, cat.WARD_STAFF, grant=grant,
                            hospitals=frozenset({hospital}) if hospital else frozenset())
    elif role == Role.PEER_SUPPORTER:
        # Their own match first; else a colleague's they cover today, seen exactly as the
        # colleague sees it: the same enrolment, so the same consent (decision 0024).
        match = (supporter_matches(user).filter(client=client)
                 .select_related("enrolment__site", "site", "supporter__user")
                 # the page shows the match itself (access.record): its cover comes with it
                 .annotate(**next_cover_fields(timezone.localdate()))
                 .order_by(F("cover_until").asc(nulls_first=True), "-started_on").first())
        if match is not None:
            consent = current_consent(match.enrolment)
            shared = consent.shared_categories() if consent else frozenset()
            return Decision(True, role, match.site.code, cat.SUPPORTER_BASE | shared,
                            withheld=cat.CONSENT_GATED - shared, match=match, grant=grant,
                            cover_until=getattr(match, "cover_until", None))
    return Decision(False, role, site_code)


@dataclass
class ClientAccess:
    """The outcome of one allowed access: the client and what this user may see of them."""

    client: Client
    user: User
    role: str
    site_code: str
    categories: frozenset[str]
    withheld: frozenset[str] = field(default_factory=frozenset)
    match: Match | None = None
    hospitals: frozenset[int] | None = None  # whose stays it reaches; None: every hospital
    cover_until: date | None = None  # reached through a cover ending then (decision 0024)
    # Read once per request: the client's enrolments and stays, each grant's decision.
    _facts: ClientFacts | None = field(default=None, repr=False)
    _decisions: dict[int, Decision] = field(default_factory=dict, repr=False)

    @property
    def facts(self) -> ClientFacts:
        if self._facts is None:
            self._facts = ClientFacts(self.client)
        return self._facts

    def decision_for(self, grant: RoleAssignment) -> Decision:
        """What this one grant allows on the client, decided once per request."""
        if grant.pk not in self._decisions:
            self._decisions[grant.pk] = _decide_one(self.user, grant, self.client, self.facts)
        return self._decisions[grant.pk]

    def sees(self, category: str) -> bool:
        return category in self.categories

    @property
    def something_withheld(self) -> bool:
        return bool(self.withheld)

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, role=self.role, site_code=self.site_code)


def client_for_user(
    user: User,
    public_id: uuid.UUID | str,
    *,
    category: str = Info.IDENTITY,
    action: str = Action.VIEW,
    detail: str = "",
    require: str | None = None,
) -> ClientAccess:
    """Fetch a client the user may access, writing exactly one audit event.

    `category` names what is being read (for the audit); `require` names a category the
    caller needs (e.g. contact notes) and is denied without. Raises Http404 for an unknown
    id and PermissionDenied (after committing a "denied" audit event) otherwise.
    """
    try:
        client = Client.objects.select_related("pref_language").get(public_id=public_id)
    except (Client.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc  # a malformed UUID raises ValidationError: still "not found"
    if client.merged_into_id is not None:
        survivor = survivor_of(client)
        # Only someone who may see the survivor learns where the record went.
        if decide(user, survivor).allowed:
            raise ClientMerged(client.public_id, survivor.public_id)
        raise Http404
    facts = ClientFacts(client)
    decision, per_grant = _decide_all(user, client, facts)
    needed = require or category
    allowed = decision.allowed and (needed not in cat.ALL or needed in decision.categories)
    with transaction.atomic():
        record(
            who=who_for(user, decision.role, decision.site_code),
            category=str(category),
            action=str(action),
            client_public_id=client.public_id,
            outcome=AuditEvent.Outcome.ALLOWED if allowed else AuditEvent.Outcome.DENIED,
            detail=detail,
        )
    if not allowed:
        raise PermissionDenied("You do not have access to this client's record.")
    return ClientAccess(client=client, user=user, role=decision.role,
                        site_code=decision.site_code, categories=decision.categories,
                        withheld=decision.withheld, match=decision.match,
                        hospitals=decision.hospitals, cover_until=decision.cover_until,
                        _facts=facts, _decisions=per_grant)


def authorize(
    user: User,
    action: Action,
    *,
    client_access: ClientAccess | None = None,
    site: ProgramSite | None = None,
    audit_category: str = "",
    detail: str = "",
) -> Actor:
    """May `user` perform a write `action` on a client (or at a site)? Returns the Actor.

    Denials are audited and raise PermissionDenied. The write itself is audited by the
    service that performs it.
    """
    allowed_roles = WRITE_RULES[action]
    for grant in grants_for(user):
        if grant.role not in allowed_roles:
            continue
        if client_access is not None:
            # The grant itself must reach this client: a coordinator at site A who is also
            # a peer supporter may not edit a client reached only through their match.
            one = _grant_decision(user, grant, client_access)
            # With a site too (e.g. an enrolment's site), the grant must also cover that site:
            # a coordinator at site A may not change the client's enrolment at site B.
            if one.allowed and (site is None or _grant_covers_site(grant, site)):
                return Actor(user=user, role=grant.role, site_code=one.site_code)
            continue
        if site is not None and not _grant_covers_site(grant, site):
            continue
        return Actor(user=user, role=grant.role,
                     site_code=site.code if site else (grant.site.code if grant.site else ""))
    with transaction.atomic():
        record(
            who=who_for(user, first_role(user), site.code if site else ""),
            category=audit_category or action.value,
            action=action.value,
            client_public_id=client_access.client.public_id if client_access else None,
            outcome=AuditEvent.Outcome.DENIED,
            detail=detail,
        )
    raise PermissionDenied("You may not do this.")


def can(user: User, action: Action, *, client_access: ClientAccess | None = None,
        site: ProgramSite | None = None) -> bool:
    """The same rule as `authorize`, without auditing: for showing or hiding a button."""
    for grant in grants_for(user):
        if grant.role not in WRITE_RULES[action]:
            continue
        if client_access is not None:
            if (_grant_decision(user, grant, client_access).allowed
                    and (site is None or _grant_covers_site(grant, site))):
                return True
            continue
        if site is not None and not _grant_covers_site(grant, site):
            continue
        return True
    return False


def _grant_decision(user: User, grant: RoleAssignment, access: ClientAccess) -> Decision:
    """The grant's decision taken with the page's access when it is the same person's."""
    if access.user.pk == user.pk:
        return access.decision_for(grant)
    return _decide_one(user, grant, access.client, access.facts)


def _grant_covers_site(grant: RoleAssignment, site: ProgramSite) -> bool:
    if grant.role == Role.ADMINISTRATOR:
        return True
    if grant.role in (Role.COORDINATOR, Role.SITE_LEAD):
        return grant.site_id == site.id
    if grant.role == Role.WARD_STAFF:
        return grant.organisation_id == site.hospital_id
    if grant.role == Role.EVALUATOR:  # program-wide (no site) or one site
        return grant.site_id is None or grant.site_id == site.id
    if grant.role == Role.PEER_SUPPORTER:
        return site.peer_organisations.filter(pk=grant.organisation_id or 0).exists()
    return False


def caseload_for_supporter(user: User) -> list[ClientAccess]:
    """The clients actively matched to `user`, each with what the supporter may see of them.

    The same decision as `decide` for a peer supporter, in a constant number of queries for
    list pages. The caller audits the list (audit_list) as one event.
    """
    if not has_role(user, Role.PEER_SUPPORTER):
        return []
    matches = list(
        supporter_matches(user).select_related("client", "enrolment", "site", "supporter__user")
        .order_by("client__given_name", "client__family_name")
    )
    latest: dict[int, ConsentRecord] = {}
    for version in ConsentRecord.objects.filter(
            enrolment_id__in=[m.enrolment_id for m in matches]).order_by("enrolment_id", "version"):
        latest[version.enrolment_id] = version  # ascending order: the last one is in force
    out: list[ClientAccess] = []
    for match in matches:
        consent = latest.get(match.enrolment_id)
        shared = consent.shared_categories() if consent else frozenset()
        out.append(ClientAccess(client=match.client, user=user, role=Role.PEER_SUPPORTER,
                                site_code=match.site.code,
                                categories=cat.SUPPORTER_BASE | shared,
                                withheld=cat.CONSENT_GATED - shared, match=match,
                                cover_until=getattr(match, "cover_until", None)))
    return out
