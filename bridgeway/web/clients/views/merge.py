"""Merging a duplicate record into the surviving one: administrators only."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user
from bridgeway.access.search import duplicates_for_user
from bridgeway.clients.merge import client_merge
from bridgeway.web.common import apply_errors, user_of


class MergeForm(forms.Form):
    survivor = forms.UUIDField(
        label=gettext_lazy("The record to keep (its id, from its page address)"),
        help_text=gettext_lazy("Everything of this record moves there; this record's address "
                               "will then lead to it."))
    reason = forms.CharField(label=gettext_lazy("Why these records are the same person"),
                             max_length=300)


def merge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.IDENTITY, action="merge",
                             detail="page:clients:merge")
    actor = authorize(user, Action.MERGE_CLIENTS, client_access=access,
                      audit_category=Info.IDENTITY)
    client = access.client
    form = MergeForm(request.POST or None, initial={"survivor": request.GET.get("into")})
    if request.method == "POST" and form.is_valid():
        survivor = client_for_user(user, form.cleaned_data["survivor"], category=Info.IDENTITY,
                                   action="merge", detail="page:clients:merge")
        try:
            client_merge(actor=actor, survivor=survivor.client, merged=client,
                         reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The records are merged."))
            return redirect("clients:detail", public_id=survivor.client.public_id)
    health_card = client.identifiers.filter(kind="health_card").first()
    card = [health_card.value] if health_card is not None else []
    candidates = duplicates_for_user(
        user, given_name=client.given_name, family_name=client.family_name,
        date_of_birth=client.date_of_birth, identifiers=card, purpose="merge")
    return render(request, "clients/merge.html", {
        "form": form, "client": client, "public_id": client.public_id,
        "candidates": [c for c in candidates.visible if c.client.pk != client.pk]})
