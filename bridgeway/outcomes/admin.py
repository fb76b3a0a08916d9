from __future__ import annotations

from django.contrib import admin

from .models import Codebook, PerDiem, Subtheme, Theme


@admin.register(PerDiem)
class PerDiemAdmin(admin.ModelAdmin[PerDiem]):
    list_display = ("hospital", "ward_type", "amount", "source")
    list_filter = ("ward_type",)


class SubthemeInline(admin.TabularInline[Subtheme, Theme]):
    model = Subtheme
    extra = 1


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ("name", "descriptor", "codebook", "order")
    list_filter = ("codebook", "descriptor")
    inlines = [SubthemeInline]


@admin.register(Codebook)
class CodebookAdmin(admin.ModelAdmin[Codebook]):
    list_display = ("name", "site")
