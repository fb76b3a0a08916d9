"""Appointments: book one for a client, show and update it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user
from bridgeway.contacts.models import Appointment
from bridgeway.contacts.services.appointments import (
    AppointmentDetails,
    appointment_create,
    appointment_record_outcome,
)
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import AppointmentForm, AppointmentOutcomeForm
from bridgeway.web.contacts.panels import can_write

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
                appointment_create(
                    actor=actor, client=access.client, match=access.match,
                    details=AppointmentDetails(
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
                appointment_record_outcome(actor=actor, appointment=appointment,
                                           outcome=d["outcome"], note=d.get("note") or "",
                                           log_contact=d["log_contact"])
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Outcome recorded."))
                return HttpResponseRedirect(reverse("contacts:client", args=[access.client.public_id]))
    return render(request, "contacts/appointment.html", {
        "appointment": appointment, "client": access.client, "form": form,
        "can_write": can_write(access),
        "show_note": access.sees(Info.CONTACT_NOTES)})
