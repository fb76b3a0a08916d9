"""Audit events for pages: one per page, allowed or denied, naming the clients it showed.

A page that reads one client is audited by `policy.client_for_user`; the helpers here cover
pages that list clients, pages about no single client, and refusals, so that no view writes
audit events by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import Who, record
from bridgeway.clients.models import Client
from bridgeway.core.actors import Actor
from bridgeway.core.models import User

from .grants import first_role


def who_for(user: User, role: str = "", site_code: str = "") -> Who:
    return Actor(user=user, role=role, site_code=site_code).who


def audit_list(user: User, *, category: str, clients: Iterable[Client] | Iterable[uuid.UUID],
               detail: str = "", role: str = "", site_code: str = "") -> None:
    """One audit event for a page that lists clients (with every listed client as subject)."""
    ids = [c if isinstance(c, uuid.UUID) else c.public_id for c in clients]
    with transaction.atomic():
        record(who=who_for(user, role or first_role(user), site_code), category=category,
               action="view", subjects=ids, detail=detail)


def audit_view(user: User, *, category: str, detail: str, action: str = "view",
               role: str = "", site_code: str = "", client_public_id: uuid.UUID | None = None,
               allowed: bool = True) -> None:
    """One audit event for a page (or a read) about no list of clients."""
    with transaction.atomic():
        record(who=who_for(user, role or first_role(user), site_code), category=category,
               action=action, client_public_id=client_public_id, detail=detail,
               outcome=AuditEvent.Outcome.ALLOWED if allowed else AuditEvent.Outcome.DENIED)


def denied(user: User, *, category: str, detail: str = "", action: str = "view",
           site_code: str = "", client_public_id: uuid.UUID | None = None,
           message: str | None = None) -> PermissionDenied:
    """Audit a refused page or read and return the exception for the caller to raise."""
    audit_view(user, category=category, detail=detail, action=action, site_code=site_code,
               client_public_id=client_public_id, allowed=False)
    return PermissionDenied(message or _("You do not have access to this page."))
