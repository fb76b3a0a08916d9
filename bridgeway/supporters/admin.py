"""Supporter profiles are managed on the Bridgeway pages (audited); the admin only lists them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import SupporterProfile


@admin.register(SupporterProfile)
class SupporterProfileAdmin(admin.ModelAdmin[SupporterProfile]):
    """Read-only: edits go through supporters.services so they are audited."""

    list_display = ["__str__", "organisation", "employment", "status", "max_active_clients"]
    list_filter = ["status", "employment", "organisation"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    list_select_related = ["user", "organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
