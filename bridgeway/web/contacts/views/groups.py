"""Group sessions: the list of a site's groups, schedule one (once or weekly), take its
attendance once it has started, record one after the fact (with attendance), show one."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, audit_list, audit_view, authorize
from bridgeway.contacts.models import GroupSession
from bridgeway.contacts.selectors.caseload import coordinator_sites
from bridgeway.contacts.selectors.common import supporter_profile
from bridgeway.contacts.selectors.groups import (
    group_attendees,
    group_candidates,
    group_sites,
    groups_at,
)
from bridgeway.contacts.services.groups import (
    GroupDetails,
    GroupPlan,
    group_attendance_record,
    group_schedule,
    group_session_record,
)
from bridgeway.core.models import ProgramSite, User
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import (
    DURATIONS,
    GroupAttendanceForm,
    GroupForm,
    GroupScheduleForm,
)

# --- Groups ---------------------------------------------------------------------------------

def _site(request: HttpRequest, user: User) -> tuple[ProgramSite, list[ProgramSite]]:
    """The site the page is about (`?site=`, else the first) among the user's group sites."""
    sites = group_sites(user)
    if not sites:
        raise PermissionDenied(_("Only coordinators and peer supporters record groups."))
    code = request.GET.get("site") or request.POST.get("site")
    site = next((s for s in sites if s.code == code), None) if code else sites[0]
    if site is None:
        raise Http404
    return site, sites


def _facilitators(site: ProgramSite) -> Any:
    return SupporterProfile.objects.filter(sites=site).select_related("user").order_by(
        "user__first_name", "user__last_name")


@require_http_methods(["GET"])
def group_list(request: HttpRequest) -> HttpResponse:
    """A site's groups: to come and past, each linked to its page. No client is named."""
    user = user_of(request)
    site, sites = _site(request, user)
    upcoming, past = groups_at(site)
    audit_view(user, category="group", detail=f"page:contacts:groups:{site.code}")
    return render(request, "contacts/groups.html", {
        "site": site, "sites": sites, "upcoming": upcoming, "past": past,
        "now": timezone.now()})


@require_http_methods(["GET", "POST"])
def group_schedule_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    site, sites = _site(request, user)
    actor = authorize(user, Action.LOG_CONTACT, site=site, audit_category="group")
    facilitators = _facilitators(site)
    profile = supporter_profile(user)
    if request.method == "POST":
        form = GroupScheduleForm(request.POST, facilitators=facilitators)
        if form.is_valid():
            d = form.cleaned_data
            try:
                sessions = group_schedule(actor=actor, plan=GroupPlan(
                    site=site, kind=d["kind"], topic=d["topic"], starts_at=d["starts_at"],
                    duration_minutes=d["duration_minutes"], facilitators=list(d["facilitators"]),
                    note=d.get("note") or "", weeks=d["weeks"]))
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, ngettext(
                    "Group scheduled: %(n)d session.", "Group scheduled: %(n)d sessions.",
                    len(sessions)) % {"n": len(sessions)})
                return HttpResponseRedirect(reverse("contacts:groups") + f"?site={site.code}")
    else:
        start = (timezone.localtime() + timedelta(days=1)).replace(minute=0, second=0,
                                                                   microsecond=0)
        form = GroupScheduleForm(facilitators=facilitators, initial={
            "kind": GroupSession.Kind.ON_WARD, "duration_minutes": 60, "weeks": 1,
            "starts_at": start,
            "facilitators": [profile.pk] if profile and profile.sites.filter(pk=site.pk).exists() else []})
    return render(request, "contacts/group_schedule.html", {
        "form": form, "site": site, "sites": sites, "durations": DURATIONS,
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    site, sites = _site(request, user)
    actor = authorize(user, Action.LOG_CONTACT, site=site, audit_category=Info.CONTACT_LOG)
    candidates = list(group_candidates(user, site))
    by_id = {str(c.public_id): c for c in candidates}
    facilitators = _facilitators(site)
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


def _group(user: User, public_id: uuid.UUID) -> tuple[GroupSession, bool]:
    """The group, and whether the user runs it (coordinates its site or facilitates it).
    Supporters of the site may look at it (they see only their own clients in it)."""
    session = get_object_or_404(GroupSession.objects.select_related("site"), public_id=public_id)
    runs = (session.site_id in {s.pk for s in coordinator_sites(user)}
            or session.facilitators.filter(user=user).exists())
    if not runs and session.site not in group_sites(user):
        raise PermissionDenied(_("You cannot see this group."))
    return session, runs


@require_http_methods(["GET"])
def group_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    session, runs = _group(user, public_id)
    visible = group_attendees(user, session)
    audit_list(user, category=Info.CONTACT_LOG, clients=visible, site_code=session.site.code,
               detail=f"group {session.public_id}")
    started = session.starts_at <= timezone.now()
    return render(request, "contacts/group.html", {
        "session": session, "attendees": visible, "started": started,
        "may_take_attendance": runs and started and session.attendance_taken_at is None,
        "facilitators": session.facilitators.select_related("user"),
        "hidden": session.contacts.count() - len(visible)})


@require_http_methods(["GET", "POST"])
def group_attendance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Take a scheduled group's attendance: only once it has started, only once."""
    user = user_of(request)
    session, runs = _group(user, public_id)
    if not runs:
        raise PermissionDenied(_("Only the group's facilitators and coordinators take its "
                                 "attendance."))
    actor = authorize(user, Action.LOG_CONTACT, site=session.site, audit_category=Info.CONTACT_LOG)
    candidates = list(group_candidates(user, session.site))
    by_id = {str(c.public_id): c for c in candidates}
    choices = [(str(c.public_id), f"{c.given_name} {c.family_name}") for c in candidates]
    form = GroupAttendanceForm(request.POST or None, attendee_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            group_attendance_record(actor=actor, session=session,
                                    attendees=[by_id[i] for i in form.cleaned_data["attendees"]])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("Attendance recorded: %(n)d clients present.")
                             % {"n": len(form.cleaned_data["attendees"])})
            return HttpResponseRedirect(reverse("contacts:group", args=[session.public_id]))
    audit_list(user, category=Info.CASELOAD, clients=candidates, role=actor.role,
               site_code=session.site.code, detail=f"group attendance form {session.public_id}")
    return render(request, "contacts/group_attendance.html", {
        "form": form, "session": session,
        "not_yet": session.starts_at > timezone.now(),
        "taken": session.attendance_taken_at is not None,
    }, status=400 if form.errors else 200)
