"""The safety page of one client: binder, checklist, bridging, outreach and re-opening.

Every form on the page posts to its own URL and comes back to its section (`_submit`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, ClientAccess, authorize, client_for_user
from bridgeway.clients.models import EnrolmentStatus
from bridgeway.core.models import Role
from bridgeway.safety import selectors
from bridgeway.safety.models import Bridging
from bridgeway.safety.services import care
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.safety.forms import (
    BinderEntryForm,
    BridgingEstablishForm,
    BridgingStartForm,
    ChecklistForm,
    InChargeForm,
    OutreachCloseForm,
    OutreachStepForm,
    ReasonForm,
)


def _client_page(request: HttpRequest, access: ClientAccess, status: int = 200,
                 **forms: Any) -> HttpResponse:
    from bridgeway.web.safety.panels import context as panel_context

    user = access.user
    ctx = panel_context(access, request)
    stay = ctx["stay"]
    checklist = selectors.checklist_for(stay)
    ctx.update({"binder_in_charge": selectors.binder_in_charge(access),
                "checklist": checklist, "bridging": selectors.bridgings(access).first(),
                "outreach": selectors.outreach(access)})
    people = selectors.binder_people(access)
    enrolments = selectors.enrolments_of(access)
    coordinating = access.role in {Role.COORDINATOR, Role.SITE_LEAD, Role.ADMINISTRATOR}
    ctx.update({
        "access": access,
        "binder_entries": list(selectors.binder_entries(access)),
        "binder_form": forms.get("binder_form") or BinderEntryForm(),
        "in_charge_form": forms.get("in_charge_form") or InChargeForm(people=people),
        "checklist_form": forms.get("checklist_form") or ChecklistForm(initial={
            "met_on_ward_on": getattr(checklist, "met_on_ward_on", None),
            "community_plan_agreed_on": getattr(checklist, "community_plan_agreed_on", None),
            "first_meeting_on": getattr(checklist, "first_meeting_on", None)}),
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


def client_access(request: HttpRequest, public_id: uuid.UUID, category: str = Info.BINDER,
            detail: str = "") -> ClientAccess:
    return client_for_user(user_of(request), public_id, category=category,
                           detail=detail or str(request.resolver_match.view_name
                                                if request.resolver_match else ""))


@require_GET
def client_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = client_access(request, public_id, Info.BINDER)
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
    access = client_access(request, public_id, Info.BINDER)
    actor = authorize(access.user, Action.WRITE_BINDER, client_access=access,
                      audit_category="binder")
    return _submit(request, access, BinderEntryForm(request.POST), name="binder_form",
                   anchor="#binder", write=lambda data: care.binder_add_entry(
                       actor=actor, client=access.client, **data))


@require_POST
def binder_in_charge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = client_access(request, public_id, Info.BINDER)
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
    access = client_access(request, public_id, Info.DISCHARGE_DATE)
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
    access = client_access(request, public_id, Info.BINDER)
    actor = authorize(access.user, Action.RECORD_BRIDGING, client_access=access,
                      audit_category="binder")
    form = BridgingStartForm(request.POST, people=selectors.binder_people(access))
    return _submit(request, access, form, name="bridging_start_form", anchor="#bridging",
                   write=lambda data: care.bridging_start(
                       actor=actor, client=access.client, staff=data["staff"],
                       started_on=data["started_on"], stay=selectors.current_stay(access)))


@require_POST
def bridging_establish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = client_access(request, public_id, Info.BINDER)
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
    access = client_access(request, public_id, Info.ENROLMENT)
    actor = authorize(access.user, Action.LOG_CONTACT, client_access=access,
                      audit_category="enrolment")

    def write(data: dict[str, Any]) -> object:
        case = care.outreach_open(actor=actor, client=access.client)
        return care.outreach_add_step(actor=actor, case=case, **data)

    return _submit(request, access, OutreachStepForm(request.POST), name="outreach_step_form",
                   anchor="#outreach", write=write)


@require_POST
def outreach_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = client_access(request, public_id, Info.ENROLMENT)
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
    access = client_access(request, public_id, Info.ENROLMENT)
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
