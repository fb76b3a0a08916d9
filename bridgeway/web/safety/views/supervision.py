"""The coordinator's side of supporter wellbeing: supervision, check-ins, thresholds.

Supervision and check-ins are the supporters' (bridgeway.supporters); these pages stay under
/safety/ so links already sent to inboxes keep working (decision 0012)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.policy import Action, audit_view, authorize, supporter_profile_of
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.safety import selectors
from bridgeway.safety.models import SafetyThresholds
from bridgeway.safety.services.alerts import thresholds_save
from bridgeway.safety.services.incidents import debrief_record
from bridgeway.supporters import selectors as supporter_reads
from bridgeway.supporters.models import CheckIn, SupervisionSession
from bridgeway.supporters.services import (
    checkin_handle,
    checkin_record,
    supervision_record,
    supporter_resume,
)
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.safety.forms import CheckInForm, SupervisionForm, ThresholdsForm


def _require_coordinating(user: User) -> list[ProgramSite]:
    """Supervision and supporters' wellbeing: their coordinators (and administrators) only."""
    sites = list(selectors.coordinator_sites(user))
    if not sites:
        raise PermissionDenied
    return sites


@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = _require_coordinating(user)
    coordinated = selectors.coordinator_sites(user)
    incidents = selectors.debriefable_incidents(user, sites)
    form = SupervisionForm(request.POST or None, supporters=supporter_reads.supporters_at(coordinated),
                           incidents=incidents,
                           initial=_debrief_initial(incidents, request.GET.get("incident")))
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["supporters"])
        site = next((s for s in sites if all(p.sites.filter(pk=s.pk).exists() for p in chosen)),
                    None)
        if site is None:
            form.add_error("supporters", _("Choose peer supporters of one site."))
        else:
            actor = authorize(user, Action.MANAGE_SAFETY, site=site, audit_category="supervision")
            try:
                data = form.cleaned_data
                if data["incident"] is not None:  # the incident's link is the safety net's
                    debrief_record(actor=actor, incident=data["incident"], site=site,
                                   kind=data["kind"], held_on=data["held_on"],
                                   supporters=chosen, notes=data["notes"])
                else:
                    supervision_record(actor=actor, site=site, kind=data["kind"],
                                       held_on=data["held_on"], supporters=chosen,
                                       notes=data["notes"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Session recorded."))
                return HttpResponseRedirect(reverse("safety:supervision"))
    return render(request, "safety/supervision.html", {
        "form": form, "sessions": supporter_reads.supervision_at(coordinated)[:50],
    }, status=400 if form.errors else 200)


def _debrief_initial(incidents: Any, raw: str | None) -> dict[str, Any]:
    """"Record a debrief" from an incident's page: the form starts from that incident."""
    incident = incidents.filter(public_id=raw).first() if _is_uuid(raw) else None
    if incident is None:
        return {}
    involved = [p for p in (incident.supporter, supporter_profile_of(incident.reported_by)) if p]
    return {"incident": incident, "kind": SupervisionSession.Kind.DEBRIEF,
            "supporters": list({p.pk: p for p in involved}.values())}


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = supporter_profile_of(user)
    if profile is None:
        raise PermissionDenied
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = services_actor(user)
        checkin_record(actor=actor, supporter=profile, **form.cleaned_data)
        if form.cleaned_data["feeling"] == CheckIn.Feeling.BREAK:
            messages.success(request, _("Take care of yourself. You will get no new matches "
                                        "until you and your coordinator lift the pause; they "
                                        "have been told."))
        elif form.cleaned_data["feeling"] == CheckIn.Feeling.TALK:
            messages.success(request, _("Your coordinator has been asked to get in touch."))
        else:
            messages.success(request, _("Thanks for checking in."))
        return HttpResponseRedirect(reverse("safety:checkin"))
    return render(request, "safety/checkin.html", {
        "form": form, "profile": profile,
        "mine": supporter_reads.checkins_of(profile)[:10],
    }, status=400 if form.errors else 200)


def services_actor(user: User) -> Any:
    """A supporter acting on their own wellbeing record (not client data)."""
    from bridgeway.core.actors import Actor

    return Actor(user=user, role=Role.PEER_SUPPORTER)


@require_http_methods(["GET", "POST"])
def checkins(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    _require_coordinating(user)
    if request.method == "POST":
        qs = supporter_reads.checkins_for(user, selectors.coordinator_sites(user)).exclude(
            supporter__user=user)
        raw = request.POST.get("checkin")
        target = qs.filter(public_id=str(raw)).first() if _is_uuid(raw) else None
        if target is None:
            raise Http404
        site = target.supporter.sites.filter(
            pk__in=selectors.coordinator_sites(user).values("id")).first()
        actor = authorize(user, Action.MANAGE_SAFETY, site=site, audit_category="wellbeing")
        action = request.POST.get("action", "handled")
        if action not in {"handled", "resume"}:
            # An unknown button is a tampered post: change nothing.
            return HttpResponseBadRequest(_("Unknown action."))
        try:
            if action == "resume":
                supporter_resume(actor=actor, supporter=target.supporter,
                                 note=request.POST.get("note", "")[:200])
                target.refresh_from_db(fields=["handled_at"])  # lifting handles break check-ins
                if target.handled_at is None:
                    checkin_handle(actor=actor, checkin=target)
            else:
                checkin_handle(actor=actor, checkin=target,
                               note=request.POST.get("note", "")[:200])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("safety:checkins"))
    rows = list(supporter_reads.checkins_for(user, selectors.coordinator_sites(user))
                .exclude(supporter__user=user)[:100])
    audit_view(user, category="wellbeing", detail="safety:checkins")
    return render(request, "safety/checkins.html", {"rows": rows})


def _is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest, site_code: str) -> HttpResponse:
    user = user_of(request)
    site = selectors.coordinated_sites(user).filter(code=site_code).first()
    if site is None:
        if ProgramSite.objects.filter(code=site_code).exists():
            raise PermissionDenied
        raise Http404
    instance = SafetyThresholds.objects.filter(site=site).first() or SafetyThresholds(site=site)
    form = ThresholdsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        actor = authorize(user, Action.MANAGE_SAFETY, site=site, audit_category="safety")
        if form.is_valid():
            try:
                thresholds_save(actor=actor, thresholds=form.save(commit=False))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thresholds saved."))
                return HttpResponseRedirect(reverse("safety:thresholds",
                                                    kwargs={"site_code": site.code}))
    return render(request, "safety/thresholds.html", {"form": form, "site": site},
                  status=400 if form.errors else 200)
