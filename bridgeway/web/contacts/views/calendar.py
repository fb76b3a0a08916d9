"""The supporter's calendar feed (an unguessable, revocable link) and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, audit_list, authorize, grants_for
from bridgeway.contacts.calendar import feed_ics
from bridgeway.contacts.models import CalendarFeed
from bridgeway.contacts.selectors.appointments import feed_appointments
from bridgeway.contacts.selectors.common import supporter_profile
from bridgeway.contacts.selectors.groups import feed_groups
from bridgeway.contacts.services.calendar import calendar_feed_create, calendar_feed_revoke
from bridgeway.core.models import Role
from bridgeway.web.common import user_of

# --- Calendar feed --------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    profile = supporter_profile(user)
    if profile is None or not any(g.role == Role.PEER_SUPPORTER for g in grants_for(user)):
        raise PermissionDenied(_("Calendar feeds are for peer supporters."))
    actor = authorize(user, Action.LOG_CONTACT, audit_category="calendar_feed")
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "create":
            calendar_feed_create(actor=actor, supporter=profile)
            messages.success(request, _("A new calendar link was made; any old link stopped working."))
        elif op == "revoke":
            calendar_feed_revoke(actor=actor, supporter=profile)
            messages.success(request, _("Your calendar link no longer works."))
        else:
            return HttpResponse(_("Unknown action."), status=400)
        return HttpResponseRedirect(reverse("contacts:calendar"))
    feed = CalendarFeed.objects.filter(supporter=profile, revoked_at__isnull=True).first()
    url = request.build_absolute_uri(reverse("contacts:calendar_feed", args=[feed.token])) if feed else ""
    return render(request, "contacts/calendar.html", {"feed": feed, "url": url})


@login_not_required
@require_http_methods(["GET"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The supporter's private feed: reachable without signing in, only with a live token."""
    feed = (CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
            .select_related("supporter__user").first())
    if feed is None or not feed.supporter.user.is_active:
        raise Http404
    supporter = feed.supporter
    appointments = feed_appointments(supporter)
    groups = feed_groups(supporter)
    audit_list(supporter.user, category=Info.CONTACT_LOG, clients=[a.client for a in appointments],
               role=Role.PEER_SUPPORTER, detail="calendar feed")
    body = feed_ics(supporter=supporter, appointments=appointments, groups=groups,
                    base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
