"""A client's identifiers: the panel on the client page, and adding or removing one."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bridgeway.access import record
from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, ClientAccess, authorize, can, client_for_user, sites_for
from bridgeway.clients.identity import identifier_add, identifier_remove
from bridgeway.clients.models import ClientIdentifier
from bridgeway.core.models import Organisation, Role, User
from bridgeway.web.clients.forms import IdentifierForm
from bridgeway.web.common import apply_errors, user_of


def panel_context(access: ClientAccess, request: HttpRequest) -> dict[str, Any]:
    return {"client": access.client, "identifiers": record.identifiers(access),
            "can_edit": can(access.user, Action.EDIT_CLIENT, client_access=access)}


def _hospitals(user: User) -> list[Organisation]:
    """Hospitals whose MRN this user may record: those of their sites, or all for an admin."""
    sites = sites_for(user, Role.COORDINATOR, Role.WARD_STAFF).select_related("hospital")
    return sorted({s.hospital for s in sites}, key=lambda h: h.name)


def add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.HEALTH_CARD,
                             detail="page:clients:identifier_add")
    actor = authorize(user, Action.EDIT_CLIENT, client_access=access,
                      audit_category=Info.HEALTH_CARD)
    form = IdentifierForm(request.POST or None, hospitals=_hospitals(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            identifier_add(actor=actor, client=access.client, kind=data["kind"],
                           value=data["value"], hospital=data["hospital"], label=data["label"],
                           source=data["source"] or _("entered by %(role)s") % {
                               "role": Role(actor.role).label})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The identifier is recorded."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/form_page.html", {
        "form": form, "title": _("Add an identifier"), "client_name": str(access.client),
        "public_id": access.client.public_id})


def remove(request: HttpRequest, public_id: uuid.UUID, identifier_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.HEALTH_CARD,
                             detail="page:clients:identifier_remove")
    actor = authorize(user, Action.EDIT_CLIENT, client_access=access,
                      audit_category=Info.HEALTH_CARD)
    try:
        identifier = access.client.identifiers.get(public_id=identifier_id)
    except ClientIdentifier.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        identifier_remove(actor=actor, identifier=identifier)
        messages.success(request, _("The identifier is removed."))
        return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/identifier_remove.html", {
        "client_name": str(access.client), "public_id": access.client.public_id,
        "identifier": identifier})
