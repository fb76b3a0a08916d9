"""Cover: a coordinator arranges a colleague to support a matched client for a period, or ends
the cover early (decision 0024). The covering supporter's access follows the dates."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user
from bridgeway.clients.cover_services import cover_arrange, cover_end
from bridgeway.clients.covers import cover_of_client, covers_of, planned_or_current
from bridgeway.supporters.models import SupporterProfile
from bridgeway.web.clients.forms import CoverForm
from bridgeway.web.common import apply_errors, match_of, user_of


def new(request: HttpRequest, public_id: uuid.UUID, match_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.MATCH,
                             detail="page:clients:cover_new")
    match = match_of(access, match_id)
    actor = authorize(user, Action.MATCH, client_access=access, site=match.site)
    if match.status != "active":
        raise Http404
    colleagues = (SupporterProfile.objects.filter(sites=match.site,
                                                  status=SupporterProfile.Status.ACTIVE)
                  .exclude(pk=match.supporter_id).select_related("user")
                  .order_by("user__first_name", "user__last_name"))
    today = timezone.localdate()
    form = CoverForm(request.POST or None, supporters=colleagues,
                     initial={"starts_on": today, "ends_on": today + timedelta(days=13)})
    if request.method == "POST" and form.is_valid():
        try:
            cover_arrange(actor=actor, match=match, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s covers this client for the dates chosen.")
                             % {"name": str(form.cleaned_data["supporter"])})
            return redirect("clients:detail", public_id=access.client.public_id)
    return render(request, "clients/cover_new.html", {
        "form": form, "client_name": str(access.client), "public_id": access.client.public_id,
        "match": match, "covers": planned_or_current(match.covers.all(), today),
    }, status=400 if form.errors else 200)


@require_POST
def end(request: HttpRequest, public_id: uuid.UUID, cover_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.MATCH,
                             detail="page:clients:cover_end")
    cover = cover_of_client(covers_of(access.client), cover_id)
    if cover is None:
        raise Http404
    actor = authorize(user, Action.MATCH, client_access=access, site=cover.match.site)
    try:
        cover_end(actor=actor, cover=cover)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The cover has ended."))
    return redirect("clients:detail", public_id=access.client.public_id)
