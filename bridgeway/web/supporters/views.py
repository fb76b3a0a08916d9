"""Peer supporter pages: list per site, profile, edit, training records.

Who may see a profile: a coordinator or site lead of a site the supporter serves, an
administrator, and the supporter themself. Who may change it: a coordinator of a served site
or an administrator (Action.MANAGE_SUPPORTER).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bridgeway.access.policy import (
    Action,
    audit_list,
    audit_view,
    authorize,
    can,
    clients_for_user,
    has_role,
    sites_for,
)
from bridgeway.clients.covers import covers_involving
from bridgeway.core import services as accounts
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.supporters import services
from bridgeway.supporters.models import SupporterProfile, TrainingRecord
from bridgeway.supporters.selectors import supporters_for_site, with_capacity
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.supporters.forms import (
    NewSupporterForm,
    SupporterForm,
    TrainingEditForm,
    TrainingForm,
)

CATEGORY = "supporter_profile"
SITE_ROLES = (Role.COORDINATOR, Role.SITE_LEAD)


def _audit(user: User, action: str, supporter: SupporterProfile | None, *, allowed: bool,
           detail: str = "") -> None:
    target = f"supporter:{supporter.public_id} " if supporter else ""
    audit_view(user, category=CATEGORY, action=action, detail=(target + detail).strip(),
               allowed=allowed)


def _profile(public_id: uuid.UUID) -> SupporterProfile:
    return get_object_or_404(
        with_capacity(SupporterProfile.objects.all()).select_related("user", "organisation"),
        public_id=public_id)


def _may_view(user: User, supporter: SupporterProfile) -> bool:
    if supporter.user_id == user.pk or has_role(user, Role.ADMINISTRATOR):
        return True
    served = supporter.sites.all()
    return sites_for(user, *SITE_ROLES).filter(pk__in=served).exists()


def _manager(user: User, supporter: SupporterProfile) -> Actor:
    """The Actor for a change, via a site the supporter serves (denials are audited)."""
    for site in supporter.sites.all():
        if can(user, Action.MANAGE_SUPPORTER, site=site):
            return authorize(user, Action.MANAGE_SUPPORTER, site=site,
                             audit_category=CATEGORY)
    if has_role(user, Role.ADMINISTRATOR):
        return authorize(user, Action.MANAGE_SUPPORTER, audit_category=CATEGORY)
    _audit(user, Action.MANAGE_SUPPORTER.value, supporter, allowed=False)
    raise PermissionDenied(_("You may not change this peer supporter's profile."))


def _managed_sites(user: User) -> QuerySet[ProgramSite]:
    """Sites whose supporters `user` may change (every site for an administrator)."""
    if has_role(user, Role.ADMINISTRATOR):
        return ProgramSite.objects.all()
    return sites_for(user, Role.COORDINATOR)


def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = list(sites_for(user, *SITE_ROLES))
    if len(sites) == 1:
        return redirect("supporters:list", site_code=sites[0].code)
    if not sites:
        _audit(user, "view", None, allowed=False, detail="page:supporters:index")
        raise PermissionDenied
    return render(request, "supporters/index.html", {"sites": sites})


def me(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = SupporterProfile.objects.filter(user=user).first()
    if profile is None:
        _audit(user, "view", None, allowed=False, detail="page:supporters:me")
        raise PermissionDenied
    return redirect("supporters:detail", public_id=profile.public_id)


def site_list(request: HttpRequest, site_code: str) -> HttpResponse:
    user = user_of(request)
    site = get_object_or_404(ProgramSite, code=site_code)
    if not sites_for(user, *SITE_ROLES).filter(pk=site.pk).exists():
        _audit(user, "view", None, allowed=False, detail=f"page:supporters:list:{site.code}")
        raise PermissionDenied
    supporters = list(supporters_for_site(site).prefetch_related(
        "languages", "training_records__module").order_by("user__first_name", "user__last_name"))
    _audit(user, "view", None, allowed=True, detail=f"page:supporters:list:{site.code}")
    return render(request, "supporters/list.html", {
        "site": site, "supporters": supporters,
        "may_add": can(user, Action.MANAGE_SUPPORTER, site=site)})


def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    supporter = _profile(public_id)
    if not _may_view(user, supporter):
        _audit(user, "view", supporter, allowed=False)
        raise PermissionDenied
    context: dict[str, Any] = {
        "supporter": supporter,
        "trainings": supporter.training_records.select_related("module"),
        "sites": supporter.sites.all(),
        "languages": supporter.languages.all(),
        "interests": supporter.interests.all(),
        "may_manage": any(can(user, Action.MANAGE_SUPPORTER, site=s)
                          for s in supporter.sites.all()) or has_role(user, Role.ADMINISTRATOR),
        "matches": None,
        "invitation_pending": not supporter.user.has_usable_password(),
    }
    context["covers"] = covers_involving(supporter, timezone.localdate(), clients_for_user(user))
    named = [c.match.client for c in context["covers"] if c.client_visible]
    if named:
        audit_list(user, category="caseload", clients=named,
                   detail=f"page:supporters:detail:{supporter.public_id} covers")
    if user.pk != supporter.user_id:
        # Coordinators see whom the supporter supports, within their own client scope.
        matches = list(supporter.matches.filter(status="active",
                                                client__in=clients_for_user(user))
                       .select_related("client", "site"))
        audit_list(user, category="caseload", clients=[m.client for m in matches],
                   detail=f"page:supporters:detail:{supporter.public_id}")
        context["matches"] = matches
    else:
        _audit(user, "view", supporter, allowed=True)
    return render(request, "supporters/detail.html", context)


def edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    supporter = _profile(public_id)
    actor = _manager(user, supporter)
    initial = {name: getattr(supporter, name) for name in (
        "employment", "hours_per_week", "max_active_clients", "availability", "gender",
        "date_of_birth", "home_fsa", "status", "status_reason")}
    initial["languages"] = list(supporter.languages.all())
    initial["interests"] = list(supporter.interests.all())
    initial["sites"] = list(supporter.sites.all())
    managed = _managed_sites(user)
    form = SupporterForm(request.POST or None, initial=initial, sites=managed)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        languages, interests = list(data.pop("languages")), list(data.pop("interests"))
        sites = list(data.pop("sites"))
        status, reason = data.pop("status"), data.pop("status_reason")
        try:
            with transaction.atomic():
                services.supporter_update(actor=actor, supporter=supporter, fields=data,
                                          languages=languages, interests=interests,
                                          sites=sites, sites_scope=list(managed))
                if status != supporter.status or reason != supporter.status_reason:
                    services.supporter_set_status(actor=actor, supporter=supporter,
                                                  status=status, reason=reason)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("supporters:detail", public_id=supporter.public_id)
    return render(request, "supporters/edit.html", {"form": form, "supporter": supporter})


def training_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    supporter = _profile(public_id)
    actor = _manager(user, supporter)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record_add(actor=actor, supporter=supporter, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The training is recorded."))
            return redirect("supporters:detail", public_id=supporter.public_id)
    return render(request, "supporters/training_add.html", {"form": form, "supporter": supporter})



def new(request: HttpRequest, site_code: str) -> HttpResponse:
    """Onboard a peer supporter at a site the coordinator runs, and invite them by e-mail."""
    user = user_of(request)
    site = get_object_or_404(ProgramSite, code=site_code)
    actor = authorize(user, Action.MANAGE_SUPPORTER, site=site, audit_category=CATEGORY,
                      detail=f"page:supporters:new:{site.code}")
    form = NewSupporterForm(request.POST or None, sites=_managed_sites(user),
                            initial={"sites": [site], "max_active_clients": 3,
                                     "preferred_language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        account = {name: data.pop(name) for name in (
            "username", "email", "first_name", "last_name", "preferred_language")}
        try:
            supporter = services.supporter_create(
                actor=actor, organisation=data.pop("organisation"), sites=list(data.pop("sites")),
                languages=list(data.pop("languages")), interests=list(data.pop("interests")),
                fields=data, **account)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The peer supporter is added and an invitation to set "
                                        "a password is sent to their e-mail address."))
            return redirect("supporters:detail", public_id=supporter.public_id)
    return render(request, "supporters/new.html", {"form": form, "site": site})


@require_POST
def lift_pause(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Lift a supporter's pause (from their profile or from the break alert): new matches may
    be proposed again and the break alert resolves."""
    user = user_of(request)
    supporter = _profile(public_id)
    actor = _manager(user, supporter)
    try:
        services.supporter_resume(actor=actor, supporter=supporter,
                                  note=request.POST.get("note", "").strip()[:200])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The pause is lifted: %(name)s can be matched again.")
                         % {"name": str(supporter)})
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return HttpResponseRedirect(nxt)
    return redirect("supporters:detail", public_id=supporter.public_id)


