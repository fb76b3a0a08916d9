"""Small helpers shared by the client views: denials, form errors, object lookups."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from bridgeway.access.policy import ClientAccess, grants_for, who_for
from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import record
from bridgeway.clients.models import Enrolment, HospitalStay, Match
from bridgeway.core.models import User


def user_of(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def deny(user: User, *, category: str, detail: str = "", site_code: str = "") -> PermissionDenied:
    """Audit a denied page view (with no single client) and return the exception to raise."""
    grants = grants_for(user)
    with transaction.atomic():
        record(who=who_for(user, grants[0].role if grants else "", site_code), category=category,
               action="view", outcome=AuditEvent.Outcome.DENIED, detail=detail)
    return PermissionDenied(_("You do not have access to this page."))


def apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def enrolment_of(access: ClientAccess, enrolment_id: uuid.UUID) -> Enrolment:
    try:
        return access.client.enrolments.select_related("site", "client").get(public_id=enrolment_id)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def stay_of(access: ClientAccess, stay_id: uuid.UUID) -> HospitalStay:
    try:
        return access.client.stays.select_related("hospital", "ward", "client").get(
            public_id=stay_id)
    except HospitalStay.DoesNotExist as exc:
        raise Http404 from exc


def match_of(access: ClientAccess, match_id: uuid.UUID) -> Match:
    try:
        return access.client.matches.select_related("supporter__user", "site", "enrolment").get(
            public_id=match_id)
    except Match.DoesNotExist as exc:
        raise Http404 from exc
