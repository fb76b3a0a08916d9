"""The alert inbox, one alert, and the notifications inbox."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    ClientAccess,
    audit_list,
    audit_view,
    authorize,
    can,
    client_for_user,
    has_role,
)
from bridgeway.core.models import Role, User
from bridgeway.safety import selectors
from bridgeway.safety.models import Alert, Notification
from bridgeway.safety.services.alerts import (
    alert_acknowledge,
    alert_escalate,
    alert_resolve,
    alert_snooze,
)
from bridgeway.web.common import apply_errors, user_of
from bridgeway.web.safety.forms import AlertActionForm

# --- alert inbox --------------------------------------------------------------------------

STATUS_FILTERS = {"open": ["open", "acknowledged"], "snoozed": ["snoozed"],
                  "resolved": ["resolved"]}


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD,
                    Role.PEER_SUPPORTER):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    statuses = STATUS_FILTERS.get(show, STATUS_FILTERS["open"])
    qs = selectors.alerts_for_user(user).filter(status__in=statuses)
    rule = request.GET.get("rule", "")
    if rule:
        qs = qs.filter(rule=rule)
    if show == "resolved":
        alerts = list(qs.order_by("-resolved_at")[:100])
    else:
        alerts = list(selectors.by_urgency(qs)[:200])
    clients = [a.client for a in alerts if a.client is not None]
    audit_list(user, category=Info.SAFETY, clients=clients, detail="safety:inbox")
    return render(request, "safety/inbox.html", {
        "alerts": alerts, "show": show, "rule": rule, "today": timezone.localdate(),
        "rules": Alert._meta.get_field("rule").choices, "action_form": AlertActionForm(),
    })


def _alert_access(user: User, alert: Alert) -> ClientAccess | None:
    """One audit event for viewing an alert: through the client, or about a supporter."""
    if alert.client is not None:
        return client_for_user(user, alert.client.public_id, category=Info.SAFETY,
                               detail=f"alert:{alert.public_id}")
    audit_view(user, category=Info.SAFETY, detail=f"alert:{alert.public_id}")
    return None


@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    alert = selectors.alert_for_user(user, public_id)
    access = _alert_access(user, alert)
    form = AlertActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = authorize(user, Action.HANDLE_ALERT, client_access=access,
                          site=None if access else alert.site, audit_category="safety")
        data = form.cleaned_data
        try:
            if data["action"] == "acknowledge":
                alert_acknowledge(actor=actor, alert=alert)
            elif data["action"] == "snooze":
                alert_snooze(actor=actor, alert=alert, until=data["until"],
                             note=data["note"])
            elif data["action"] == "resolve":
                alert_resolve(actor=actor, alert=alert, note=data["note"])
            else:
                alert_escalate(actor=actor, alert=alert, to=data["to"],
                               note=data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Alert updated."))
            nxt = request.POST.get("next", "")
            if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(nxt)
            return HttpResponseRedirect(reverse("safety:alert", kwargs={"public_id": public_id}))
    return render(request, "safety/alert.html", {
        "alert": alert, "form": form, "log": alert.log.select_related("actor"),
        "spec_description": alert.get_rule_display(),
        "can_lift_pause": (alert.rule == "break_requested" and alert.supporter is not None
                           and alert.supporter.status == "paused"
                           and can(user, Action.MANAGE_SUPPORTER, site=alert.site)),
        "can_outreach": access is not None and alert.rule in {"missed_contacts",
                                                               "contact_lapse",
                                                               "no_first_contact"},
    }, status=400 if form.errors else 200)


# --- notifications ------------------------------------------------------------------------

@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    rows = list(selectors.notifications_for(user)[:100])
    # Titles name clients (first name and initial): the page is a read of those clients.
    clients = [n.alert.client for n in rows if n.alert is not None and n.alert.client is not None]
    audit_list(user, category=Info.SAFETY, clients=clients, detail="safety:notifications")
    return render(request, "safety/notifications.html", {"rows": rows})


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    note = selectors.notifications_for(user).filter(pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    return HttpResponseRedirect(note.url or reverse("safety:notifications"))


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    selectors.notifications_for(user_of(request)).filter(read_at__isnull=True).update(
        read_at=timezone.now())
    return HttpResponseRedirect(reverse("safety:notifications"))


# --- the safety page of one client --------------------------------------------------------
