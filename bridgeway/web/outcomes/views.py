"""Outcome and evaluation pages. Thin: parse, call analysis/selectors/services, render.

Every page shows aggregates only; every view writes one audit event (category "outcomes")
through selectors.audit_view or, for writes, the service.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bridgeway.access.policy import Action, authorize, can
from bridgeway.core.models import ProgramSite
from bridgeway.core.spreadsheet import safe_row
from bridgeway.outcomes import selectors, services
from bridgeway.outcomes.assumptions import ASSUMPTIONS
from bridgeway.outcomes.labels import all_labels
from bridgeway.outcomes.models import Excerpt, Subtheme, Theme
from bridgeway.web.common import user_of
from bridgeway.web.outcomes.forms import (
    CodeExcerptForm,
    CoverageForm,
    FilterForm,
    PerDiemForm,
    ProgramWardForm,
    ReflectionForm,
    SubthemeForm,
    ThemeForm,
)

AUDIT = selectors.AUDIT_CATEGORY


class _LazyModule:
    """Imports a module on first use.

    The statistics, plotting and PDF stacks (statsmodels, lifelines, matplotlib, reportlab)
    take seconds to import; loading them with the URL conf slowed every process start
    (`make demo`, each test worker, each gunicorn worker) for pages most people never open.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(import_module(self._name), attr)


if TYPE_CHECKING:
    from bridgeway.outcomes import analysis, charts, exports, extract_report, feedback, report
else:
    analysis = _LazyModule("bridgeway.outcomes.analysis")
    extract_report = _LazyModule("bridgeway.outcomes.extract_report")
    charts = _LazyModule("bridgeway.outcomes.charts")
    exports = _LazyModule("bridgeway.outcomes.exports")
    feedback = _LazyModule("bridgeway.outcomes.feedback")
    report = _LazyModule("bridgeway.outcomes.report")


def _scope(request: HttpRequest, detail: str) -> list[ProgramSite]:
    user = user_of(request)
    sites = selectors.sites_in_scope(user)
    if not sites or selectors.view_role(user) is None:
        selectors.audit_view(user, detail=detail, outcome="denied")
        raise PermissionDenied("Outcome pages are for site leads, coordinators and evaluators.")
    return sites


def _filters(request: HttpRequest, sites: list[ProgramSite]) -> tuple[FilterForm, analysis.Filters]:
    form = FilterForm(request.GET or None, sites=sites)
    valid = form.is_valid() if request.GET else False
    data = form.cleaned_data if valid else {}
    chosen = form.selected_sites() if valid else [sites[0]] if len(sites) == 1 else sites
    today = timezone.localdate()
    starts = [s.program_start_date for s in chosen if s.program_start_date]
    default_start = min(starts) if starts else today - relativedelta(years=2)
    filters = analysis.Filters(
        sites=chosen, scope=sites, start=data.get("start") or default_start,
        end=data.get("end") or today, today=today, ward_type=data.get("ward_type") or "",
        comparison=data.get("comparison") or "usual_care",
        subgroup=data.get("subgroup") or "all", window=data.get("window") or 30)
    return form, filters


def _single_site(filters: analysis.Filters) -> ProgramSite | None:
    return filters.sites[0] if len(filters.sites) == 1 else None


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    sites = _scope(request, "outcomes:dashboard")
    form, filters = _filters(request, sites)
    ev = analysis.evaluate(filters)
    selectors.audit_view(user_of(request), detail="outcomes:dashboard", site=_single_site(filters))
    names = {s.id: s.name for s in sites}
    return render(request, "outcomes/dashboard.html", {
        "form": form, "ev": ev, "hl": ev.headline, "r": ev.results,
        "charts": charts.dashboard_data(ev), "assumptions": ASSUMPTIONS,
        "its_blocks": charts.its_blocks(ev, names), "its_chart_series": charts.ITS_CHART_SERIES,
        "continuous_rows": charts.continuous_rows(), "labels": all_labels(),
        "site_names": names, "query": request.GET.urlencode(),
        "can_edit_per_diem": bool(selectors.hospitals_for_per_diem(user_of(request))),
    })


