"""Hospital stays: admission, expected discharge (inline on the ward page), discharge."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user, sites_for
from bridgeway.clients import services
from bridgeway.core.models import Role, User, Ward
from bridgeway.web.clients.forms import DischargeForm, ExpectedDischargeForm, StayAdmitForm
from bridgeway.web.common import apply_errors, stay_of, user_of


def wards_for(user: User) -> QuerySet[Ward]:
    sites = sites_for(user, Role.COORDINATOR, Role.WARD_STAFF)
    return Ward.objects.filter(hospital__sites__in=sites).select_related("hospital").distinct()


def admit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.STAY_STATUS,
                             detail="page:clients:stay_admit")
    actor = authorize(user, Action.RECORD_STAY, client_access=access)
    form = StayAdmitForm(request.POST or None, wards=wards_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_admit(actor=actor, client=access.client, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The admission is recorded."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/stay_form.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "title": _("Record an admission"),
    })


def expected_discharge(request: HttpRequest, public_id: uuid.UUID,
                       stay_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.DISCHARGE_DATE,
                             detail="page:clients:stay_expected_discharge")
    stay = stay_of(access, stay_id)
    actor = authorize(user, Action.RECORD_STAY, client_access=access)
    form = ExpectedDischargeForm(request.POST or None,
                                 initial={"expected_discharge_on": stay.expected_discharge_on})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            stay = services.stay_set_expected_discharge(
                actor=actor, stay=stay,
                expected_discharge_on=form.cleaned_data["expected_discharge_on"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            saved = True
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("The expected discharge is saved."))
                return redirect("clients:detail", public_id=access.client.public_id)
    context = {"form": form, "stay": stay, "client": access.client, "saved": saved,
               "public_id": access.client.public_id, "client_name": str(access.client)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "clients/_expected_discharge.html", context)
    return render(request, "clients/expected_discharge.html", context)


def discharge(request: HttpRequest, public_id: uuid.UUID, stay_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.STAY_STATUS,
                             detail="page:clients:stay_discharge")
    stay = stay_of(access, stay_id)
    actor = authorize(user, Action.RECORD_STAY, client_access=access)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_discharge(actor=actor, stay=stay,
                                    discharged_on=form.cleaned_data["discharged_on"],
                                    destination=form.cleaned_data["destination"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The discharge is recorded."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/stay_form.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "title": _("Record the discharge"), "stay": stay,
    })
