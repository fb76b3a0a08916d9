"""The referral form: ward staff of the hospital or a coordinator refer an inpatient."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    ClientAccess,
    authorize,
    client_for_user,
    denied,
    sites_for,
)
from bridgeway.access.search import DuplicateCheck, duplicates_for_user
from bridgeway.clients import services
from bridgeway.core.models import Role
from bridgeway.web.clients.forms import PREFERENCE_FIELDS, ReferralForm
from bridgeway.web.common import apply_errors, user_of


def refer(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = sites_for(user, Role.COORDINATOR, Role.WARD_STAFF).select_related("hospital")
    if not sites.exists():
        raise denied(user, category=Info.REFERRAL, detail="page:clients:refer")
    existing: ClientAccess | None = None
    raw = request.GET.get("client") or request.POST.get("client")
    if raw:
        try:
            client_id = uuid.UUID(raw)
        except ValueError as exc:
            raise Http404 from exc
        existing = client_for_user(user, client_id, category=Info.REFERRAL,
                                   detail="page:clients:refer")
    form = ReferralForm(request.POST or None, sites=sites, existing=existing is not None)
    duplicates = DuplicateCheck()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = authorize(user, Action.REFER, site=data["site"])
        if existing is None and not request.POST.get("someone_else"):
            # Before anything is created: is this someone the program already knows?
            duplicates = duplicates_for_user(
                user, given_name=data["given_name"], family_name=data["family_name"],
                date_of_birth=data["date_of_birth"], identifiers=[data["health_card_number"]],
                purpose="referral")
            if duplicates:
                return _with_duplicates(request, form, duplicates)
        details = None
        if existing is None:
            details = services.ClientDetails(
                given_name=data["given_name"], family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                health_card_number=data["health_card_number"], gender=data["gender"],
                pronouns=data["pronouns"], home_fsa=data["home_fsa"], phone=data["phone"],
                email=data["email"], address=data["address"],
                **{name: data[name] for name in PREFERENCE_FIELDS})
        try:
            enrolment = services.client_refer(
                actor=actor, site=data["site"],
                details=details or services.ClientDetails("", "", data["admitted_on"]),
                ward=data["ward"], admitted_on=data["admitted_on"],
                expected_discharge_on=data["expected_discharge_on"], note=data["note"],
                client=existing.client if existing else None,
                languages=list(data["languages"]) if existing is None else None,
                interests=list(data["interests"]) if existing is None else None)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The referral is recorded."))
            return redirect("clients:detail", public_id=enrolment.client.public_id)
    return render(request, "clients/refer.html", {
        "form": form, "existing_name": str(existing.client) if existing else "",
        "existing_id": existing.client.public_id if existing else "",
    })


def _with_duplicates(request: HttpRequest, form: ReferralForm,
                     duplicates: DuplicateCheck) -> HttpResponse:
    """The form again, nothing written, with who this may be: open them, refer them, or
    confirm that this is someone else (which submits the same form once more)."""
    return render(request, "clients/refer.html", {"form": form, "duplicates": duplicates})
