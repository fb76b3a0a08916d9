"""Django admin for reference data: organisations, wards, sites, accounts and roles, training.

Client records are not edited here: they go through the pages, the access layer and the
services, which audit every view and change. Role changes made here are audited too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bridgeway.audit.writer import Who, record

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


def _who(request: HttpRequest) -> Who:
    user = request.user
    return Who(public_id=getattr(user, "public_id", None), username=user.get_username(),
               role="administrator")


class WardInline(admin.TabularInline[Ward, Organisation]):
    model = Ward
    extra = 0
    fields = ["name", "ward_type"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "code", "kind", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "city"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [WardInline]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin[Ward]):
    list_display = ["name", "hospital", "ward_type"]
    list_filter = ["ward_type", "hospital"]
    search_fields = ["name", "hospital__name"]
    list_select_related = ["hospital"]


@admin.register(ProgramSite)
class ProgramSiteAdmin(admin.ModelAdmin[ProgramSite]):
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
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Bridgeway"), {"fields": ["preferred_language"]}),
    )
    inlines = [RoleAssignmentInline]

    def save_formset(self, request: HttpRequest, form: ModelForm[Any],
                     formset: BaseInlineFormSet[Any, Any, Any], change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.model is RoleAssignment and formset.has_changed():
                # Who holds which role decides who sees client data: keep it in the audit chain.
                record(who=_who(request), category="roles", action="change",
                       detail=f"user:{form.instance.public_id}")


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin[TrainingModule]):
    list_display = ["name", "code", "level", "valid_for_days"]
    search_fields = ["name", "code"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin[Language]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin[Interest]):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PostalArea)
class PostalAreaAdmin(admin.ModelAdmin[PostalArea]):
    list_display = ["fsa", "latitude", "longitude"]
    search_fields = ["fsa"]
