"""Manual match (a coordinator picks a supporter with a free place) and ending a match."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user
from bridgeway.clients import services
from bridgeway.matching.selectors.manual import manual_choice
from bridgeway.matching.services import match_by_hand
from bridgeway.supporters.selectors import supporters_for_site
from bridgeway.web.clients.forms import MatchCreateForm, MatchEndForm
from bridgeway.web.common import apply_errors, enrolment_of, match_of, user_of


def create(request: HttpRequest, public_id: uuid.UUID, enrolment_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.MATCH,
                             detail="page:clients:match_create")
    enrolment = enrolment_of(access, enrolment_id)
    actor = authorize(user, Action.MATCH, client_access=access, site=enrolment.site)
    # Offered, and each supporter left out with why (matching.selectors.manual).
    choice = manual_choice(enrolment, timezone.localdate())
    supporters = supporters_for_site(enrolment.site).filter(  # type: ignore[misc]  # annotated
        pk__in=[s.pk for s in choice.offered]).order_by("-free_places", "user__first_name")
    form = MatchCreateForm(request.POST or None, supporters=supporters)
    if request.method == "POST" and form.is_valid():
        try:
            # matching's service: the match, the supporter's notice, open proposals superseded
            match_by_hand(actor=actor, enrolment=enrolment,
                          supporter=form.cleaned_data["supporter"],
                          home_visits_allowed=form.cleaned_data["home_visits_allowed"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The peer supporter is matched."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/match_create.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "enrolment": enrolment, "supporters": choice.offered, "left_out": choice.left_out,
    })


def end(request: HttpRequest, public_id: uuid.UUID, match_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.MATCH,
                             detail="page:clients:match_end")
    match = match_of(access, match_id)
    actor = authorize(user, Action.MATCH, client_access=access, site=match.site)
    form = MatchEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_end(actor=actor, match=match, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The match has ended."))
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/match_end.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "match": match,
    })
