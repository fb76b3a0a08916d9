"""Who may read the access reports ("who accessed this client", "what did this user access").

- Who accessed a client: administrators; coordinators and site leads of a site the client is
  enrolled at (through `policy.client_for_user`, as before); and a privacy officer of an
  organisation that holds the client's information — the hospital where they stayed or whose
  program enrolled them, or the peer organisation whose supporter is or was matched with them.
  The privacy officer reads the access history only, never the record itself. A client's
  history includes the events recorded under the ids of the records merged into it.
- What a user accessed: administrators, for anyone; a site lead, for their own site's staff
  (its coordinators and site leads, the peer supporters serving it, ward staff of its
  hospital); a privacy officer, for the staff of their organisation.

Every decision writes one audit event (allowed or denied), like every read of the access layer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.http import Http404

from bridgeway.clients.models import Client, ClientMerge, Enrolment, HospitalStay, Match
from bridgeway.core.models import Organisation, Role, RoleAssignment, User
from bridgeway.supporters.models import SupporterProfile

from .categories import Info
from .grants import grants_for, has_role
from .policy import Action, client_for_user
from .trail import audit_view, denied

REPORT_DETAIL_CLIENT = "page:audit:client_log"


@dataclass(frozen=True)
class MergedRecord:
    """A duplicate record merged into the client: its id and when it was merged."""

    public_id: uuid.UUID
    merged_at: datetime


@dataclass(frozen=True)
class ClientReport:
    client: Client
    role: str
    merged: tuple[MergedRecord, ...] = field(default=())

    @property
    def public_ids(self) -> tuple[uuid.UUID, ...]:
        """The ids whose events make up this client's access history."""
        return (self.client.public_id, *(m.public_id for m in self.merged))


def _merged_records(client: Client) -> tuple[MergedRecord, ...]:
    """Every record merged into `client`, directly or through a record merged into it."""
    found: list[MergedRecord] = []
    survivors = [client.pk]
    seen = {client.pk}
    while survivors:
        merges = list(ClientMerge.objects.filter(survivor_id__in=survivors)
                      .select_related("merged").order_by("merged_at"))
        survivors = [m.merged_id for m in merges if m.merged_id not in seen]
        seen.update(survivors)
        found.extend(MergedRecord(m.merged.public_id, m.merged_at) for m in merges)
    return tuple(sorted(found, key=lambda m: m.merged_at))


def _officer_orgs(user: User) -> set[int]:
    return {g.organisation_id for g in grants_for(user)
            if g.role == Role.PRIVACY_OFFICER and g.organisation_id}


def _org_holds_client(org_ids: set[int], client: Client) -> bool:
    if not org_ids:
        return False
    return (HospitalStay.objects.filter(client=client, hospital_id__in=org_ids).exists()
            or Enrolment.objects.filter(client=client, site__hospital_id__in=org_ids).exists()
            or Match.objects.filter(client=client,
                                    supporter__organisation_id__in=org_ids).exists())


def client_report_for_user(user: User, public_id: uuid.UUID) -> ClientReport:
    """The client whose access history `user` may read; one audit event either way."""
    if has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD):
        access = client_for_user(user, public_id, category=Info.AUDIT,
                                 action=Action.VIEW_AUDIT.value, detail=REPORT_DETAIL_CLIENT)
        if access.role in (Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD):
            return ClientReport(access.client, access.role, _merged_records(access.client))
        # Allowed through another role (e.g. ward staff): not a reader of access history.
        raise _deny(user, public_id)
    orgs = _officer_orgs(user)
    if not orgs:
        raise _deny(user, public_id)
    client = Client.objects.filter(public_id=public_id).first()
    if client is None:
        raise Http404
    if not _org_holds_client(orgs, client):
        raise _deny(user, public_id)
    audit_view(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value,
               role=Role.PRIVACY_OFFICER, client_public_id=client.public_id,
               detail=REPORT_DETAIL_CLIENT)
    return ClientReport(client, Role.PRIVACY_OFFICER, _merged_records(client))


def _staff_q_for_site_lead(user: User) -> Q:
    sites = [g.site for g in grants_for(user) if g.role == Role.SITE_LEAD and g.site]
    if not sites:
        return Q(pk__in=[])
    site_ids = [s.id for s in sites]
    hospitals = [s.hospital_id for s in sites]
    holders = RoleAssignment.objects.filter(
        Q(role__in=[Role.COORDINATOR, Role.SITE_LEAD], site_id__in=site_ids)
        | Q(role=Role.WARD_STAFF, organisation_id__in=hospitals)).values("user_id")
    supporters = SupporterProfile.objects.filter(sites__id__in=site_ids).values("user_id")
    return Q(pk__in=holders) | Q(pk__in=supporters)


def _staff_q_for_officer(user: User) -> Q:
    orgs = _officer_orgs(user)
    if not orgs:
        return Q(pk__in=[])
    hospitals = Organisation.objects.filter(id__in=orgs, kind=Organisation.Kind.HOSPITAL)
    holders = RoleAssignment.objects.filter(
        Q(organisation_id__in=orgs) | Q(site__hospital__in=hospitals)).values("user_id")
    supporters = SupporterProfile.objects.filter(organisation_id__in=orgs).values("user_id")
    return Q(pk__in=holders) | Q(pk__in=supporters)


def report_subjects_for(user: User) -> tuple[Q | None, str]:
    """Users whose activity `user` may read (None: everyone) and the role that allows it."""
    if has_role(user, Role.ADMINISTRATOR):
        return None, Role.ADMINISTRATOR
    if has_role(user, Role.SITE_LEAD):
        q = _staff_q_for_site_lead(user)
        if has_role(user, Role.PRIVACY_OFFICER):
            q |= _staff_q_for_officer(user)
        return q, Role.SITE_LEAD
    if has_role(user, Role.PRIVACY_OFFICER):
        return _staff_q_for_officer(user), Role.PRIVACY_OFFICER
    return Q(pk__in=[]), ""


def user_report_for_user(user: User, public_id: uuid.UUID) -> User:
    """The user whose activity `user` may read; one audit event either way."""
    detail = f"page:audit:user_log:{public_id}"
    scope, role = report_subjects_for(user)
    if not role:
        raise denied(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value, detail=detail)
    subject = User.objects.filter(public_id=public_id).first()
    if subject is None:
        raise Http404
    if scope is not None and not User.objects.filter(scope, pk=subject.pk).exists():
        raise denied(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value, detail=detail)
    audit_view(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value, role=role,
               detail=detail)
    return subject


def _deny(user: User, public_id: uuid.UUID) -> Exception:
    return denied(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value,
                  detail=REPORT_DETAIL_CLIENT, client_public_id=public_id)
