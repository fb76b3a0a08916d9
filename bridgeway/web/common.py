"""The few helpers every page uses: the signed-in user and a service's errors on a form (an
audited refusal is `bridgeway.access.policy.denied`). One of each, so every page behaves alike."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest

from bridgeway.access.policy import ClientAccess
from bridgeway.clients.models import Enrolment, HospitalStay, Match
from bridgeway.core.models import User


def user_of(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def apply_errors(form: BaseForm, exc: ValidationError,
                 field_map: Mapping[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the named field when the form has it
    (`field_map` renames service fields to form fields), at the top of the form otherwise."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        name = (field_map or {}).get(key, key)
        if name in form.fields:
            if name not in form.errors:  # the form's own message for a field comes first
                form.add_error(name, errors)
        else:
            form.add_error(None, errors)


def enrolment_of(access: ClientAccess, enrolment_id: uuid.UUID) -> Enrolment:
    try:
        return access.client.enrolments.select_related("site", "client").get(public_id=enrolment_id)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def stay_of(access: ClientAccess, stay_id: uuid.UUID) -> HospitalStay:
    """A stay of the client that this access reaches (ward staff: their own hospital's)."""
    stays = access.client.stays.select_related("hospital", "ward", "client")
    if access.hospitals is not None:
        stays = stays.filter(hospital_id__in=access.hospitals)
    try:
        return stays.get(public_id=stay_id)
    except HospitalStay.DoesNotExist as exc:
        raise Http404 from exc


def match_of(access: ClientAccess, match_id: uuid.UUID) -> Match:
    try:
        return access.client.matches.select_related("supporter__user", "site", "enrolment").get(
            public_id=match_id)
    except Match.DoesNotExist as exc:
        raise Http404 from exc
