"""The client page and the client details form."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bridgeway.access import record
from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, ClientAccess, authorize, can, client_for_user
from bridgeway.clients import services
from bridgeway.clients.models import EnrolmentStatus
from bridgeway.core.models import Role
from bridgeway.web.clients import panels
from bridgeway.web.clients.forms import DETAIL_FIELDS, PREFERENCE_FIELDS, ClientEditForm
from bridgeway.web.common import apply_errors, user_of


def _panels_html(access: ClientAccess, request: HttpRequest) -> list[SafeString]:
    out: list[SafeString] = []
    for panel in panels.PANELS:
        if panel.visible(access):
            context = panel.context(access, request)
            out.append(render_to_string(panel.template, context, request=request))
    return out


def _actions(access: ClientAccess) -> dict[str, bool]:
    user = access.user
    return {
        "edit": can(user, Action.EDIT_CLIENT, client_access=access),
        "stay": can(user, Action.RECORD_STAY, client_access=access),
        "match": can(user, Action.MATCH, client_access=access),
        # Referred again only when nothing is open (the referral service refuses otherwise);
        # the rule first, so a reader who may not refer costs no read of the enrolments.
        "refer": can(user, Action.REFER, client_access=access)
        and not any(e.is_open for e in access.facts.enrolments),
        "merge": can(user, Action.MERGE_CLIENTS, client_access=access),
        "audit": access.role in {Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD}
        and can(user, Action.VIEW_AUDIT, client_access=access),
    }


def _quick(access: ClientAccess) -> dict[str, bool]:
    """The phone-first actions at the top of the page (the call link needs only the phone
    number, which the record holds only when the client shares contact details)."""
    user = access.user
    return {
        "log_contact": access.sees(Info.CONTACT_LOG)
        and can(user, Action.LOG_CONTACT, client_access=access),
        "incident": access.sees(Info.SAFETY)
        and can(user, Action.REPORT_INCIDENT, client_access=access),
    }


def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Everything this user may see of one client; one audit event for the page."""
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.IDENTITY,
                             detail="page:clients:detail")
    content = record.build(access)
    for view in content.enrolments or []:
        if view.enrolment is not None:  # per enrolment: a coordinator acts at their own site
            site = view.enrolment.site
            view.may_consent = can(user, Action.RECORD_CONSENT, client_access=access, site=site)
            view.may_change_status = can(user, Action.CHANGE_ENROLMENT, client_access=access,
                                         site=site)
            view.may_match = view.matchable and can(user, Action.MATCH, client_access=access,
                                                    site=site)
            view.may_waitlist = (view.status == EnrolmentStatus.CONSENTED
                                 and view.may_change_status)
    return render(request, "clients/detail.html", {
        "record": content,
        "actions": _actions(access),
        "quick": _quick(access),
        "panels": _panels_html(access, request),
        "is_supporter_view": access.role == Role.PEER_SUPPORTER,
    })


def _initial(access: ClientAccess) -> dict[str, Any]:
    client = access.client
    data: dict[str, Any] = {name: getattr(client, name) for name in DETAIL_FIELDS
                            if name != "health_card_number"}
    data["health_card_number"] = next(
        (i.value for i in record.identifiers(access) if i.kind == "health_card"), "")
    data.update({name: getattr(client, name) for name in PREFERENCE_FIELDS})
    data["background"] = client.background
    data["safety_notes"] = client.safety_notes
    data["languages"] = list(client.languages.all())
    data["interests"] = list(client.interests.all())
    return data


def edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.PROFILE, detail="page:clients:edit")
    actor = authorize(user, Action.EDIT_CLIENT, client_access=access)
    form = ClientEditForm(request.POST or None, initial=_initial(access))
    if not access.sees(Info.BACKGROUND):
        del form.fields["background"]  # ward staff do not see the private background
    if not access.sees(Info.HEALTH_CARD):
        del form.fields["health_card_number"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        languages = list(data.pop("languages"))
        interests = list(data.pop("interests"))
        try:
            services.client_update(actor=actor, client=access.client, fields=data,
                                   languages=languages, interests=interests)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The client's details are saved."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/edit.html", {"form": form, "client_name": str(access.client),
                                                 "public_id": access.client.public_id})
