"""Django admin for reference data: organisations, wards, sites, accounts and roles, training.

Client records are not edited here: they go through the pages, the access layer and the
services, which audit every view and change. Every change made here is audited too
(`admin_audit.py`): accounts, their flags, passwords and roles, groups and reference data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .admin_audit import AuditedAdmin, describe_role_changes, object_ref, record_admin
from .models import (
    Interest,
    Language,
    Organisation,
    PostalArea,
    ProgramSite,
    RoleAssignment,
    TrainingModule,
    User,
    Ward,
)


class WardInline(admin.TabularInline[Ward, Organisation]):
    model = Ward
    extra = 0
    fields = ["name", "ward_type"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, admin.ModelAdmin[Organisation]):
    list_display = ["name", "code", "kind", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "city"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [WardInline]


@admin.register(Ward)
class WardAdmin(AuditedAdmin, admin.ModelAdmin[Ward]):
    list_display = ["name", "hospital", "ward_type"]
    list_filter = ["ward_type", "hospital"]
    search_fields = ["name", "hospital__name"]
    list_select_related = ["hospital"]


@admin.register(ProgramSite)
class ProgramSiteAdmin(AuditedAdmin, admin.ModelAdmin[ProgramSite]):
    list_display = ["name", "code", "hospital", "program_start_date", "weekly_commitment_minutes"]
    search_fields = ["name", "code", "hospital__name"]
    filter_horizontal = ["peer_organisations", "required_training"]
    list_select_related = ["hospital"]


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "site", "organisation", "staff_kind", "active"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Bridgeway"), {"fields": ["preferred_language"]}),
    )
    inlines = [RoleAssignmentInline]
    audit_category = "accounts"

    def save_formset(self, request: HttpRequest, form: ModelForm[Any],
                     formset: BaseInlineFormSet[Any, Any, Any], change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            changes = describe_role_changes(formset) if formset.model is RoleAssignment else ""
            if changes:
                # Who holds which role decides who sees client data: keep it in the audit chain.
                record_admin(request, category="roles", action="admin_change",
                             detail=f"{object_ref(form.instance)} {changes}")

    def user_change_password(self, request: HttpRequest, id: str,
                             form_url: str = "") -> HttpResponse:
        # Django's view saves the password, then calls log_change: one transaction for both,
        # and log_change (below) knows it is a password change.
        request._bridgeway_password_view = True  # type: ignore[attr-defined]  # read by log_change
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        if getattr(request, "_bridgeway_password_view", False):
            action = "password_change" if obj.has_usable_password() else "password_disable"
            record_admin(request, category="accounts", action=action, detail=object_ref(obj))
        return entry


# Groups carry admin permissions for staff accounts: audit them like accounts.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, DjangoGroupAdmin):
    audit_category = "accounts"


@admin.register(TrainingModule)
class TrainingModuleAdmin(AuditedAdmin, admin.ModelAdmin[TrainingModule]):
    list_display = ["name", "code", "level", "valid_for_days"]
    search_fields = ["name", "code"]


@admin.register(Language)
class LanguageAdmin(AuditedAdmin, admin.ModelAdmin[Language]):
    list_display = ["name", "name_fr", "code"]
    search_fields = ["name", "code"]


@admin.register(Interest)
class InterestAdmin(AuditedAdmin, admin.ModelAdmin[Interest]):
    list_display = ["name", "name_fr", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PostalArea)
class PostalAreaAdmin(AuditedAdmin, admin.ModelAdmin[PostalArea]):
    list_display = ["fsa", "latitude", "longitude"]
    search_fields = ["fsa"]
