"""Who may see which outcome pages, for which sites; aggregate reads for the dashboards.

Outcome pages show aggregates only (no client is identifiable on any of them, for any
role), so they are scoped by program site rather than through clients_for_user: site leads
and coordinators see their sites, evaluators their scope (a site, or every site when their
role has none), administrators everything. Every page view writes one audit event with
category "outcomes" and no client id.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth

from bridgeway.access.policy import WRITE_RULES, Action, grants_for, sites_for, who_for
from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import record
from bridgeway.clients.models import Enrolment, Match
from bridgeway.contacts.models import Contact, Outcome
from bridgeway.core.models import Organisation, ProgramSite, Role, User, Ward

from .models import DEFAULT_PER_DIEM, DataCoverage, Excerpt, PerDiem, ProgramWard, Reflection

AUDIT_CATEGORY = "outcomes"
VIEW_ROLES = (Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR, Role.EVALUATOR)
# Who may write what is decided by access.policy.authorize; these list the sites to offer.
FEEDBACK_ROLES = tuple(WRITE_RULES[Action.RECORD_REFLECTION])
PER_DIEM_ROLES = tuple(WRITE_RULES[Action.SET_PER_DIEM])
DROP_OUT_REASONS = (Match.EndReason.DROPPED_OUT, Match.EndReason.CLIENT_ASKED,
                    Match.EndReason.WITHDREW)


def sites_in_scope(user: User, roles: tuple[str, ...] = VIEW_ROLES) -> list[ProgramSite]:
    return list(sites_for(user, *roles).select_related("hospital").order_by("name"))


def covering_role(user: User, roles: tuple[str, ...], site: ProgramSite | None) -> str | None:
    for grant in grants_for(user):
        if grant.role not in roles:
            continue
        if grant.role == Role.ADMINISTRATOR:
            return grant.role
        if site is None:
            return grant.role
        if grant.role == Role.EVALUATOR and grant.site_id in (None, site.id):
            return grant.role
        if grant.role in (Role.SITE_LEAD, Role.COORDINATOR) and grant.site_id == site.id:
            return grant.role
    return None


def view_role(user: User, site: ProgramSite | None = None) -> str | None:
    return covering_role(user, VIEW_ROLES, site)


def is_evaluator_only(user: User) -> bool:
    roles = {g.role for g in grants_for(user)}
    return Role.EVALUATOR in roles and not roles & {Role.ADMINISTRATOR, Role.SITE_LEAD,
                                                    Role.COORDINATOR}


def audit_view(user: User, *, detail: str, site: ProgramSite | None = None,
               outcome: str = AuditEvent.Outcome.ALLOWED) -> None:
    """One audit event for an aggregate outcomes page (no client id: nothing identifiable)."""
    role = view_role(user, site) or (grants_for(user)[0].role if grants_for(user) else "")
    with transaction.atomic():
        record(who=who_for(user, role, site.code if site else ""), category=AUDIT_CATEGORY,
               action="view", outcome=outcome, detail=detail)


# --- aggregate series for the dashboard ---------------------------------------------------

def contact_hours_by_month(site_ids: list[int], start: date, end: date) -> list[dict[str, object]]:
    """Met contacts per local month: hours, contacts, distinct clients.

    Filtered on a range of instants (local midnights, so the index serves). PostgreSQL groups
    by month itself; SQLite has no time zones, so there `__date` and TruncMonth would run a
    Python function on every row (1.3 s at demo size): the rows are grouped in pandas instead.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    contacts = Contact.objects.filter(
        site_id__in=site_ids, outcome=Outcome.MET,
        occurred_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        occurred_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
    if connection.vendor == "postgresql":
        rows = (contacts.annotate(month=TruncMonth("occurred_at")).values("month")
                .annotate(minutes=Sum("duration_minutes"), contacts=Count("id"),
                          clients=Count("client_id", distinct=True)).order_by("month"))
        return [{"month": r["month"].strftime("%Y-%m"), "hours": round((r["minutes"] or 0) / 60, 1),
                 "contacts": r["contacts"], "clients": r["clients"]} for r in rows]
    import pandas as pd

    frame = pd.DataFrame(list(contacts.values_list("occurred_at", "duration_minutes", "client_id")),
                         columns=["at", "minutes", "client_id"])
    if frame.empty:
        return []
    local = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(tz)
    frame["month"] = local.dt.year * 100 + local.dt.month
    g = frame.groupby("month").agg(minutes=("minutes", "sum"), contacts=("minutes", "size"),
                                   clients=("client_id", "nunique"))
    return [{"month": f"{m // 100:04d}-{m % 100:02d}", "hours": round(float(r.minutes) / 60, 1),
             "contacts": int(r.contacts), "clients": int(r.clients)} for m, r in g.iterrows()]


def drop_outs_by_month(site_ids: list[int], start: date, end: date) -> list[dict[str, object]]:
    rows = (Match.objects.filter(site_id__in=site_ids, ended_on__gte=start, ended_on__lte=end)
            .annotate(month=TruncMonth("ended_on")).values("month")
            .annotate(ended=Count("id"), dropped=Count("id", filter=Q(end_reason__in=DROP_OUT_REASONS)))
            .order_by("month"))
    return [{"month": r["month"].strftime("%Y-%m"), "ended": r["ended"],
             "dropped_out": r["dropped"]} for r in rows]


def waiting_times(site_ids: list[int], start: date, end: date) -> list[dict[str, object]]:
    """Days from referral to the first match, by month of referral (median and count)."""
    rows = (Enrolment.objects.filter(site_id__in=site_ids, referred_on__gte=start,
                                     referred_on__lte=end)
            .annotate(first_match=Min("matches__started_on"))
            .filter(first_match__isnull=False).values_list("referred_on", "first_match"))
    by_month: dict[str, list[int]] = {}
    for referred, matched in rows:
        by_month.setdefault(referred.strftime("%Y-%m"), []).append((matched - referred).days)
    out: list[dict[str, object]] = []
    for month in sorted(by_month):
        days = sorted(by_month[month])
        mid = len(days) // 2
        median = days[mid] if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
        out.append({"month": month, "median_days": median, "matched": len(days)})
    return out


def per_diems_for(sites: list[ProgramSite]) -> list[dict[str, object]]:
    """The per-diem each report uses, per hospital and ward type, and where it comes from."""
    hospitals = {s.hospital_id: s.hospital for s in sites}
    set_values = {(p.hospital_id, p.ward_type): p for p in
                  PerDiem.objects.filter(hospital_id__in=hospitals)}
    out: list[dict[str, object]] = []
    for hid, hospital in sorted(hospitals.items(), key=lambda kv: kv[1].name):
        for ward_type, default in DEFAULT_PER_DIEM.items():
            p = set_values.get((hid, ward_type))
            out.append({"hospital": hospital.name, "hospital_id": hid, "ward_type": ward_type,
                        "amount": float(p.amount if p else default),
                        "source": (p.source or "site value") if p else "default"})
    return out


def hospitals_for_per_diem(user: User) -> list[Organisation]:
    return sorted({s.hospital for s in sites_for(user, *PER_DIEM_ROLES).select_related("hospital")},
                  key=lambda h: h.name)


def reflections_for(sites: list[ProgramSite]) -> list[Reflection]:
    return list(Reflection.objects.filter(site__in=sites).select_related("site")
                .prefetch_related("excerpts").order_by("-collected_on", "id"))


def excerpts_for(sites: list[ProgramSite]) -> list[Excerpt]:
    return list(Excerpt.objects.filter(reflection__site__in=sites)
                .select_related("reflection__site", "subtheme__theme")
                .order_by("reflection__collected_on", "id"))


def coverage_rows(hospitals: list[Organisation]) -> list[DataCoverage]:
    return list(DataCoverage.objects.filter(hospital__in=hospitals)
                .select_related("hospital", "updated_by").order_by("hospital__name", "source"))


def program_wards(sites: list[ProgramSite]) -> list[dict[str, object]]:
    """Every ward of the sites' hospitals with its declared assignment (or none)."""
    declared = {(p.site_id, p.ward_id): p.assignment
                for p in ProgramWard.objects.filter(site__in=sites)}
    wards = list(Ward.objects.filter(hospital_id__in={s.hospital_id for s in sites}).order_by("name"))
    out: list[dict[str, object]] = []
    for site in sites:
        for ward in (w for w in wards if w.hospital_id == site.hospital_id):
            out.append({"site": site.name, "ward": ward.name, "ward_type": ward.ward_type,
                        "assignment": declared.get((site.id, ward.id), "")})
    return out
