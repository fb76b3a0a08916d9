"""Incidents: the two-tap report from a client's page, the list, and the follow-up."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
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
    denied,
)
from bridgeway.core.models import ProgramSite
from bridgeway.safety import selectors
from bridgeway.safety.services.incidents import (
    incident_close,
    incident_follow_up,
    incident_report,
    incident_withdraw,
    may_withdraw,
    undo_window,
)
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.safety.forms import FollowUpForm, IncidentForm
from bridgeway.web.safety.views.client import client_access


@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Two taps from the client page: "Report an incident", then what happened."""
    access = client_access(request, public_id, Info.SAFETY)
    actor = authorize(access.user, Action.REPORT_INCIDENT, client_access=access,
                      audit_category="safety")
    form = IncidentForm(request.POST or None, client_label=_("%(name)s (whose page this is)") % {
        "name": access.client.first_name_initial})
    if request.method == "POST" and form.is_valid():
        site = access.match.site if access.match else _site_of(access)
        if site is None:
            form.add_error(None, _("This client has no program site."))
        else:
            data = form.cleaned_data
            try:
                incident = incident_report(
                    actor=actor, site=site, client=access.client,
                    supporter=access.match.supporter if access.match else None,
                    kind=data["kind"], description=data["description"],
                    involved=data["involved"], other_person=data["other_person"],
                    place=data["place"], severity=data["severity"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _(
                    "Thank you. Your coordinator has been told and will be in touch. If you "
                    "reported it by mistake, you can withdraw it in the next %(minutes)s "
                    "minutes.") % {"minutes": undo_window().seconds // 60})
                return HttpResponseRedirect(reverse("safety:incident",
                                                    kwargs={"public_id": incident.public_id}))
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
                    incident_close(actor=actor, incident=incident,
                                   note=form.cleaned_data["note"])
                else:
                    incident_follow_up(actor=actor, incident=incident,
                                       follow_up=form.cleaned_data["note"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return HttpResponseRedirect(reverse("safety:incident",
                                                    kwargs={"public_id": public_id}))
    return render(request, "safety/incident.html", {
        "incident": incident, "form": form, "coordinating": coordinating,
        "debriefs": incident.debriefs.all() if coordinating else [],
        "may_withdraw": may_withdraw(incident, user.pk),
        "withdraw_until": incident.created_at + undo_window(),
    }, status=400 if form.errors else 200)


@require_POST
def incident_undo(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The reporter takes back a report made by mistake, within the undo window."""
    user = user_of(request)
    incident = selectors.incident_for(user, public_id)
    if not may_withdraw(incident, user.pk):
        raise denied(user, category=Info.SAFETY, action="incident_withdraw",
                     client_public_id=incident.client.public_id if incident.client else None,
                     detail=f"incident:{incident.public_id}",
                     message=_("This report can no longer be withdrawn. Ask your coordinator."))
    actor = authorize(user, Action.REPORT_INCIDENT, site=incident.site, audit_category="safety")
    incident_withdraw(actor=actor, incident=incident)
    messages.success(request, _("Your report was withdrawn. Your coordinator has been told."))
    return HttpResponseRedirect(reverse("safety:incidents"))


# --- supervision, check-ins, thresholds ---------------------------------------------------
