"""Audit of changes made in the Django admin: accounts, flags, passwords, roles, reference data.

Who holds an account, which flags it carries (`is_staff`, `is_superuser`, `is_active`), its
password and its roles decide who sees client data, so each change made in the admin writes
an audit event in the same transaction as the change (STYLE.md rule 4). We hook the admin's
own save and delete steps rather than Django's `LogEntry`: `LogEntry` messages carry
translated field labels and are written outside the admin's transaction for bulk deletes,
whereas `form.changed_data` gives the field names and the hooks run inside the change.

Details name fields, flags and role codes, never names, e-mail addresses or passwords.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from bridgeway.audit.writer import Who, record

# The flags recorded with their new value: each one changes what the account may do.
FLAGS = ("is_active", "is_staff", "is_superuser")
# Form fields that carry a password under another name (creation form, change form).
PASSWORD_FIELDS = {"password", "password1", "password2", "usable_password"}


def admin_who(request: HttpRequest) -> Who:
    user = request.user
    return Who(public_id=getattr(user, "public_id", None), username=user.get_username(),
               role="administrator")


def object_ref(obj: models.Model) -> str:
    """`<model>:<public id or key>`: finds the object again without naming anyone."""
    ident = getattr(obj, "public_id", None) or obj.pk
    return f"{obj._meta.model_name}:{ident}"


def describe_fields(obj: models.Model, changed: Iterable[str]) -> str:
    names: list[str] = []
    for name in changed:
        name = "password" if name in PASSWORD_FIELDS else name
        if name not in names:
            names.append(name)
    flags = [f"{flag}={int(bool(getattr(obj, flag)))}" for flag in FLAGS if flag in names]
    text = f"fields:{','.join(sorted(names))}" if names else "fields:-"
    return " ".join([text, *flags])


def record_admin(request: HttpRequest, *, category: str, action: str, detail: str) -> None:
    record(who=admin_who(request), category=category, action=action, detail=detail[:200])


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Every add, change and delete made through this admin writes one audit event."""

    audit_category = "reference"

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any],
                   change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self.audit_save(request, obj, form, change)

    def audit_save(self, request: HttpRequest, obj: Any, form: ModelForm[Any],
                   change: bool) -> None:
        action = "admin_change" if change else "admin_add"
        record_admin(request, category=self.audit_category, action=action,
                     detail=f"{object_ref(obj)} {describe_fields(obj, form.changed_data)}")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ref = object_ref(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            record_admin(request, category=self.audit_category, action="admin_delete",
                         detail=ref)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        # The bulk "delete selected" action: one event per object, all with the deletion.
        with transaction.atomic():
            refs = [object_ref(obj) for obj in queryset]
            super().delete_queryset(request, queryset)
            for ref in refs:
                record_admin(request, category=self.audit_category, action="admin_delete",
                             detail=ref)


def describe_role_changes(formset: BaseInlineFormSet[Any, Any, Any]) -> str:
    """`+role@scope`, `-role@scope`, `~role@scope(fields)` for each saved inline row."""

    def scope(ra: Any) -> str:
        place = ra.site.code if ra.site_id else (ra.organisation.code if ra.organisation_id
                                                 else "all")
        return f"{ra.role}@{place}"

    parts = [f"+{scope(ra)}" for ra in formset.new_objects]
    parts += [f"~{scope(ra)}({','.join(fields)})" for ra, fields in formset.changed_objects]
    parts += [f"-{scope(ra)}" for ra in formset.deleted_objects]
    return " ".join(parts)
