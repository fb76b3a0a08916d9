"""Evaluation reference data in the Django admin; every change is audited (core.admin_audit)."""

from __future__ import annotations

from django.contrib import admin

from bridgeway.core.admin_audit import AuditedAdmin

from .models import Codebook, PerDiem, Subtheme, Theme


@admin.register(PerDiem)
class PerDiemAdmin(AuditedAdmin, admin.ModelAdmin[PerDiem]):
    audit_category = "evaluation"
    list_display = ("hospital", "ward_type", "amount", "source")
    list_filter = ("ward_type",)


class SubthemeInline(admin.TabularInline[Subtheme, Theme]):
    model = Subtheme
    extra = 1


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin, admin.ModelAdmin[Theme]):
    audit_category = "evaluation"
    list_display = ("name", "descriptor", "codebook", "order")
    list_filter = ("codebook", "descriptor")
    inlines = [SubthemeInline]


@admin.register(Codebook)
class CodebookAdmin(AuditedAdmin, admin.ModelAdmin[Codebook]):
    audit_category = "evaluation"
    list_display = ("name", "site")