@require_POST
def invite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Send a new invitation (the previous link stops working)."""
    user = user_of(request)
    supporter = _profile(public_id)
    actor = _manager(user, supporter)
    try:
        accounts.invitation_send(actor=actor, user=supporter.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new invitation is sent."))
    return redirect("supporters:detail", public_id=supporter.public_id)


def training_edit(request: HttpRequest, public_id: uuid.UUID,
                  training_id: uuid.UUID) -> HttpResponse:
    """Correct a training record's dates, or remove a record entered by mistake."""
    user = user_of(request)
    supporter = _profile(public_id)
    actor = _manager(user, supporter)
    training = get_object_or_404(TrainingRecord.objects.select_related("module", "supporter"),
                                 supporter=supporter, public_id=training_id)
    if request.method == "POST" and "delete" in request.POST:
        services.training_record_delete(actor=actor, training=training)
        messages.success(request, _("The training record is removed."))
        return redirect("supporters:detail", public_id=supporter.public_id)
    form = TrainingEditForm(request.POST or None, initial={
        "completed_on": training.completed_on, "expires_on": training.expires_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record_update(actor=actor, training=training, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The training record is saved."))
            return redirect("supporters:detail", public_id=supporter.public_id)
    return render(request, "supporters/training_edit.html",
                  {"form": form, "supporter": supporter, "training": training})
