"""Pages of the safety net. Views parse, ask the access layer and selectors, call services.

Every page showing client data writes exactly one audit event: client_for_user for one
client, audit_list for lists. Writes are services, authorised by access.policy.authorize.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    ClientAccess,
    audit_list,
    audit_view,
    authorize,
    client_for_user,
    has_role,
    supporter_profile_of,
)
from bridgeway.clients.models import EnrolmentStatus
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.safety import care, selectors, services
from bridgeway.safety.models import Alert, Bridging, CheckIn, Notification, SafetyThresholds
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.safety.forms import (
    AlertActionForm,
    BinderEntryForm,
    BridgingEstablishForm,
    BridgingStartForm,
    CheckInForm,
    ChecklistForm,
    FollowUpForm,
    InChargeForm,
    IncidentForm,
    OutreachCloseForm,
    OutreachStepForm,
    ReasonForm,
    SupervisionForm,
    ThresholdsForm,
)

# --- alert inbox --------------------------------------------------------------------------

STATUS_FILTERS = {"open": ["open", "acknowledged"], "snoozed": ["snoozed"],
                  "resolved": ["resolved"]}


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD,
                    Role.PEER_SUPPORTER):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    statuses = STATUS_FILTERS.get(show, STATUS_FILTERS["open"])
    qs = selectors.alerts_for_user(user).filter(status__in=statuses)
    rule = request.GET.get("rule", "")
    if rule:
        qs = qs.filter(rule=rule)
    if show == "resolved":
        alerts = list(qs.order_by("-resolved_at")[:100])
    else:
        alerts = list(selectors.by_urgency(qs)[:200])
    clients = [a.client for a in alerts if a.client is not None]
    audit_list(user, category=Info.SAFETY, clients=clients, detail="safety:inbox")
    return render(request, "safety/inbox.html", {
        "alerts": alerts, "show": show, "rule": rule, "today": timezone.localdate(),
        "rules": Alert._meta.get_field("rule").choices, "action_form": AlertActionForm(),
    })


def _alert_access(user: User, alert: Alert) -> ClientAccess | None:
    """One audit event for viewing an alert: through the client, or about a supporter."""
    if alert.client is not None:
        return client_for_user(user, alert.client.public_id, category=Info.SAFETY,
                               detail=f"alert:{alert.public_id}")
    audit_view(user, category=Info.SAFETY, detail=f"alert:{alert.public_id}")
    return None


@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    alert = selectors.alert_for_user(user, public_id)
    access = _alert_access(user, alert)
    form = AlertActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = authorize(user, Action.HANDLE_ALERT, client_access=access,
                          site=None if access else alert.site, audit_category="safety")
        data = form.cleaned_data
        try:
            if data["action"] == "acknowledge":
                services.alert_acknowledge(actor=actor, alert=alert)
            elif data["action"] == "snooze":
                services.alert_snooze(actor=actor, alert=alert, until=data["until"],
                                      note=data["note"])
            elif data["action"] == "resolve":
                services.alert_resolve(actor=actor, alert=alert, note=data["note"])
            else:
                services.alert_escalate(actor=actor, alert=alert, to=data["to"],
                                        note=data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Alert updated."))
            nxt = request.POST.get("next", "")
            if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(nxt)
            return HttpResponseRedirect(reverse("safety:alert", kwargs={"public_id": public_id}))
    return render(request, "safety/alert.html", {
        "alert": alert, "form": form, "log": alert.log.select_related("actor"),
        "spec_description": alert.get_rule_display(),
        "can_outreach": access is not None and alert.rule in {"missed_contacts",
                                                               "contact_lapse",
                                                               "no_first_contact"},
    }, status=400 if form.errors else 200)


# --- notifications ------------------------------------------------------------------------

@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    rows = list(selectors.notifications_for(user)[:100])
    # Titles name clients (first name and initial): the page is a read of those clients.
    clients = [n.alert.client for n in rows if n.alert is not None and n.alert.client is not None]
    audit_list(user, category=Info.SAFETY, clients=clients, detail="safety:notifications")
    return render(request, "safety/notifications.html", {"rows": rows})


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    note = selectors.notifications_for(user).filter(pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    return HttpResponseRedirect(note.url or reverse("safety:notifications"))


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    selectors.notifications_for(user_of(request)).filter(read_at__isnull=True).update(
        read_at=timezone.now())
    return HttpResponseRedirect(reverse("safety:notifications"))


# --- the safety page of one client --------------------------------------------------------

def _client_page(request: HttpRequest, access: ClientAccess, status: int = 200,
                 **forms: Any) -> HttpResponse:
    from bridgeway.web.safety.panels import context as panel_context

    user = access.user
    ctx = panel_context(access, request)
    people = selectors.binder_people(access)
    enrolments = selectors.enrolments_of(access)
    coordinating = access.role in {Role.COORDINATOR, Role.SITE_LEAD, Role.ADMINISTRATOR}
    ctx.update({
        "access": access,
        "binder_entries": list(selectors.binder_entries(access)),
        "binder_form": forms.get("binder_form") or BinderEntryForm(),
        "in_charge_form": forms.get("in_charge_form") or InChargeForm(people=people),
        "checklist_form": forms.get("checklist_form") or ChecklistForm(initial={
            "met_on_ward_on": getattr(ctx["checklist"], "met_on_ward_on", None),
            "community_plan_agreed_on": getattr(ctx["checklist"], "community_plan_agreed_on",
                                                None),
            "first_meeting_on": getattr(ctx["checklist"], "first_meeting_on", None)}),
        "met_on_ward_logged": bool(ctx["stay"]) and selectors.met_on_ward_during(ctx["stay"]),
        "bridging_start_form": forms.get("bridging_start_form") or BridgingStartForm(
            people=people),
        "bridging_establish_form": forms.get("bridging_establish_form")
        or BridgingEstablishForm(),
        "bridgings": list(selectors.bridgings(access)),
        "outreach_step_form": forms.get("outreach_step_form") or OutreachStepForm(),
        "outreach_close_form": forms.get("outreach_close_form") or OutreachCloseForm(),
        "reopenable": [e for e in enrolments
                       if e.status in (EnrolmentStatus.FINISHED, EnrolmentStatus.WITHDRAWN)]
        if coordinating else [],
        "coordinating": coordinating,
        "is_staff_reader": access.role in selectors.STAFF_ROLES,
        "can_bridging": access.role in {Role.COORDINATOR, Role.WARD_STAFF, Role.ADMINISTRATOR},
        "can_outreach": access.role in {Role.COORDINATOR, Role.PEER_SUPPORTER,
                                        Role.ADMINISTRATOR},
        "can_checklist": access.role in {Role.COORDINATOR, Role.PEER_SUPPORTER,
                                         Role.WARD_STAFF, Role.ADMINISTRATOR, Role.SITE_LEAD},
        "reason_form": ReasonForm(),
        "user": user,
    })
    return render(request, "safety/client.html", ctx, status=status)


def _access(request: HttpRequest, public_id: uuid.UUID, category: str = Info.BINDER,
            detail: str = "") -> ClientAccess:
    return client_for_user(user_of(request), public_id, category=category,
                           detail=detail or str(request.resolver_match.view_name
                                                if request.resolver_match else ""))


@require_GET
def client_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.BINDER)
    if not (access.sees(Info.BINDER) or access.sees(Info.SAFETY)):
        raise PermissionDenied
    return _client_page(request, access)


def _back(access: ClientAccess, anchor: str = "") -> HttpResponse:
    return HttpResponseRedirect(
        reverse("safety:client", kwargs={"public_id": access.client.public_id}) + anchor)


def _refuse(request: HttpRequest, access: ClientAccess, form: BaseForm, *, name: str,
            message: str) -> HttpResponse:
    """A post whose precondition is missing (no stay, nothing open): the page again, 400,
    with the reason at the top (the form's own section may not be on the page then)."""
    messages.error(request, message)
    return _client_page(request, access, status=400, **{name: form})


def _submit(request: HttpRequest, access: ClientAccess, form: BaseForm, *, name: str,
            anchor: str, write: Callable[[dict[str, Any]], object]) -> HttpResponse:
    """What every form on the client's safety page does with a post: invalid fields, or the
    service's own ValidationError, go back onto the form (the page again, 400); success
    returns to the form's section of the page."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _back(access, anchor)
    return _client_page(request, access, status=400, **{name: form})


@require_POST
def binder_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.BINDER)
    actor = authorize(access.user, Action.WRITE_BINDER, client_access=access,
                      audit_category="binder")
    return _submit(request, access, BinderEntryForm(request.POST), name="binder_form",
                   anchor="#binder", write=lambda data: care.binder_add_entry(
                       actor=actor, client=access.client, **data))


@require_POST
def binder_in_charge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.BINDER)
    if access.role not in {Role.COORDINATOR, Role.SITE_LEAD, Role.WARD_STAFF,
                           Role.ADMINISTRATOR}:
        raise PermissionDenied
    actor = authorize(access.user, Action.WRITE_BINDER, client_access=access,
                      audit_category="binder")
    form = InChargeForm(request.POST, people=selectors.binder_people(access))
    return _submit(request, access, form, name="in_charge_form", anchor="#binder",
                   write=lambda data: care.binder_set_in_charge(
                       actor=actor, client=access.client, person=data["person"]))


@require_POST
def checklist(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.DISCHARGE_DATE)
    actor = authorize(access.user, Action.WRITE_BINDER, client_access=access,
                      audit_category="discharge_date")
    stay = selectors.current_stay(access)
    form = ChecklistForm(request.POST)
    if stay is None:
        return _refuse(request, access, form, name="checklist_form",
                       message=_("This client has no hospital stay."))
    return _submit(request, access, form, name="checklist_form", anchor="#checklist",
                   write=lambda data: care.checklist_update(actor=actor, stay=stay, **data))


@require_POST
def bridging_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.BINDER)
    actor = authorize(access.user, Action.RECORD_BRIDGING, client_access=access,
                      audit_category="binder")
    form = BridgingStartForm(request.POST, people=selectors.binder_people(access))
    return _submit(request, access, form, name="bridging_start_form", anchor="#bridging",
                   write=lambda data: care.bridging_start(
                       actor=actor, client=access.client, staff=data["staff"],
                       started_on=data["started_on"], stay=selectors.current_stay(access)))


@require_POST
def bridging_establish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.BINDER)
    actor = authorize(access.user, Action.RECORD_BRIDGING, client_access=access,
                      audit_category="binder")
    bridging = Bridging.objects.filter(client=access.client, established_on__isnull=True).first()
    form = BridgingEstablishForm(request.POST)
    if bridging is None:
        return _refuse(request, access, form, name="bridging_establish_form",
                       message=_("No bridging is under way."))
    return _submit(request, access, form, name="bridging_establish_form", anchor="#bridging",
                   write=lambda data: care.bridging_establish(actor=actor, bridging=bridging,
                                                              **data))


@require_POST
def outreach_step(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record an outreach step (opening the outreach if none is open)."""
    access = _access(request, public_id, Info.ENROLMENT)
    actor = authorize(access.user, Action.LOG_CONTACT, client_access=access,
                      audit_category="enrolment")

    def write(data: dict[str, Any]) -> object:
        case = care.outreach_open(actor=actor, client=access.client)
        return care.outreach_add_step(actor=actor, case=case, **data)

    return _submit(request, access, OutreachStepForm(request.POST), name="outreach_step_form",
                   anchor="#outreach", write=write)


@require_POST
def outreach_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.ENROLMENT)
    enrolment = access.client.enrolments.exclude(status__in=["finished", "withdrawn",
                                                             "declined"]).first()
    actor = authorize(access.user, Action.MANAGE_SAFETY, client_access=access,
                      site=enrolment.site if enrolment else None, audit_category="enrolment")
    case = selectors.outreach(access)
    form = OutreachCloseForm(request.POST)
    if case is None:
        return _refuse(request, access, form, name="outreach_close_form",
                       message=_("No outreach is open."))
    return _submit(request, access, form, name="outreach_close_form", anchor="#outreach",
                   write=lambda data: care.outreach_close(actor=actor, case=case, **data))


