"""Reads of the safety net, always scoped to the user through the access layer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from bridgeway.access import reveals
from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess, grants_for, has_role, site_ids_for, sites_for
from bridgeway.clients.models import Client, ConsentRecord, Enrolment, HospitalStay, Match
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.safety import rules as r
from bridgeway.safety.models import (
    Alert,
    Binder,
    BinderEntry,
    Bridging,
    DischargeChecklist,
    Incident,
    Notification,
    OutreachCase,
)

COORDINATING = (Role.COORDINATOR, Role.SITE_LEAD)
SUPPORTER_RULES = [rule.value for rule, spec in r.SPECS.items()
                   if spec.supporter_sees and not spec.supporter_needs]
STAY_RULES = [rule.value for rule, spec in r.SPECS.items()
              if spec.supporter_sees and spec.supporter_needs == "stay_status"]


def coordinated_sites(user: User) -> QuerySet[ProgramSite]:
    """Sites where the user coordinates or leads (all sites for an administrator)."""
    return sites_for(user, *COORDINATING)


def _supporter_alert_q(user: User) -> Q:
    """A supporter sees alerts about their own current clients, for rules meant for them;
    a readmission only while the client shares their stay status."""
    mine = Match.objects.filter(supporter__user=user, status=Match.Status.ACTIVE)
    latest = ConsentRecord.objects.filter(enrolment_id=OuterRef("enrolment_id")).order_by("-version")
    shares_stay = (mine.annotate(p=Subquery(latest.values("participation")[:1]),
                                 s=Subquery(latest.values("share_stay_status")[:1]))
                   .filter(p=True, s=True))
    return (Q(rule__in=SUPPORTER_RULES, client_id__in=mine.values("client_id"))
            | Q(rule__in=STAY_RULES, client_id__in=shares_stay.values("client_id")))


# A supporter's wellbeing is between them and their coordinators (not site leads).
WELLBEING_RULES = [r.Rule.TALK_REQUESTED.value, r.Rule.BREAK_REQUESTED.value]


def coordinator_sites(user: User) -> QuerySet[ProgramSite]:
    """Sites where the user is a peer support coordinator (all sites for an administrator)."""
    return sites_for(user, Role.COORDINATOR)


def alerts_for_user(user: User) -> QuerySet[Alert]:
    q: Q | None = None
    if has_role(user, Role.ADMINISTRATOR):
        q = Q()
    else:
        # Not an administrator, so these are sets (from the grants read once per request).
        coordinating = set(site_ids_for(user, Role.COORDINATOR) or ())
        leading = set(site_ids_for(user, *COORDINATING) or ()) - coordinating
        if coordinating:
            q = Q(site_id__in=coordinating)
        if leading:
            lq = Q(site_id__in=leading) & ~Q(rule__in=WELLBEING_RULES)
            q = lq if q is None else (q | lq)
        if has_role(user, Role.PEER_SUPPORTER):
            sq = _supporter_alert_q(user)
            q = sq if q is None else (q | sq)
    if q is None:
        return Alert.objects.none()
    return (Alert.objects.filter(q).select_related("client", "supporter__user", "site", "owner",
                                                   "incident"))


# Most pressing first: urgent, then warning, then information; then by due date.
SEVERITY_RANK = Case(When(severity="urgent", then=Value(0)), When(severity="warning", then=Value(1)),
                     default=Value(2), output_field=IntegerField())


def by_urgency(qs: QuerySet[Alert]) -> QuerySet[Alert]:
    return qs.order_by(SEVERITY_RANK, "due_on", "-created_at")


def open_alerts_for_user(user: User, *, include_snoozed: bool = False) -> QuerySet[Alert]:
    qs = alerts_for_user(user).exclude(status=Alert.Status.RESOLVED)
    if not include_snoozed:
        qs = qs.exclude(status=Alert.Status.SNOOZED)
    return by_urgency(qs)


def alert_for_user(user: User, public_id: uuid.UUID | str) -> Alert:
    try:
        return alerts_for_user(user).get(public_id=public_id)
    except (Alert.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def is_coordinating(user: User, site: ProgramSite) -> bool:
    return coordinated_sites(user).filter(pk=site.pk).exists()


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("alert__client")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- per-client reads (the caller already holds a ClientAccess) ---------------------------

STAFF_ROLES = {Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD, Role.WARD_STAFF}


def binder_entries(access: ClientAccess) -> QuerySet[BinderEntry]:
    """The entries this reader's role and the client's consent allow.

    Coordinators, site leads, ward and bridging staff, administrators: every entry. A matched
    peer supporter: entries not marked staff-only, discharge planning only if the client
    shares the discharge date, concerns only if the client shares safety notes; always their
    own entries."""
    qs = BinderEntry.objects.filter(client=access.client).select_related("author")
    if not access.sees(Info.BINDER):
        return qs.none()
    if access.role in STAFF_ROLES:
        return qs
    allowed = Q(staff_only=False)
    if not access.sees(Info.DISCHARGE_DATE):
        allowed &= ~Q(category=BinderEntry.Category.DISCHARGE_PLANNING)
    if not access.sees(Info.SAFETY_NOTES):
        allowed &= ~Q(category=BinderEntry.Category.CONCERN)
    return qs.filter(allowed | Q(author=access.user))


def binder_in_charge(access: ClientAccess) -> User | None:
    """The named owner of the client's communication binder, if one is set."""
    binder = Binder.objects.filter(client=access.client).select_related("in_charge").first()
    return binder.in_charge if binder else None