@require_http_methods(["GET", "POST"])
def evaluation_settings(request: HttpRequest) -> HttpResponse:
    """Where each data source ends (follow-up is censored there) and which wards are program
    or comparison wards."""
    user = user_of(request)
    sites = _scope(request, "outcomes:settings")
    hospitals = sorted({s.hospital for s in sites}, key=lambda h: h.name)
    coverage_form = CoverageForm(request.POST if "coverage" in request.POST else None,
                                 hospitals=hospitals)
    ward_form = ProgramWardForm(request.POST if "set_ward" in request.POST else None, sites=sites)
    if request.method == "POST":
        if "coverage" in request.POST and coverage_form.is_valid():
            d = coverage_form.cleaned_data
            for hospital in d["hospitals"]:
                site = next(s for s in sites if s.hospital_id == hospital.id)
                actor = authorize(user, Action.CONFIGURE_EVALUATION, site=site,
                                  audit_category=AUDIT, detail="outcomes:settings")
                services.coverage_declare(
                    actor=actor, source=d["source"], hospital=hospital,
                    period_start=d["period_start"], period_end=d["period_end"],
                    complete_up_to=d["complete_up_to"], note=d["note"])
            messages.success(request, _("Data coverage saved."))
            return redirect("outcomes:settings")
        if "set_ward" in request.POST and ward_form.is_valid():
            d = ward_form.cleaned_data
            actor = authorize(user, Action.CONFIGURE_EVALUATION, site=d["site"],
                              audit_category=AUDIT, detail="outcomes:settings")
            services.program_ward_set(actor=actor, site=d["site"], ward=d["ward"],
                                      assignment=d["assignment"])
            messages.success(request, _("Ward assignment saved."))
            return redirect("outcomes:settings")
        if not can(user, Action.CONFIGURE_EVALUATION):
            authorize(user, Action.CONFIGURE_EVALUATION, audit_category=AUDIT,
                      detail="outcomes:settings")
    else:
        selectors.audit_view(user, detail="outcomes:settings")
    editable = can(user, Action.CONFIGURE_EVALUATION)
    return render(request, "outcomes/settings.html", {
        "coverage_form": coverage_form if editable else None,
        "ward_form": ward_form if editable else None,
        "coverage": selectors.coverage_rows(hospitals), "wards": selectors.program_wards(sites),
        "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
def per_diems(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = _scope(request, "outcomes:per_diems")
    hospitals = selectors.hospitals_for_per_diem(user)
    form = PerDiemForm(request.POST or None, hospitals=hospitals)
    if request.method == "POST":
        if not hospitals:
            authorize(user, Action.SET_PER_DIEM, audit_category=AUDIT, detail="outcomes:per_diems")
        if form.is_valid():
            hospital = form.cleaned_data["hospital"]
            site = next((s for s in sites if s.hospital_id == hospital.id), None)
            actor = authorize(user, Action.SET_PER_DIEM, site=site, audit_category=AUDIT,
                              detail="outcomes:per_diems")
            services.per_diem_set(actor=actor, hospital=hospital,
                                  ward_type=form.cleaned_data["ward_type"],
                                  amount=form.cleaned_data["amount"],
                                  source=form.cleaned_data["source"])
            messages.success(request, _("Per-diem saved."))
            return redirect("outcomes:per_diems")
    else:
        selectors.audit_view(user, detail="outcomes:per_diems")
    return render(request, "outcomes/per_diems.html", {
        "form": form if hospitals else None, "rows": selectors.per_diems_for(sites),
        "assumptions": ASSUMPTIONS})


def _feedback_sites(request: HttpRequest, sites: list[ProgramSite]) -> list[ProgramSite]:
    code = request.GET.get("site", "")
    chosen = [s for s in sites if s.code == code]
    return chosen or sites


@require_GET
def feedback_matrix(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = _scope(request, "outcomes:feedback")
    chosen = _feedback_sites(request, sites)
    book = feedback.codebook_for(chosen[0] if len(chosen) == 1 else None)
    excerpts = selectors.excerpts_for(chosen)
    rows = feedback.matrix(book, Excerpt.objects.filter(id__in=[e.id for e in excerpts]), chosen)
    can_code = can(user, Action.CODE_FEEDBACK, site=chosen[0] if len(chosen) == 1 else None)
    subthemes = Subtheme.objects.filter(theme__codebook=book).select_related("theme")
    selectors.audit_view(user, detail="outcomes:feedback",
                         site=chosen[0] if len(chosen) == 1 else None)
    return render(request, "outcomes/feedback.html", {
        "rows": rows, "sites": chosen, "all_sites": sites, "codebook": book,
        "excerpts": excerpts, "can_code": can_code,
        "code_form": CodeExcerptForm(subthemes=subthemes) if can_code else None,
        "subthemes": subthemes, "selected": request.GET.get("site", ""),
        "uncoded": sum(1 for e in excerpts if e.subtheme_id is None)})


@require_GET
def matrix_csv(request: HttpRequest) -> HttpResponse:
    import csv
    import io

    sites = _scope(request, "outcomes:matrix_csv")
    chosen = _feedback_sites(request, sites)
    book = feedback.codebook_for(chosen[0] if len(chosen) == 1 else None)
    excerpts = Excerpt.objects.filter(reflection__site__in=chosen)
    rows = feedback.matrix(book, excerpts, chosen)
    buf = io.StringIO()
    writer = csv.writer(buf)
    # Quotes and theme names are free text: no cell a spreadsheet would run (core.spreadsheet).
    writer.writerow(safe_row(["descriptor", "theme", "subtheme", *[s.code for s in chosen],
                              "total", "exemplar_quotes"]))
    for r in rows:
        writer.writerow(safe_row([r.descriptor_label, r.theme, r.subtheme,
                                  *[r.counts.get(s.code, 0) for s in chosen], r.total,
                                  " | ".join(r.exemplars)]))
    selectors.audit_view(user_of(request), detail="outcomes:matrix_csv")
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename("matrix", chosen, "csv", timezone.localdate())}"')
    return response


@require_http_methods(["GET", "POST"])
def reflection_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = selectors.sites_in_scope(user, selectors.FEEDBACK_ROLES)
    if not sites:
        selectors.audit_view(user, detail="outcomes:reflection_new", outcome="denied")
        raise PermissionDenied
    form = ReflectionForm(request.POST or None, sites=sites,
                          initial={"timepoint_months": 6, "collected_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        actor = authorize(user, Action.RECORD_REFLECTION, site=site, audit_category=AUDIT,
                          detail="outcomes:reflection_new")
        services.reflection_record(
            actor=actor, site=site, respondent_role=form.cleaned_data["respondent_role"],
            timepoint_months=form.cleaned_data["timepoint_months"],
            collected_on=form.cleaned_data["collected_on"],
            texts={k: form.cleaned_data[k] for k in ("worked_well", "not_so_well", "suggestions")})
        messages.success(request, _("Reflection recorded; names and contact details were removed."))
        return redirect("outcomes:feedback")
    if request.method == "GET":
        selectors.audit_view(user, detail="outcomes:reflection_new")
    return render(request, "outcomes/reflection_form.html", {"form": form})


@require_POST
def excerpt_code(request: HttpRequest, public_id: str) -> HttpResponse:
    user = user_of(request)
    sites = selectors.sites_in_scope(user)
    excerpt = get_object_or_404(Excerpt.objects.select_related("reflection__site"),
                                public_id=public_id, reflection__site__in=sites)
    actor = authorize(user, Action.CODE_FEEDBACK, site=excerpt.reflection.site,
                      audit_category=AUDIT, detail="outcomes:excerpt_code")
    book = feedback.codebook_for(excerpt.reflection.site)
    form = CodeExcerptForm(request.POST, subthemes=Subtheme.objects.filter(theme__codebook=book))
    if form.is_valid():
        services.excerpt_code(actor=actor, excerpt=excerpt,
                              subtheme=form.cleaned_data["subtheme"],
                              exemplar=form.cleaned_data["exemplar"])
        messages.success(request, _("Excerpt coded."))
    else:
        messages.error(request, _("Choose a subtheme from the codebook."))
    return redirect(f"{reverse('outcomes:feedback')}#excerpt-{excerpt.public_id}")


@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    sites = _scope(request, "outcomes:codebook")
    book = feedback.codebook_for(None)
    themes = Theme.objects.filter(codebook=book)
    theme_form = ThemeForm(request.POST if "add_theme" in request.POST else None)
    sub_form = SubthemeForm(request.POST if "add_subtheme" in request.POST else None, themes=themes)
    if request.method == "POST":
        actor = authorize(user, Action.CODE_FEEDBACK, audit_category=AUDIT,
                          detail="outcomes:codebook")
        if "add_theme" in request.POST and theme_form.is_valid():
            services.theme_add(actor=actor, codebook=book, **theme_form.cleaned_data)
            messages.success(request, _("Theme added."))
            return redirect("outcomes:codebook")
        if "add_subtheme" in request.POST and sub_form.is_valid():
            services.subtheme_add(actor=actor, **sub_form.cleaned_data)
            messages.success(request, _("Subtheme added."))
            return redirect("outcomes:codebook")
    else:
        selectors.audit_view(user, detail="outcomes:codebook")
    can_edit = can(user, Action.CODE_FEEDBACK)
    return render(request, "outcomes/codebook.html", {
        "codebook": book, "themes": themes.prefetch_related("subthemes"), "sites": sites,
        "theme_form": theme_form if can_edit else None,
        "sub_form": sub_form if can_edit else None})


@require_GET
def extract(request: HttpRequest) -> HttpResponse:
    """Without `format`: what disclosure control did, with the download links. With it: the
    k-anonymous extract as a ZIP (CSV and its README), a bare CSV or Parquet (report in its
    metadata)."""
    sites = _scope(request, "outcomes:extract")
    _form, filters = _filters(request, sites)
    fmt = request.GET.get("format", "")
    if fmt not in ("zip", "csv", "parquet"):
        fmt = ""
    result = exports.extract(filters)
    selectors.audit_view(user_of(request), detail=f"outcomes:extract:{fmt or 'report'}",
                         site=_single_site(filters))
    today = timezone.localdate()
    title = _("Bridgeway research extract")
    if not fmt:
        query = request.GET.copy()
        query.pop("format", None)
        return render(request, "outcomes/extract.html", {
            "summary": extract_report.summary(result.disclosure),
            "lines": extract_report.lines(result.disclosure), "query": query.urlencode(),
            "sites": sites})
    name = exports.filename("extract", filters.sites, "csv", today)
    if fmt == "parquet":
        body = exports.to_parquet(result.frame, metadata={
            "assumptions": " | ".join(map(str, ASSUMPTIONS)),
            **extract_report.metadata(result)})
        content_type = "application/vnd.apache.parquet"
        name = name.removesuffix(".csv") + ".parquet"
    elif fmt == "zip":
        body = extract_report.to_zip(result, csv_name=name, title=title)
        content_type = "application/zip"
        name = name.removesuffix(".csv") + ".zip"
    else:
        body, content_type = exports.to_csv(result.frame), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def aggregates_csv(request: HttpRequest) -> HttpResponse:
    sites = _scope(request, "outcomes:aggregates")
    _form, filters = _filters(request, sites)
    body = exports.to_csv(exports.aggregate_table(analysis.evaluate(filters)))
    selectors.audit_view(user_of(request), detail="outcomes:aggregates", site=_single_site(filters))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename("aggregates", filters.sites, "csv", timezone.localdate())}"')
    return response


@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    sites = _scope(request, "outcomes:report")
    _form, filters = _filters(request, sites)
    ev = analysis.evaluate(filters)
    body = report.build(ev, exports.aggregate_table(ev))
    selectors.audit_view(user_of(request), detail="outcomes:report", site=_single_site(filters))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename("report", filters.sites, "pdf", timezone.localdate())}"')
    return response