@require_POST
def reopen(request: HttpRequest, public_id: uuid.UUID, enrolment_id: uuid.UUID) -> HttpResponse:
    access = _access(request, public_id, Info.ENROLMENT)
    enrolment = selectors.enrolment_of(access, enrolment_id)
    actor = authorize(access.user, Action.CHANGE_ENROLMENT, client_access=access,
                      site=enrolment.site, audit_category="enrolment")
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        care.client_reopen(actor=actor, enrolment=enrolment,
                           reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _client_page(request, access, status=400)
    messages.success(request, _("The file is open again; the client is on the waitlist."))
    return _back(access)


# --- incidents ----------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Two taps from the client page: "Report an incident", then what happened."""
    access = _access(request, public_id, Info.SAFETY)
    actor = authorize(access.user, Action.REPORT_INCIDENT, client_access=access,
                      audit_category="safety")
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = access.match.site if access.match else _site_of(access)
        if site is None:
            form.add_error(None, _("This client has no program site."))
        else:
            services.incident_report(actor=actor, site=site, client=access.client,
                                     supporter=access.match.supporter if access.match else None,
                                     kind=form.cleaned_data["kind"],
                                     description=form.cleaned_data["description"])
            messages.success(request, _("Thank you. Your coordinator has been told and will "
                                        "be in touch."))
            return HttpResponseRedirect(reverse("safety:incidents"))
    return render(request, "safety/incident_new.html", {"form": form, "client": access.client},
                  status=400 if form.errors else 200)


def _site_of(access: ClientAccess) -> ProgramSite | None:
    enrolment = access.client.enrolments.select_related("site").order_by(
        "-status_changed_at").first()
    return enrolment.site if enrolment else None


@require_GET
def incidents(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    rows = list(selectors.incidents_for(user)[:100])
    audit_list(user, category=Info.SAFETY, clients=[i.client for i in rows if i.client],
               detail="safety:incidents")
    return render(request, "safety/incidents.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    incident = selectors.incident_for(user, public_id)
    coordinating = selectors.is_coordinating(user, incident.site)
    if incident.client is not None:
        if coordinating:
            client_for_user(user, incident.client.public_id, category=Info.SAFETY,
                            detail=f"incident:{incident.public_id}")
        else:  # the reporter, who may no longer be matched: audited as a view of their report
            audit_view(user, category=Info.SAFETY, client_public_id=incident.client.public_id,
                       detail=f"incident:{incident.public_id}")
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if not coordinating:
            raise PermissionDenied
        actor = authorize(user, Action.MANAGE_SAFETY, site=incident.site,
                          audit_category="safety")
        if form.is_valid():
            try:
                if form.cleaned_data["action"] == "close":
                    services.incident_close(actor=actor, incident=incident,
                                            note=form.cleaned_data["note"])
                else:
                    services.incident_follow_up(actor=actor, incident=incident,
                                                follow_up=form.cleaned_data["note"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return HttpResponseRedirect(reverse("safety:incident",
                                                    kwargs={"public_id": public_id}))
    return render(request, "safety/incident.html", {
        "incident": incident, "form": form, "coordinating": coordinating,
        "debriefs": incident.debriefs.all() if coordinating else [],
    }, status=400 if form.errors else 200)


# --- supervision, check-ins, thresholds ---------------------------------------------------

def _require_coordinating(user: User) -> list[ProgramSite]:
    """Supervision and supporters' wellbeing: their coordinators (and administrators) only."""
    sites = list(selectors.coordinator_sites(user))
    if not sites:
        raise PermissionDenied
    return sites


@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = _require_coordinating(user)
    form = SupervisionForm(request.POST or None, supporters=selectors.supporters_coordinated(user),
                           incidents=selectors.incidents_for(user).filter(site__in=sites))
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["supporters"])
        site = next((s for s in sites if all(p.sites.filter(pk=s.pk).exists() for p in chosen)),
                    None)
        if site is None:
            form.add_error("supporters", _("Choose peer supporters of one site."))
        else:
            actor = authorize(user, Action.MANAGE_SAFETY, site=site, audit_category="supervision")
            try:
                services.supervision_record(actor=actor, site=site, kind=form.cleaned_data["kind"],
                                            held_on=form.cleaned_data["held_on"],
                                            supporters=chosen, notes=form.cleaned_data["notes"],
                                            incident=form.cleaned_data["incident"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Session recorded."))
                return HttpResponseRedirect(reverse("safety:supervision"))
    return render(request, "safety/supervision.html", {
        "form": form, "sessions": selectors.supervision_for(user)[:50],
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = supporter_profile_of(user)
    if profile is None:
        raise PermissionDenied
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = services_actor(user)
        services.checkin_record(actor=actor, supporter=profile, **form.cleaned_data)
        if form.cleaned_data["feeling"] == CheckIn.Feeling.BREAK:
            messages.success(request, _("Take care of yourself. You will get no new matches "
                                        "until you and your coordinator lift the pause; they "
                                        "have been told."))
        elif form.cleaned_data["feeling"] == CheckIn.Feeling.TALK:
            messages.success(request, _("Your coordinator has been asked to get in touch."))
        else:
            messages.success(request, _("Thanks for checking in."))
        return HttpResponseRedirect(reverse("safety:checkin"))
    return render(request, "safety/checkin.html", {
        "form": form, "profile": profile,
        "mine": CheckIn.objects.filter(supporter=profile)[:10],
    }, status=400 if form.errors else 200)


def services_actor(user: User) -> Any:
    """A supporter acting on their own wellbeing record (not client data)."""
    from bridgeway.core.actors import Actor

    return Actor(user=user, role=Role.PEER_SUPPORTER)


@require_http_methods(["GET", "POST"])
def checkins(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    _require_coordinating(user)
    if request.method == "POST":
        qs = selectors.checkins_for(user).exclude(supporter__user=user)
        raw = request.POST.get("checkin")
        target = qs.filter(public_id=str(raw)).first() if _is_uuid(raw) else None
        if target is None:
            raise Http404
        site = target.supporter.sites.filter(
            pk__in=selectors.coordinator_sites(user).values("id")).first()
        actor = authorize(user, Action.MANAGE_SAFETY, site=site, audit_category="wellbeing")
        try:
            if request.POST.get("action") == "resume":
                services.supporter_resume(actor=actor, supporter=target.supporter,
                                          note=request.POST.get("note", "")[:200])
                if target.handled_at is None:
                    services.checkin_handle(actor=actor, checkin=target)
            else:
                services.checkin_handle(actor=actor, checkin=target,
                                        note=request.POST.get("note", "")[:200])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("safety:checkins"))
    rows = list(selectors.checkins_for(user).exclude(supporter__user=user)[:100])
    audit_view(user, category="wellbeing", detail="safety:checkins")
    return render(request, "safety/checkins.html", {"rows": rows})


def _is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest, site_code: str) -> HttpResponse:
    user = user_of(request)
    site = selectors.coordinated_sites(user).filter(code=site_code).first()
    if site is None:
        if ProgramSite.objects.filter(code=site_code).exists():
            raise PermissionDenied
        raise Http404
    instance = SafetyThresholds.objects.filter(site=site).first() or SafetyThresholds(site=site)
    form = ThresholdsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        actor = authorize(user, Action.MANAGE_SAFETY, site=site, audit_category="safety")
        if form.is_valid():
            try:
                services.thresholds_save(actor=actor, thresholds=form.save(commit=False))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thresholds saved."))
                return HttpResponseRedirect(reverse("safety:thresholds",
                                                    kwargs={"site_code": site.code}))
    return render(request, "safety/thresholds.html", {"form": form, "site": site},
                  status=400 if form.errors else 200)
