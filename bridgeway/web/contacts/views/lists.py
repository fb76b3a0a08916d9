"""The supporter's caseload, the coordinator's site overview and a supporter's week."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import audit_list, grants_for
from bridgeway.contacts.selectors.caseload import (
    caseload_for,
    coordinator_sites,
    site_view,
    supporter_weeks,
)
from bridgeway.core.models import Role
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web.common import user_of

# --- Lists ----------------------------------------------------------------------------------

@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not any(g.role == Role.PEER_SUPPORTER for g in grants_for(user)):
        raise PermissionDenied(_("The caseload is for peer supporters."))
    page = caseload_for(user)
    audit_list(user, category=Info.CASELOAD, clients=[r.public_id for r in page.rows],
               detail="contacts caseload", role=Role.PEER_SUPPORTER)
    return render(request, "contacts/caseload.html", {"page": page})


@require_http_methods(["GET"])
def site_overview(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = coordinator_sites(user)
    if not sites:
        raise PermissionDenied(_("The site view is for coordinators and site leads."))
    code = request.GET.get("site")
    site = next((s for s in sites if s.code == code), None) if code else sites[0]
    if site is None:
        raise Http404
    view = site_view(user, site, sites)
    audit_list(user, category=Info.CASELOAD, clients=[r.public_id for r in view.clients],
               detail=f"contacts site view {site.code}", site_code=site.code)
    return render(request, "contacts/site.html", {"view": view})


@require_http_methods(["GET"])
def supporter_week(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    supporter = get_object_or_404(SupporterProfile.objects.select_related("user"),
                                  public_id=public_id)
    own = supporter.user_id == user.pk
    coordinated = {s.pk for s in coordinator_sites(user)}
    if not own and not (coordinated & set(supporter.sites.values_list("pk", flat=True))):
        raise PermissionDenied(_("You cannot see this supporter's summary."))
    weeks = supporter_weeks(supporter)
    return render(request, "contacts/week.html", {"supporter": supporter, "weeks": weeks,
                                                  "own": own})
