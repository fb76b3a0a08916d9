"""Access reports: who accessed a client, and what a user accessed. Viewing them is audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from bridgeway.access.categories import Info
from bridgeway.access.policy import (
    Action,
    audit_view,
    authorize,
    client_for_user,
    denied,
    has_role,
)
from bridgeway.audit.models import AuditEvent, AuditSubject
from bridgeway.core.models import Role, User
from bridgeway.web.common import user_of

PAGE_SIZE = 50
CATEGORY_LABELS: dict[str, str] = {str(value): str(label) for value, label in Info.choices}
ROLE_LABELS: dict[str, str] = {str(value): str(label) for value, label in Role.choices}


def _labelled(page: Any) -> Any:
    """Readable, translated names for the codes stored in the audit rows."""
    for event in page:
        event.category_label = CATEGORY_LABELS.get(event.category, event.category)
        event.role_label = ROLE_LABELS.get(event.role, event.role)
    return page
REPORT_ROLES = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD)


def _deny(user: User, detail: str, client_id: uuid.UUID | None = None) -> PermissionDenied:
    return denied(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value, detail=detail,
                  client_public_id=client_id, message=_("You do not have access to this report."))


def client_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every event about one client, including list pages that showed them."""
    user = user_of(request)
    if not has_role(user, *REPORT_ROLES):
        raise _deny(user, "page:audit:client_log", public_id)
    access = client_for_user(user, public_id, category=Info.AUDIT,
                             action=Action.VIEW_AUDIT.value, detail="page:audit:client_log")
    authorize(user, Action.VIEW_AUDIT, client_access=access, audit_category=Info.AUDIT)
    listed = AuditSubject.objects.filter(client_public_id=public_id).values("event_id")
    events = AuditEvent.objects.filter(Q(client_public_id=public_id) | Q(pk__in=listed)).order_by(
        "-seq")
    page = _labelled(Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")))
    return render(request, "audit/client_log.html", {
        "client_name": str(access.client), "public_id": access.client.public_id, "page": page,
    })


def user_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """What one user viewed or changed (administrators only)."""
    user = user_of(request)
    if not has_role(user, Role.ADMINISTRATOR):
        raise _deny(user, f"page:audit:user_log:{public_id}")
    subject = get_object_or_404(User, public_id=public_id)
    audit_view(user, category=Info.AUDIT, action=Action.VIEW_AUDIT.value, role=Role.ADMINISTRATOR,
               detail=f"page:audit:user_log:{public_id}")
    events = AuditEvent.objects.filter(actor_public_id=public_id).order_by("-seq")
    page = _labelled(Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")))
    return render(request, "audit/user_log.html", {"subject": subject, "page": page})