def current_stay(access: ClientAccess) -> HospitalStay | None:
    """The stay the checklist and the discharge line speak of, as far as this viewer may know
    it (access.reveals: the open stay else the latest; with the discharge date alone, the stay
    whose date is shared; ward staff, their own hospital's)."""
    return reveals.known_stay(access)


def checklist_for(stay: HospitalStay | None) -> DischargeChecklist | None:
    if stay is None:
        return None
    return DischargeChecklist.objects.filter(stay=stay).first()


def met_on_ward_during(stay: HospitalStay) -> bool:
    """Whether a contact took place on the ward during the stay (the contact log says so)."""
    from bridgeway.contacts.models import Contact

    qs = Contact.objects.filter(client_id=stay.client_id, outcome="met", setting="ward",
                                occurred_at__date__gte=stay.admitted_on)
    if stay.discharged_on:
        qs = qs.filter(occurred_at__date__lte=stay.discharged_on)
    return qs.exists()


def bridgings(access: ClientAccess) -> QuerySet[Bridging]:
    return Bridging.objects.filter(client=access.client).select_related("staff")


def client_alerts(access: ClientAccess) -> QuerySet[Alert]:
    return by_urgency(alerts_for_user(access.user).filter(client=access.client).exclude(
        status=Alert.Status.RESOLVED))


def outreach(access: ClientAccess) -> OutreachCase | None:
    return (OutreachCase.objects.filter(client=access.client, closed_at__isnull=True)
            .prefetch_related("steps").first())


def enrolments_of(access: ClientAccess) -> list[Enrolment]:
    """The client's enrolments, newest change first (already under the page's access check)."""
    return list(Enrolment.objects.filter(client=access.client).select_related("site")
                .order_by("-status_changed_at"))


def enrolment_of(access: ClientAccess, enrolment_id: uuid.UUID | str) -> Enrolment:
    """One enrolment of the accessed client, or 404 (never another client's)."""
    enrolment = (Enrolment.objects.filter(public_id=enrolment_id, client=access.client)
                 .select_related("site").first())
    if enrolment is None:
        raise Http404
    return enrolment


def binder_people(access: ClientAccess) -> QuerySet[User]:
    """Who may be named in charge of a binder: staff and coordinators of the client's sites."""
    sites = list(access.client.enrolments.values_list("site_id", flat=True))
    hospitals = list(ProgramSite.objects.filter(id__in=sites).values_list("hospital_id", flat=True))
    return User.objects.filter(
        Q(role_assignments__role__in=COORDINATING, role_assignments__site_id__in=sites)
        | Q(role_assignments__role=Role.WARD_STAFF,
            role_assignments__organisation_id__in=hospitals),
        role_assignments__active=True, is_active=True).distinct().order_by("first_name")


