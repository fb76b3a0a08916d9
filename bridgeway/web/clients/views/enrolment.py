"""Consent and enrolment status: each write a service call with an authorised Actor."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    ClientAccess,
    authorize,
    can,
    client_for_user,
    current_consent,
)
from bridgeway.clients import services
from bridgeway.clients.models import ConsentCategory, Enrolment, EnrolmentStatus
from bridgeway.clients.statuses import profile_gaps
from bridgeway.web.clients.forms import ConfirmForm, ConsentForm, StatusForm
from bridgeway.web.common import apply_errors, enrolment_of, user_of


def consent(request: HttpRequest, public_id: uuid.UUID, enrolment_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.CONSENT,
                             detail="page:clients:consent")
    enrolment = enrolment_of(access, enrolment_id)
    actor = authorize(user, Action.RECORD_CONSENT, client_access=access, site=enrolment.site)
    latest = current_consent(enrolment)
    initial = {"participation": ("yes" if latest.participation else "no") if latest else None,
               "share": sorted(latest.shared_categories()) if latest else []}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=actor, enrolment=enrolment,
                                    participation=form.cleaned_data["participation"],
                                    share=set(form.cleaned_data["share"]),
                                    note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded. It applies from now."))
            return _after_consent(request, access, enrolment)
    return render(request, "clients/consent.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "enrolment": enrolment, "latest": latest,
        "categories": ConsentCategory,
    })


def status(request: HttpRequest, public_id: uuid.UUID, enrolment_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.ENROLMENT,
                             detail="page:clients:enrolment_status")
    enrolment = enrolment_of(access, enrolment_id)
    actor = authorize(user, Action.CHANGE_ENROLMENT, client_access=access, site=enrolment.site)
    allowed = services.TRANSITIONS.get(enrolment.status, set())
    form = StatusForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_change_status(actor=actor, enrolment=enrolment,
                                             to_status=form.cleaned_data["to_status"],
                                             reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The enrolment status is changed."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/status.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "enrolment": enrolment,
    })


def _after_consent(request: HttpRequest, access: ClientAccess,
                   enrolment: Enrolment) -> HttpResponse:
    """Consent to take part with a complete profile: on to the waitlist's confirmation (for
    whoever may change the enrolment); a profile with gaps: say which."""
    enrolment.refresh_from_db(fields=["status"])
    if enrolment.status == EnrolmentStatus.CONSENTED and can(
            access.user, Action.CHANGE_ENROLMENT, client_access=access, site=enrolment.site):
        gaps = profile_gaps(access.client)
        if not gaps:
            return redirect("clients:enrolment_waitlist", public_id=access.client.public_id,
                            enrolment_id=enrolment.public_id)
        messages.info(request, _("Before the waitlist, complete the profile: %(missing)s.")
                      % {"missing": ", ".join(str(g) for g in gaps)})
    return redirect("clients:detail", public_id=access.client.public_id)


def waitlist(request: HttpRequest, public_id: uuid.UUID, enrolment_id: uuid.UUID) -> HttpResponse:
    """Put a consented client with a complete profile on the waitlist: one confirmation."""
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.ENROLMENT,
                             detail="page:clients:enrolment_waitlist")
    enrolment = enrolment_of(access, enrolment_id)
    actor = authorize(user, Action.CHANGE_ENROLMENT, client_access=access, site=enrolment.site)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_waitlist(actor=actor, enrolment=enrolment)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is on the waitlist.")
                             % {"name": access.client})
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/waitlist.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "enrolment": enrolment, "gaps": profile_gaps(access.client),
    })
