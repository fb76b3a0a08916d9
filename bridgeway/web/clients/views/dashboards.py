"""Role home pages: site dashboard, my clients, ward inpatients, evaluation, administration."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bridgeway.access import record
from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    audit_list,
    can,
    caseload_for_supporter,
    denied,
    grants_for,
    has_role,
    sites_for,
)
from bridgeway.clients.models import Client, EnrolmentStatus
from bridgeway.core.models import Organisation, ProgramSite, Role
from bridgeway.web.clients.views import lists
from bridgeway.web.common import user_of


def sites(request: HttpRequest) -> HttpResponse:
    """The sites whose dashboard the user may open; straight there when there is one."""
    user = user_of(request)
    available = list(sites_for(user, Role.COORDINATOR, Role.SITE_LEAD))
    if not available:
        raise denied(user, category=Info.CASELOAD, detail="page:clients:sites")
    if len(available) == 1:
        return redirect("clients:site_dashboard", site_code=available[0].code)
    return render(request, "clients/sites.html", {"sites": available})


def site_dashboard(request: HttpRequest, site_code: str) -> HttpResponse:
    user = user_of(request)
    site = get_object_or_404(ProgramSite, code=site_code)
    if not sites_for(user, Role.COORDINATOR, Role.SITE_LEAD).filter(pk=site.pk).exists():
        raise denied(user, category=Info.CASELOAD, detail=f"page:clients:site_dashboard:{site.code}",
                   site_code=site.code)
    referrals = lists.referrals(user, site)
    waitlist = lists.waitlist(user, site)
    audit_list(user, category=Info.CASELOAD, clients=[e.client for e in [*referrals, *waitlist]],
               detail=f"page:clients:site_dashboard:{site.code}", site_code=site.code)
    return render(request, "clients/site_dashboard.html", {
        "site": site, "referrals": referrals, "waitlist": waitlist,
        "counts": lists.status_counts(site), "supporters": lists.free_supporters(site),
        "other_sites": sites_for(user, Role.COORDINATOR, Role.SITE_LEAD).exclude(pk=site.pk),
        "may_match": can(user, Action.MATCH, site=site),
        "may_refer": can(user, Action.REFER, site=site),
    })


def mine(request: HttpRequest) -> HttpResponse:
    """A peer supporter's clients: only what each client shares, and a note when not all."""
    user = user_of(request)
    if not has_role(user, Role.PEER_SUPPORTER):
        raise denied(user, category=Info.CASELOAD, detail="page:clients:mine")
    caseload = caseload_for_supporter(user)
    prefetch_related_objects([a.client for a in caseload], "stays__hospital", "stays__ward")
    audit_list(user, category=Info.CASELOAD, clients=[a.client for a in caseload],
               detail="page:clients:mine", role=Role.PEER_SUPPORTER)
    # Each card links to the fast log form when the client shares the contact log.
    cards = [(record.card(a), a.sees(Info.CONTACT_LOG)) for a in caseload]
    return render(request, "clients/mine.html", {"cards": cards})


def ward_home(request: HttpRequest) -> HttpResponse:
    """Ward staff: the hospital's current inpatients, refer, set expected discharge inline."""
    user = user_of(request)
    hospital_ids = {g.organisation_id for g in grants_for(user)
                    if g.role == Role.WARD_STAFF and g.organisation_id}
    if not hospital_ids:
        raise denied(user, category=Info.CASELOAD, detail="page:clients:ward_home")
    hospitals: list[dict[str, object]] = []
    shown: list[Client] = []
    for hospital in Organisation.objects.filter(pk__in=hospital_ids).order_by("name"):
        stays = lists.inpatients(user, hospital)
        shown.extend(s.client for s in stays)
        hospitals.append({"hospital": hospital, "stays": stays})
    audit_list(user, category=Info.CASELOAD, clients=shown, detail="page:clients:ward_home",
               role=Role.WARD_STAFF)
    return render(request, "clients/ward_home.html", {"hospitals": hospitals})


def evaluation(request: HttpRequest) -> HttpResponse:
    """Evaluators: enrolment counts by site and status, and nothing else."""
    user = user_of(request)
    if not has_role(user, Role.EVALUATOR, Role.ADMINISTRATOR):
        raise denied(user, category=Info.CASELOAD, detail="page:clients:evaluation")
    available = sites_for(user, Role.EVALUATOR)
    return render(request, "clients/evaluation.html", {
        "rows": lists.aggregate_counts(available), "statuses": list(EnrolmentStatus),
    })
