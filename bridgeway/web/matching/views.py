"""Matching pages: run, review (score, reasons, alternatives, why not), approve / reject /
swap, criteria, end a match to re-match, and the supporter's "new match" notices.

Views parse, ask the access layer, call a service or selector, and render. Coordinators (and
administrators) act through authorize(user, Action.MATCH, site=...); every page that shows
client data writes exactly one audit event (client_for_user or audit_list).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    audit_list,
    authorize,
    client_for_user,
    clients_for_user,
    denied,
    sites_for,
    supporter_profile_of,
)
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.matching import selectors, services
from bridgeway.matching.engine import SOFT, SOFT_LABELS
from bridgeway.matching.models import MatchingCriteria, MatchingRun, Proposal
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.matching.forms import CriteriaForm, EndForm, RejectForm, RunForm, SwapForm


def _site_actor(request: HttpRequest, site_code: str) -> tuple[User, ProgramSite, Actor]:
    user = user_of(request)
    site = get_object_or_404(ProgramSite, code=site_code)
    actor = authorize(user, Action.MATCH, site=site, audit_category=Info.MATCH)
    return user, site, actor


def _proposal(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Proposal, Actor]:
    user = user_of(request)
    proposal = selectors.proposal_by_public_id(public_id)
    if proposal is None:
        raise Http404
    actor = authorize(user, Action.MATCH, site=proposal.site, audit_category=Info.MATCH)
    return user, proposal, actor


def _labelled(points: dict[str, float]) -> list[tuple[str, float]]:
    return [(_(SOFT_LABELS[k]), points.get(k, 0.0)) for k in SOFT]


def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = list(sites_for(user, Role.COORDINATOR))
    if sites:
        return redirect("matching:site", site_code=sites[0].code)
    if supporter_profile_of(user) is not None:
        return redirect("matching:notices")
    raise denied(user, category=Info.MATCH, detail="page:matching:index")


def site(request: HttpRequest, site_code: str) -> HttpResponse:
    user, program_site, actor = _site_actor(request, site_code)
    waiting = selectors.waitlist_for_user(user, program_site)
    active = list(selectors.active_matches_for_user(user, program_site)[:300])
    open_count = selectors.proposals_for_user(user, program_site).count()
    listed = [e.client for e in waiting] + [m.client for m in active]
    audit_list(user, category=Info.CASELOAD, clients=listed, role=actor.role,
               site_code=program_site.code, detail="page:matching:site")
    runs = MatchingRun.objects.filter(site=program_site).select_related("created_by")[:5]
    return render(request, "matching/site.html", {
        "site": program_site, "waiting": waiting, "active": active, "open_count": open_count,
        "runs": runs, "other_sites": sites_for(user, Role.COORDINATOR),
    })


@require_POST
def run(request: HttpRequest, site_code: str) -> HttpResponse:
    user, program_site, actor = _site_actor(request, site_code)
    form = RunForm(request.POST)
    enrolment = None
    if form.is_valid() and form.cleaned_data["enrolment"]:
        enrolment = next((e for e in selectors.waitlist_for_user(user, program_site)
                          if e.public_id == form.cleaned_data["enrolment"]), None)
        if enrolment is None:
            messages.error(request, _("This client is not on the site's waitlist."))
            return redirect("matching:site", site_code=program_site.code)
    try:
        outcome = services.matching_run(actor=actor, site=program_site, enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matching:site", site_code=program_site.code)
    summary = outcome.summary
    messages.success(request, _("Matching proposed %(matched)s of %(clients)s clients.") % summary)
    return redirect("matching:proposals", site_code=program_site.code)


def proposals(request: HttpRequest, site_code: str) -> HttpResponse:
    user, program_site, actor = _site_actor(request, site_code)
    rows = list(selectors.proposals_for_user(user, program_site))
    latest = MatchingRun.objects.filter(site=program_site).first()
    unmatched = list(latest.unmatched.select_related("enrolment__client")) if latest else []
    allowed = set(clients_for_user(user).filter(
        id__in=[u.enrolment.client_id for u in unmatched]).values_list("id", flat=True))
    unmatched = [u for u in unmatched if u.enrolment.client_id in allowed]
    audit_list(user, category=Info.MATCH,
               clients=[p.enrolment.client for p in rows] + [u.enrolment.client for u in unmatched],
               role=actor.role, site_code=program_site.code, detail="page:matching:proposals")
    explained = selectors.explain_proposals(rows)
    cards = []
    for p in rows:
        info = explained.get(p.pk, {"reason": p.reason, "alts": []})
        cards.append({"p": p, "points": _labelled(p.contributions), "reason": info["reason"],
                      "alts": info["alts"],
                      "swap": SwapForm(alternatives=info["alts"], prefix=str(p.public_id))})
    return render(request, "matching/proposals.html", {
        "site": program_site, "cards": cards, "unmatched": unmatched, "latest": latest,
        "reject_form": RejectForm(),
    })


def proposal(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item, actor = _proposal(request, public_id)
    client_for_user(user, item.enrolment.client.public_id, category=Info.MATCH,
                    detail="page:matching:proposal")
    supporters = list(selectors.supporters_at_site(item.site))
    why: dict[str, Any] | None = None
    asked = request.GET.get("why_not", "")
    if asked:
        chosen = next((s for s in supporters if str(s.public_id) == asked), None)
        if chosen is None:
            why = {"error": _("Choose a peer supporter of this site.")}
        else:
            why = _why_not(item, chosen.public_id)
    info = selectors.explain_proposals([item]).get(item.pk, {"reason": item.reason, "alts": []})
    return render(request, "matching/proposal.html", {
        "p": item, "points": _labelled(item.contributions), "supporters": supporters,
        "reason": info["reason"], "alts": info["alts"],
        "why": why, "asked": asked, "reject_form": RejectForm(),
        "swap": SwapForm(alternatives=info["alts"], prefix=str(item.public_id)),
    })


def _why_not(item: Proposal, supporter_key: uuid.UUID) -> dict[str, Any]:
    answer = selectors.why_not(item, str(supporter_key), tr=_)
    if answer is None:
        return {"error": _("Choose a peer supporter of this site.")}
    name, code, text, points = answer
    return {"name": name, "code": code, "text": text, "points": _labelled(points) if points else []}


def _back(request: HttpRequest, item: Proposal) -> HttpResponse:
    return redirect("matching:proposals", site_code=item.site.code)


@require_POST
def approve(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _u, item, actor = _proposal(request, public_id)
    try:
        services.proposal_approve(actor=actor, proposal=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved: %(supporter)s supports %(client)s.") % {
            "supporter": item.supporter, "client": item.enrolment.client})
    return _back(request, item)


@require_POST
def reject(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _u, item, actor = _proposal(request, public_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        # A note over its length is not dropped silently with the proposal rejected anyway.
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(request, item)
    note = form.cleaned_data["note"]
    try:
        services.proposal_reject(actor=actor, proposal=item, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Proposal rejected."))
    return _back(request, item)


@require_POST
def swap(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _u, item, actor = _proposal(request, public_id)
    alternatives = selectors.explain_proposals([item]).get(item.pk, {}).get("alts", [])
    form = SwapForm(request.POST, alternatives=alternatives, prefix=str(item.public_id))
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed alternatives."))
        return _back(request, item)
    try:
        services.proposal_swap(actor=actor, proposal=item,
                               supporter_key=form.cleaned_data["supporter"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved the alternative supporter."))
    return _back(request, item)


@require_http_methods(["GET", "POST"])
def criteria(request: HttpRequest, site_code: str) -> HttpResponse:
    _u, program_site, actor = _site_actor(request, site_code)
    instance = MatchingCriteria.objects.filter(site=program_site).first() or MatchingCriteria(
        site=program_site)
    form = CriteriaForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.criteria_update(actor=actor, site=program_site, fields={
                name: form.cleaned_data[name] for name in form.fields})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Matching criteria saved."))
            return redirect("matching:site", site_code=program_site.code)
    return render(request, "matching/criteria.html", {"site": program_site, "form": form})


@require_http_methods(["GET", "POST"])
def end_match(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    match = selectors.match_by_public_id(public_id)
    if match is None:
        raise Http404
    access = client_for_user(user, match.client.public_id, category=Info.MATCH,
                             detail="page:matching:end_match")
    actor = authorize(user, Action.MATCH, client_access=access, site=match.site)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_end_for_rematch(actor=actor, match=match, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The match has ended; %(client)s is back on the waitlist "
                                        "with priority.") % {"client": access.client.first_name_initial})
            return redirect("matching:site", site_code=match.site.code)
    return render(request, "matching/end_match.html", {
        "match": match, "client": access.client, "form": form,
        "history": selectors.match_history(access.client),
    })


def notices(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = supporter_profile_of(user)
    if profile is None:
        raise denied(user, category=Info.MATCH, detail="page:matching:notices")
    items = list(selectors.notices_for(profile)[:50])
    audit_list(user, category=Info.MATCH, clients=[n.match.client for n in items],
               role=Role.PEER_SUPPORTER, detail="page:matching:notices")
    unread = {n.pk for n in items if n.read_at is None}
    services.notices_mark_read(supporter=profile)
    return render(request, "matching/notices.html", {"items": items, "unread": unread})
