"""Group sessions: record one (with attendance) and show it."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, audit_list, authorize
from bridgeway.contacts.models import GroupSession
from bridgeway.contacts.selectors.caseload import coordinator_sites
from bridgeway.contacts.selectors.common import supporter_profile
from bridgeway.contacts.selectors.groups import group_attendees, group_candidates, group_sites
from bridgeway.contacts.services.groups import GroupDetails, group_session_record
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import DURATIONS, GroupForm

# --- Groups ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = group_sites(user)
    if not sites:
        raise PermissionDenied(_("Only coordinators and peer supporters record groups."))
    code = request.GET.get("site") or request.POST.get("site")
    site = next((s for s in sites if s.code == code), None) if code else sites[0]
    if site is None:
        raise Http404
    actor = authorize(user, Action.LOG_CONTACT, site=site, audit_category=Info.CONTACT_LOG)
    candidates = list(group_candidates(user, site))
    by_id = {str(c.public_id): c for c in candidates}
    facilitators = SupporterProfile.objects.filter(sites=site).select_related("user").order_by(
        "user__first_name", "user__last_name")
    choices = [(str(c.public_id), f"{c.given_name} {c.family_name}") for c in candidates]
    profile = supporter_profile(user)
    if request.method == "POST":
        form = GroupForm(request.POST, facilitators=facilitators, attendee_choices=choices)
        if form.is_valid():
            d = form.cleaned_data
            try:
                session = group_session_record(actor=actor, details=GroupDetails(
                    site=site, kind=d["kind"], topic=d["topic"], starts_at=d["starts_at"],
                    duration_minutes=d["duration_minutes"], facilitators=list(d["facilitators"]),
                    attendees=[by_id[i] for i in d["attendees"]], note=d.get("note") or ""))
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Group recorded: %(n)d clients present.")
                                 % {"n": len(d["attendees"])})
                return HttpResponseRedirect(reverse("contacts:group", args=[session.public_id]))
    else:
        initial: dict[str, Any] = {
            "kind": GroupSession.Kind.ON_WARD, "duration_minutes": 60,
            "starts_at": timezone.localtime().replace(second=0, microsecond=0),
            "facilitators": [profile.pk] if profile and profile.sites.filter(pk=site.pk).exists() else [],
        }
        form = GroupForm(initial=initial, facilitators=facilitators, attendee_choices=choices)
    audit_list(user, category=Info.CASELOAD, clients=candidates, role=actor.role,
               site_code=site.code, detail="group attendance form")
    return render(request, "contacts/group_new.html", {"form": form, "site": site, "sites": sites,
                                                       "durations": DURATIONS})


@require_http_methods(["GET"])
def group_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    session = get_object_or_404(GroupSession.objects.select_related("site"), public_id=public_id)
    coordinated = {s.pk for s in coordinator_sites(user)}
    facilitator = session.facilitators.filter(user=user).exists()
    if session.site_id not in coordinated and not facilitator:
        raise PermissionDenied(_("You cannot see this group."))
    visible = group_attendees(user, session)
    audit_list(user, category=Info.CONTACT_LOG, clients=visible, site_code=session.site.code,
               detail=f"group {session.public_id}")
    return render(request, "contacts/group.html", {
        "session": session, "attendees": visible,
        "facilitators": session.facilitators.select_related("user"),
        "hidden": session.contacts.count() - len(visible)})
