"""The peer supporter's day on a phone, and the coordinator's view of the site.

Views parse, call the access layer / selectors / services, and respond. Every page showing
client data writes exactly one audit event (client_for_user for one client, audit_list for
lists); every write is a service that audits itself.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    WRITE_RULES,
    Action,
    ClientAccess,
    audit_list,
    authorize,
    client_for_user,
    grants_for,
)
from bridgeway.contacts import selectors, services
from bridgeway.contacts.calendar import feed_ics
from bridgeway.contacts.models import (
    Appointment,
    CalendarFeed,
    GoalStep,
    GroupSession,
    RecoveryGoal,
)
from bridgeway.core.models import Role
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import (
    AppointmentForm,
    AppointmentOutcomeForm,
    ContactForm,
    GoalForm,
    GoalNoteForm,
    GoalStatusForm,
    GroupForm,
    StepForm,
)

DURATIONS = [15, 30, 45, 60, 90, 120]


def _can_write(access: ClientAccess) -> bool:
    """For showing buttons only; the write itself is authorized (and audited) when posted."""
    return access.role in WRITE_RULES[Action.LOG_CONTACT]


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


# --- Lists ----------------------------------------------------------------------------------

@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not any(g.role == Role.PEER_SUPPORTER for g in grants_for(user)):
        raise PermissionDenied(_("The caseload is for peer supporters."))
    page = selectors.caseload_for(user)
    audit_list(user, category=Info.CASELOAD, clients=[r.public_id for r in page.rows],
               detail="contacts caseload", role=Role.PEER_SUPPORTER)
    return render(request, "contacts/caseload.html", {"page": page})


@require_http_methods(["GET"])
def site_overview(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = selectors.coordinator_sites(user)
    if not sites:
        raise PermissionDenied(_("The site view is for coordinators and site leads."))
    code = request.GET.get("site")
    site = next((s for s in sites if s.code == code), None) if code else sites[0]
    if site is None:
        raise Http404
    view = selectors.site_view(user, site, sites)
    audit_list(user, category=Info.CASELOAD, clients=[r.public_id for r in view.clients],
               detail=f"contacts site view {site.code}", site_code=site.code)
    return render(request, "contacts/site.html", {"view": view})


@require_http_methods(["GET"])
def supporter_week(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    supporter = get_object_or_404(SupporterProfile.objects.select_related("user"),
                                  public_id=public_id)
    own = supporter.user_id == user.pk
    coordinated = {s.pk for s in selectors.coordinator_sites(user)}
    if not own and not (coordinated & set(supporter.sites.values_list("pk", flat=True))):
        raise PermissionDenied(_("You cannot see this supporter's summary."))
    weeks = selectors.supporter_weeks(supporter)
    return render(request, "contacts/week.html", {"supporter": supporter, "weeks": weeks,
                                                  "own": own})


# --- One client: contacts -------------------------------------------------------------------

@require_http_methods(["GET"])
def client_contacts(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = client_for_user(user_of(request), public_id, category=Info.CONTACT_LOG)
    return render(request, "contacts/client_contacts.html", {
        "access": access, "client": access.client, "rows": selectors.client_contacts(access),
        "stay": selectors.open_stay(access), "can_write": _can_write(access),
        "appointments": selectors.client_appointments(access),
    })


@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.CONTACT_LOG,
                             action="log" if request.method == "POST" else Action.VIEW)
    actor = authorize(user, Action.LOG_CONTACT, client_access=access,
                      audit_category=Info.CONTACT_LOG)
    match = access.match or services.active_match_for(access.client)
    stay = selectors.open_stay(access)
    if request.method == "POST":
        form = ContactForm(request.POST, match=match)
        if form.is_valid():
            try:
                services.contact_log(actor=actor, client=access.client, details=form.details(),
                                     match=match)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Contact with %(name)s logged.")
                                 % {"name": access.client.given_name})
                if actor.role == Role.PEER_SUPPORTER:
                    return HttpResponseRedirect(reverse("contacts:caseload"))
                return HttpResponseRedirect(reverse("contacts:client", args=[access.client.public_id]))
    else:
        form = ContactForm(initial=selectors.contact_defaults(access, in_hospital=stay is not None),
                           match=match)
    return render(request, "contacts/log.html", {"access": access, "client": access.client,
                                                 "form": form, "stay": stay,
                                                 "durations": DURATIONS})


# --- Groups ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = selectors.group_sites(user)
    if not sites:
        raise PermissionDenied(_("Only coordinators and peer supporters record groups."))
    code = request.GET.get("site") or request.POST.get("site")
    site = next((s for s in sites if s.code == code), None) if code else sites[0]
    if site is None:
        raise Http404
    actor = authorize(user, Action.LOG_CONTACT, site=site, audit_category=Info.CONTACT_LOG)
    candidates = list(selectors.group_candidates(user, site))
    by_id = {str(c.public_id): c for c in candidates}
    facilitators = SupporterProfile.objects.filter(sites=site).select_related("user").order_by(
        "user__first_name", "user__last_name")
    choices = [(str(c.public_id), f"{c.given_name} {c.family_name}") for c in candidates]
    profile = selectors.supporter_profile(user)
    if request.method == "POST":
        form = GroupForm(request.POST, facilitators=facilitators, attendee_choices=choices)
        if form.is_valid():
            d = form.cleaned_data
            try:
                session = services.group_session_record(actor=actor, details=services.GroupDetails(
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
    coordinated = {s.pk for s in selectors.coordinator_sites(user)}
    facilitator = session.facilitators.filter(user=user).exists()
    if session.site_id not in coordinated and not facilitator:
        raise PermissionDenied(_("You cannot see this group."))
    visible = selectors.group_attendees(user, session)
    audit_list(user, category=Info.CONTACT_LOG, clients=visible, site_code=session.site.code,
               detail=f"group {session.public_id}")
    return render(request, "contacts/group.html", {
        "session": session, "attendees": visible,
        "facilitators": session.facilitators.select_related("user"),
        "hidden": session.contacts.count() - len(visible)})


# --- Appointments ---------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def appointment_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.CONTACT_LOG)
    actor = authorize(user, Action.LOG_CONTACT, client_access=access,
                      audit_category=Info.CONTACT_LOG)
    if request.method == "POST":
        form = AppointmentForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.appointment_create(
                    actor=actor, client=access.client, match=access.match,
                    details=services.AppointmentDetails(
                        starts_at=d["starts_at"], place=d["place"], purpose=d["purpose"],
                        duration_minutes=d["duration_minutes"],
                        reminder_minutes=d["reminder_minutes"],
                        consent_to_accompany=d["consent_to_accompany"]))
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Appointment planned."))
                return HttpResponseRedirect(reverse("contacts:client", args=[access.client.public_id]))
    else:
        form = AppointmentForm(initial={"duration_minutes": 60})
    return render(request, "contacts/appointment_new.html", {"form": form, "client": access.client,
                                                             "access": access})


@require_http_methods(["GET", "POST"])
def appointment_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    appointment = get_object_or_404(Appointment.objects.select_related("client", "match"),
                                    public_id=public_id)
    access = client_for_user(user, appointment.client.public_id, category=Info.CONTACT_LOG)
    form = AppointmentOutcomeForm(initial={"log_contact": True})
    if request.method == "POST":
        actor = authorize(user, Action.LOG_CONTACT, client_access=access,
                          audit_category=Info.CONTACT_LOG)
        form = AppointmentOutcomeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.appointment_record_outcome(actor=actor, appointment=appointment,
                                                    outcome=d["outcome"], note=d.get("note") or "",
                                                    log_contact=d["log_contact"])
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Outcome recorded."))
                return HttpResponseRedirect(reverse("contacts:client", args=[access.client.public_id]))
    return render(request, "contacts/appointment.html", {
        "appointment": appointment, "client": access.client, "form": form,
        "can_write": _can_write(access),
        "show_note": access.sees(Info.CONTACT_NOTES)})


# --- Goals ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def client_goals(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.GOALS)
    form = GoalForm()
    if request.method == "POST":
        actor = authorize(user, Action.LOG_CONTACT, client_access=access, audit_category=Info.GOALS)
        form = GoalForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                goal = services.goal_create(actor=actor, client=access.client, domain=d["domain"],
                                            title=d["title"], target_date=d.get("target_date"),
                                            steps=(d.get("steps") or "").splitlines())
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Goal added."))
                return HttpResponseRedirect(reverse("contacts:goal", args=[goal.public_id]))
    return render(request, "contacts/goals.html", {
        "client": access.client, "goals": selectors.client_goals(access), "form": form,
        "can_write": _can_write(access)})


@require_http_methods(["GET", "POST"])
def goal_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    goal = get_object_or_404(RecoveryGoal.objects.select_related("client"), public_id=public_id)
    access = client_for_user(user, goal.client.public_id, category=Info.GOALS)
    step_form, status_form, note_form = StepForm(), GoalStatusForm(initial={"status": goal.status}), GoalNoteForm()
    if request.method == "POST":
        actor = authorize(user, Action.LOG_CONTACT, client_access=access, audit_category=Info.GOALS)
        op = request.POST.get("op", "")
        try:
            if op == "add_step":
                step_form = StepForm(request.POST)
                if step_form.is_valid():
                    services.goal_step_add(actor=actor, goal=goal, title=step_form.cleaned_data["title"],
                                           due_on=step_form.cleaned_data.get("due_on"))
                    return _back_to_goal(request, goal, _("Step added."))
            elif op in ("step_done", "step_reopen"):
                step_id = _parse_uuid(request.POST.get("step"))
                step = get_object_or_404(GoalStep, goal=goal, public_id=step_id) if step_id else None
                if step is None:
                    raise Http404
                services.goal_step_done(actor=actor, step=step, done=op == "step_done")
                return _back_to_goal(request, goal, _("Step updated."))
            elif op == "status":
                status_form = GoalStatusForm(request.POST)
                if status_form.is_valid():
                    services.goal_set_status(actor=actor, goal=goal,
                                             status=status_form.cleaned_data["status"],
                                             note=status_form.cleaned_data.get("note") or "")
                    return _back_to_goal(request, goal, _("Status changed."))
            elif op == "note":
                note_form = GoalNoteForm(request.POST)
                if note_form.is_valid():
                    services.goal_note_add(actor=actor, goal=goal, text=note_form.cleaned_data["text"])
                    return _back_to_goal(request, goal, _("Note added."))
            else:
                return HttpResponse(_("Unknown action."), status=400)
        except ValidationError as exc:
            target = {"add_step": step_form, "status": status_form, "note": note_form}.get(op)
            if target is None:
                messages.error(request, " ".join(exc.messages))
                return HttpResponseRedirect(reverse("contacts:goal", args=[goal.public_id]))
            target.apply_service_error(exc)  # type: ignore[attr-defined]
    return render(request, "contacts/goal.html", {
        "goal": selectors.goal_detail(goal), "client": access.client, "can_write": _can_write(access),
        "step_form": step_form, "status_form": status_form, "note_form": note_form})


def _back_to_goal(request: HttpRequest, goal: RecoveryGoal, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("contacts:goal", args=[goal.public_id]))


# --- Calendar feed --------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = selectors.supporter_profile(user)
    if profile is None or not any(g.role == Role.PEER_SUPPORTER for g in grants_for(user)):
        raise PermissionDenied(_("Calendar feeds are for peer supporters."))
    actor = authorize(user, Action.LOG_CONTACT, audit_category="calendar_feed")
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "create":
            services.calendar_feed_create(actor=actor, supporter=profile)
            messages.success(request, _("A new calendar link was made; any old link stopped working."))
        elif op == "revoke":
            services.calendar_feed_revoke(actor=actor, supporter=profile)
            messages.success(request, _("Your calendar link no longer works."))
        else:
            return HttpResponse(_("Unknown action."), status=400)
        return HttpResponseRedirect(reverse("contacts:calendar"))
    feed = CalendarFeed.objects.filter(supporter=profile, revoked_at__isnull=True).first()
    url = request.build_absolute_uri(reverse("contacts:calendar_feed", args=[feed.token])) if feed else ""
    return render(request, "contacts/calendar.html", {"feed": feed, "url": url})


@login_not_required
@require_http_methods(["GET"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The supporter's private feed: reachable without signing in, only with a live token."""
    feed = (CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
            .select_related("supporter__user").first())
    if feed is None or not feed.supporter.user.is_active:
        raise Http404
    supporter = feed.supporter
    appointments = selectors.feed_appointments(supporter)
    groups = selectors.feed_groups(supporter)
    audit_list(supporter.user, category=Info.CONTACT_LOG, clients=[a.client for a in appointments],
               role=Role.PEER_SUPPORTER, detail="calendar feed")
    body = feed_ics(supporter=supporter, appointments=appointments, groups=groups,
                    base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
