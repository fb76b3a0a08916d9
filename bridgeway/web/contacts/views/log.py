"""One client's contacts and the fast log form."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user
from bridgeway.contacts.selectors import contacts as contact_reads
from bridgeway.contacts.selectors.appointments import client_appointments
from bridgeway.contacts.selectors.corrections import deleted_contacts
from bridgeway.contacts.services.contacts import AlreadySaved, active_match_for, contact_log
from bridgeway.core.models import Role
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import DURATIONS, ContactForm
from bridgeway.web.contacts.panels import can_write

# --- One client: contacts -------------------------------------------------------------------

@require_http_methods(["GET"])
def client_contacts(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access = client_for_user(user_of(request), public_id, category=Info.CONTACT_LOG)
    return render(request, "contacts/client_contacts.html", {
        "access": access, "client": access.client, "rows": contact_reads.client_contacts(access),
        "stay": contact_reads.open_stay(access), "can_write": can_write(access),
        "appointments": client_appointments(access), "deleted": deleted_contacts(access),
    })


@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.CONTACT_LOG,
                             action="log" if request.method == "POST" else Action.VIEW)
    actor = authorize(user, Action.LOG_CONTACT, client_access=access,
                      audit_category=Info.CONTACT_LOG)
    match = access.match or active_match_for(access.client)
    stay = contact_reads.open_stay(access)
    if request.method == "POST":
        form = ContactForm(request.POST, match=match)
        if form.is_valid():
            try:
                contact_log(actor=actor, client=access.client, details=form.details(),
                            match=match, form_token=form.cleaned_data.get("form_token"))
            except AlreadySaved as saved:
                messages.info(request, _("This contact was already saved: nothing new was "
                                         "logged. Here it is."))
                return HttpResponseRedirect(reverse("contacts:entry",
                                                    args=[saved.contact.public_id]))
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Contact with %(name)s logged.")
                                 % {"name": access.client.given_name})
                if actor.role == Role.PEER_SUPPORTER:
                    return HttpResponseRedirect(reverse("contacts:caseload"))
                return HttpResponseRedirect(reverse("contacts:client", args=[access.client.public_id]))
    else:
        form = ContactForm(initial=contact_reads.contact_defaults(), match=match)
    return render(request, "contacts/log.html", {"access": access, "client": access.client,
                                                 "form": form, "stay": stay,
                                                 "durations": DURATIONS})
