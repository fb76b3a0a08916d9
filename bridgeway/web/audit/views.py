"""Access reports: who accessed a client, and what a user accessed. Viewing them is audited.

Who may read which report is decided in `bridgeway.access.reports`; this module parses the
filters, fetches the events through `bridgeway.audit.selectors`, and shows them in plain words
(or as a CSV whose cells a spreadsheet cannot run as formulas).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, audit_view, denied, has_role
from bridgeway.access.reports import (
    client_report_for_user,
    report_subjects_for,
    user_report_for_user,
)
from bridgeway.audit.models import AuditEvent
from bridgeway.audit.selectors import EventFilter, events_about_client, events_by_user
from bridgeway.core.csvsafe import rows_to_csv
from bridgeway.core.models import Role, User
from bridgeway.web.audit.forms import ReportFilterForm
from bridgeway.web.audit.labels import action_label, category_label, role_label
from bridgeway.web.common import user_of

PAGE_SIZE = 50
CSV_LIMIT = 100_000  # rows in one export; the filters narrow a larger history


def _filter_of(form: ReportFilterForm) -> EventFilter:
    if not form.is_valid():
        return EventFilter()
    data = form.cleaned_data
    person = (data.get("person") or "").strip()
    actor_ids = None
    if person:
        actor_ids = tuple(User.objects.filter(
            Q(first_name__icontains=person) | Q(last_name__icontains=person)
            | Q(username__icontains=person)).values_list("public_id", flat=True)[:500])
    return EventFilter(outcome=data.get("outcome") or "", date_from=data.get("date_from"),
                       date_to=data.get("date_to"), actor_ids=actor_ids, actor_text=person)


def _names(events: Iterable[AuditEvent]) -> dict[uuid.UUID, str]:
    ids = {e.actor_public_id for e in events if e.actor_public_id}
    return {u.public_id: u.display_name() for u in User.objects.filter(public_id__in=ids)}


@dataclass(frozen=True)
class Line:
    """One event as the report shows it: names and plain words instead of codes."""

    event: AuditEvent
    actor_name: str
    action_label: str
    category_label: str
    role_label: str
    is_list: bool

    def __getattr__(self, name: str) -> Any:  # the event's own fields, for the template
        return getattr(self.event, name)


def _describe(events: list[AuditEvent]) -> list[Line]:
    names = _names(events)
    return [Line(e, names.get(e.actor_public_id, e.actor_username) if e.actor_public_id
                 else _("System"), action_label(e.action), category_label(e.category),
                 role_label(e.role), bool(e.subjects) and not e.client_public_id)
            for e in events]


def _csv(events: QuerySet[AuditEvent], name: str, *, with_client: bool) -> HttpResponse:
    lines = _describe(list(events[:CSV_LIMIT]))
    header = [_("When"), _("Who"), _("User name"), _("Role"), _("Site"), _("What was done"),
              _("About"), _("Outcome")] + ([_("Client")] if with_client else []) + [_("Detail")]
    body = rows_to_csv(header, (
        [timezone.localtime(x.event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"), x.actor_name,
         x.event.actor_username, x.role_label, x.event.site_code, x.action_label,
         x.category_label, _("Refused") if x.event.outcome == "denied" else _("Allowed")]
        + ([str(x.event.client_public_id or (_("a list") if x.is_list else ""))]
           if with_client else [])
        + [x.event.detail] for x in lines))
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request: HttpRequest, events: QuerySet[AuditEvent]) -> Any:
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _describe(list(page.object_list))  # type: ignore[assignment]  # the page shows described lines
    return page


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def client_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every event about one client, including list pages that showed them."""
    report = client_report_for_user(user_of(request), public_id)
    form = ReportFilterForm(request.GET or None)
    events = events_about_client(report.public_ids, _filter_of(form))
    if request.GET.get("format") == "csv":
        return _csv(events, f"access-history-client-{timezone.localdate()}.csv",
                    with_client=False)
    # A privacy officer reads the history, not the record: no name, no link to the record.
    show_record = report.role != "privacy_officer"
    return render(request, "audit/client_log.html", {
        "client_name": str(report.client) if show_record else "",
        "show_record": show_record, "public_id": report.client.public_id,
        "merged": report.merged,
        "page": _page(request, events), "form": form, "query": _query_without_page(request)})


def user_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """What one user viewed or changed (administrators; site leads and privacy officers for
    their own staff)."""
    subject = user_report_for_user(user_of(request), public_id)
    form = ReportFilterForm(request.GET or None, with_person=False)
    events = events_by_user(public_id, _filter_of(form))
    if request.GET.get("format") == "csv":
        return _csv(events, f"access-history-user-{timezone.localdate()}.csv", with_client=True)
    return render(request, "audit/user_log.html", {
        "subject": subject, "page": _page(request, events), "form": form,
        "query": _query_without_page(request)})


def people(request: HttpRequest) -> HttpResponse:
    """The people whose access history the reader may open, and a client's history by id."""
    user = user_of(request)
    scope, role = report_subjects_for(user)
    if not role and not has_role(user, Role.PRIVACY_OFFICER):
        raise denied(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value,
                     detail="page:audit:people")
    client_id = (request.GET.get("client") or "").strip()
    error = ""
    if client_id:
        try:
            return redirect("audit:client_log", public_id=uuid.UUID(client_id))
        except ValueError:
            error = _("Enter a client id as shown on the record (a UUID).")
    staff = User.objects.filter(scope) if scope is not None else User.objects.all()
    listed = list(staff.filter(is_active=True).order_by("last_name", "first_name",
                                                        "username")[:500])
    audit_view(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value, role=role,
               detail="page:audit:people")
    return render(request, "audit/people.html", {"people": listed, "error": error,
                                                 "client": client_id})
