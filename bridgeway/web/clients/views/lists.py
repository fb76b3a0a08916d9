"""Reads for the role home pages, each scoped through access.clients_for_user.

They go through related managers of a site or hospital and filter by the user's client
scope, so a list can never show a client the access layer would refuse.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from bridgeway.access.policy import clients_for_user
from bridgeway.access.reveals import peer_status_label, with_peer_support
from bridgeway.clients.models import (
    Enrolment,
    EnrolmentStatus,
    HospitalStay,
)
from bridgeway.core.models import Organisation, ProgramSite, Role, User
from bridgeway.supporters.models import SupporterProfile
from bridgeway.supporters.selectors import supporters_for_site

SITE_ROLES = (Role.COORDINATOR, Role.SITE_LEAD)


def site_enrolments(user: User, site: ProgramSite, status: str) -> QuerySet[Enrolment]:
    scope = clients_for_user(user, *SITE_ROLES, Role.ADMINISTRATOR)
    return site.enrolments.filter(status=status, client__in=scope).select_related(
        "client", "stay", "stay__ward")


def referrals(user: User, site: ProgramSite) -> list[Enrolment]:
    return list(site_enrolments(user, site, EnrolmentStatus.REFERRED).order_by(
        "referred_on", "client__family_name"))


def waitlist(user: User, site: ProgramSite) -> list[Enrolment]:
    """Priority (a match ended) first, then whoever has waited longest."""
    return list(site_enrolments(user, site, EnrolmentStatus.WAITLISTED).order_by(
        "-priority", "waitlisted_since", "referred_on"))


def status_counts(site: ProgramSite) -> list[dict[str, Any]]:
    """Enrolment counts by status (numbers only), every status listed."""
    counts = dict(site.enrolments.values_list("status").annotate(n=Count("id")).order_by())
    return [{"status": s.value, "label": s.label, "count": counts.get(s.value, 0)}
            for s in EnrolmentStatus]


def free_supporters(site: ProgramSite) -> list[SupporterProfile]:
    return list(supporters_for_site(site).filter(  # type: ignore[misc]  # annotated by with_capacity
        status=SupporterProfile.Status.ACTIVE, free_places__gt=0).order_by(
        "-free_places", "user__first_name"))


def inpatients(user: User, hospital: Organisation) -> list[HospitalStay]:
    """Open stays at the hospital, each with the client's program status and, where the
    client lets the ward know, their supporter's name (access.reveals.with_peer_support)."""
    scope = clients_for_user(user, Role.WARD_STAFF, Role.ADMINISTRATOR)
    stays = list(with_peer_support(
        hospital.stays.filter(discharged_on__isnull=True, client__in=scope)
        .select_related("client", "ward"))
        .order_by("ward__name", "expected_discharge_on", "client__family_name"))
    for stay in stays:
        stay.peer_status_label = peer_status_label(stay.peer_status)  # type: ignore[attr-defined]
        stay.supporter_name = " ".join(  # type: ignore[attr-defined]
            n for n in (stay.supporter_first, stay.supporter_last) if n)  # type: ignore[attr-defined]
    return stays


def aggregate_counts(sites: QuerySet[ProgramSite]) -> list[dict[str, Any]]:
    """Enrolments per site and status: counts only, nothing that names or points to a client."""
    rows = (sites.values("pk", "name", "enrolments__status")
            .annotate(n=Count("enrolments")).order_by("name"))
    table: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(row["pk"], {"site": row["name"], "counts": {}, "total": 0})
        if row["enrolments__status"]:
            entry["counts"][row["enrolments__status"]] = row["n"]
            entry["total"] += row["n"]
    out = []
    for entry in table.values():
        entry["cells"] = [entry["counts"].get(s.value, 0) for s in EnrolmentStatus]
        out.append(entry)
    return out