# --- incidents (supervision and check-ins: bridgeway.supporters.selectors) -----------------

def incidents_for(user: User) -> QuerySet[Incident]:
    sites = list(coordinated_sites(user).values_list("id", flat=True))
    q = Q(site_id__in=sites) | Q(reported_by=user)
    return Incident.objects.filter(q).select_related("site", "reported_by", "client")


def debriefable_incidents(user: User, sites: list[ProgramSite]) -> QuerySet[Incident]:
    """Incidents a coordinator may record a debrief of (not those withdrawn by the reporter)."""
    return (incidents_for(user).filter(site__in=sites)
            .exclude(status=Incident.Status.WITHDRAWN).select_related("supporter__user"))


def incident_for(user: User, public_id: uuid.UUID | str) -> Incident:
    try:
        return incidents_for(user).get(public_id=public_id)
    except (Incident.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def grants_summary(user: User) -> set[str]:
    return {g.role for g in grants_for(user)}


# --- the client page's safety panel in one read ---------------------------------------------

@dataclass(frozen=True)
class ChecklistDates:
    met_on_ward_on: date | None
    community_plan_agreed_on: date | None
    first_meeting_on: date | None


@dataclass(frozen=True)
class CareSummary:
    """What the safety panel says of the binder, checklist, bridging and outreach."""

    binder_entries: int  # entries this reader may see, counted up to BINDER_RECENT
    in_charge: str  # the binder's named owner, "" when nobody is named
    checklist: ChecklistDates | None  # for the stay the reader may know of
    bridging_open: bool | None  # the latest bridging: still open, ended, or None (never)
    bridging_staff: str
    outreach_open: bool


BINDER_RECENT = 5


PERSON = ("first_name", "last_name", "username")


def _display(row: dict[str, Any], prefix: str) -> str:
    first, last, username = (row[prefix + k] for k in PERSON)
    return f"{first or ''} {last or ''}".strip() or (username or "")


def care_summary(access: ClientAccess, stay: HospitalStay | None) -> CareSummary:
    """The binder count and owner, the checklist of `stay`, the latest bridging and whether
    outreach is open: one query (subqueries on the client's row), whatever the history."""
    latest = Bridging.objects.filter(client=OuterRef("pk")).order_by("-started_on", "-id")
    fields: dict[str, Any] = {
        "care_outreach": Exists(OutreachCase.objects.filter(client=OuterRef("pk"),
                                                            closed_at__isnull=True)),
        "care_bridging": Subquery(latest.values("pk")[:1]),
        "care_bridging_ended": Subquery(latest.values("established_on")[:1]),
        **{f"care_staff_{k}": Subquery(latest.values(f"staff__{k}")[:1]) for k in PERSON},
        "care_binder": Value(0),
    }
    if access.sees(Info.BINDER):
        recent = binder_entries(access).order_by("-created_at").values("pk")[:BINDER_RECENT]
        fields["care_binder"] = Subquery(BinderEntry.objects.filter(pk__in=recent).order_by()
                                         .values("client").annotate(n=Count("pk")).values("n"))
    dates = ("met_on_ward_on", "community_plan_agreed_on", "first_meeting_on")
    if stay is not None:
        checklist = DischargeChecklist.objects.filter(stay_id=stay.pk)
        fields["care_checklist"] = Subquery(checklist.values("pk")[:1])
        fields.update({f"care_{k}": Subquery(checklist.values(k)[:1]) for k in dates})
    owner = tuple(f"binder__in_charge__{k}" for k in PERSON)
    row = (Client.objects.filter(pk=access.client.pk).annotate(**fields)
           .values(*fields, *owner).get())
    return CareSummary(
        binder_entries=row["care_binder"] or 0,
        in_charge=_display(row, "binder__in_charge__"),
        checklist=(ChecklistDates(*(row[f"care_{k}"] for k in dates))
                   if row.get("care_checklist") else None),
        bridging_open=(row["care_bridging_ended"] is None) if row["care_bridging"] else None,
        bridging_staff=_display(row, "care_staff_"),
        outreach_open=bool(row["care_outreach"]))
