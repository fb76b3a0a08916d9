"""One logged contact: its page (with earlier versions), correcting it, deleting it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, denied
from bridgeway.contacts.selectors.corrections import ContactPage, contact_for_user
from bridgeway.contacts.services.corrections import contact_correct, contact_delete
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import DURATIONS, CorrectionForm, DeleteContactForm


@require_http_methods(["GET"])
def contact_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    page = contact_for_user(user_of(request), public_id)
    return render(request, "contacts/entry.html", {"page": page, "client": page.access.client,
                                                   "contact": page.contact})


def _may_change(request: HttpRequest, page: ContactPage) -> None:
    if not page.can_correct:
        raise denied(user_of(request), category=Info.CONTACT_LOG, action="correct",
                     client_public_id=page.access.client.public_id,
                     detail=f"contact:{page.contact.public_id}",
                     message=_("Only your coordinator can change this contact now."))


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    page = contact_for_user(user, public_id,
                            action="correct" if request.method == "POST" else Action.VIEW)
    _may_change(request, page)
    contact = page.contact
    if request.method == "POST":
        form = CorrectionForm(request.POST, match=contact.match)
        if form.is_valid():
            actor = authorize(user, Action.LOG_CONTACT, client_access=page.access,
                              site=contact.site, audit_category=Info.CONTACT_LOG)
            try:
                contact_correct(actor=actor, contact=contact, details=form.details(),
                                reason=form.cleaned_data["reason"],
                                form_token=form.cleaned_data.get("form_token"))
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Contact corrected. The earlier version is kept."))
                return HttpResponseRedirect(reverse("contacts:entry", args=[contact.public_id]))
    else:
        form = CorrectionForm(match=contact.match, initial={
            "occurred_at": timezone.localtime(contact.occurred_at),
            "duration_minutes": contact.duration_minutes, "mode": contact.mode,
            "setting": contact.setting, "outcome": contact.outcome,
            "activities": list(contact.activities or []), "note": page.note or "",
            "form_token": uuid.uuid4()})
    return render(request, "contacts/entry_edit.html", {
        "page": page, "client": page.access.client, "contact": contact, "form": form,
        "durations": DURATIONS}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    page = contact_for_user(user, public_id,
                            action="delete" if request.method == "POST" else Action.VIEW)
    _may_change(request, page)
    form = DeleteContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = authorize(user, Action.LOG_CONTACT, client_access=page.access,
                          site=page.contact.site, audit_category=Info.CONTACT_LOG)
        try:
            contact_delete(actor=actor, contact=page.contact, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Contact deleted. Your coordinator can still see what "
                                        "it said."))
            return HttpResponseRedirect(reverse("contacts:client",
                                                args=[page.access.client.public_id]))
    return render(request, "contacts/entry_delete.html", {
        "page": page, "client": page.access.client, "contact": page.contact, "form": form},
        status=400 if form.errors else 200)
