"""Assembles the evaluation for one scope and set of filters: loads the tables
(`outcomes.data`), runs the pure pipeline (`stats.pipeline.run`), adds fidelity and program
activity, applies disclosure control to all of it, and caches the result per data version.

Everything returned is aggregate and JSON-safe (charts get it through json_script); no client
identifier ever leaves this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import timezone

from bridgeway.core.models import ProgramSite

from .. import data, fidelity, selectors
from ..stats import pipeline
from .activity import contact_hours, drop_outs, fidelity_components, fidelity_table, waiting
from .cache import data_version, key

CACHE_SECONDS = 24 * 3600


def threshold() -> int:
    return int(getattr(settings, "BRIDGEWAY_SMALL_CELL_THRESHOLD", 5))


@dataclass
class Filters:
    sites: list[ProgramSite]  # chosen
    start: date  # admissions from
    end: date  # admissions to
    scope: list[ProgramSite] = field(default_factory=list)  # every site the user may see
    ward_type: str = ""
    comparison: str = "usual_care"
    subgroup: str = "all"
    window: int = 30
    today: date = field(default_factory=timezone.localdate)

    def __post_init__(self) -> None:
        if not self.scope:
            self.scope = list(self.sites)

    @property
    def site_ids(self) -> list[int]:
        return [s.id for s in self.sites]

    def options(self) -> pipeline.Options:
        t = threshold()
        chosen = None if {s.id for s in self.sites} == {s.id for s in self.scope} else self.site_ids
        return pipeline.Options(
            window=(data.day_number(self.start), data.day_number(self.end)),
            comparison=self.comparison, sites=chosen, ward_type=self.ward_type,
            subgroup=self.subgroup, readmit_days=self.window, threshold=t, min_count=t)


@dataclass
class Evaluation:
    filters: Filters
    results: dict[str, Any]
    coverage: list[dict[str, Any]]
    fidelity_components: dict[str, Any]
    fidelity_ward_quarter: list[dict[str, Any]]
    contact_hours: list[dict[str, Any]]
    drop_outs: list[dict[str, Any]]
    waiting: list[dict[str, Any]]
    per_diems: list[dict[str, Any]]
    threshold: int
    seconds: float = 0.0
    cached: bool = False

    @property
    def headline(self) -> dict[str, Any]:
        return self.results["headline"]

    @property
    def km(self) -> list[dict[str, Any]]:
        return self.results["headline"]["km"]

    @property
    def its(self) -> dict[str, Any]:
        return self.results["its"]

    @property
    def subgroups(self) -> list[dict[str, Any]]:
        return self.results["subgroups"]

    @property
    def stays_end(self) -> date:
        return data.from_day_number(self.results["coverage"]["stays_end"])

    @property
    def ed_end(self) -> date:
        return data.from_day_number(self.results["coverage"]["ed_end"])

    @property
    def declared(self) -> set[str]:
        return {str(r["source"]) for r in self.coverage}


def site_names(filters: Filters) -> dict[int, str]:
    return {s.id: s.name for s in filters.scope}


def compute(filters: Filters) -> tuple[pipeline.Result, pipeline.RawData]:
    """The pipeline's result for these filters (no cache, no fidelity)."""
    raw = data.load(filters.scope, today=filters.today)
    return pipeline.run(raw, filters.options()), raw


def evaluate(filters: Filters, *, use_cache: bool = True) -> Evaluation:
    """The dashboard's figures: from the cache when the data have not changed."""
    cache_key = key(scope=sorted(s.id for s in filters.scope), sites=sorted(filters.site_ids),
                    start=filters.start, end=filters.end, ward_type=filters.ward_type,
                    comparison=filters.comparison, subgroup=filters.subgroup,
                    window=filters.window, today=filters.today, threshold=threshold(),
                    data=data_version())
    if use_cache:
        hit = django_cache.get(cache_key)
        if isinstance(hit, Evaluation):
            hit.filters, hit.cached = filters, True
            return hit
    began = time.perf_counter()
    result, raw = compute(filters)
    t = threshold()
    fid = fidelity.per_client(fidelity.episodes_of(result.program), cutoff=filters.today)
    e = result.prepared.groups.episodes
    lo, hi = filters.options().window
    period = e[e["eligible"] & e["site_id"].isin(filters.site_ids) & e["end"].notna()
               & (e["start"] >= lo) & (e["start"] <= hi)]
    if filters.ward_type:
        period = period[period["ward_type"] == filters.ward_type]
    wq = fidelity.per_ward_quarter(period.rename(columns={"end": "discharge"}), fid)
    wards = {w.id: str(w) for s in filters.sites for w in s.hospital.wards.all()}
    ev = Evaluation(
        filters=filters, results=result.results, coverage=data.coverage_for(filters.today)[1],
        fidelity_components=fidelity_components(fid, t),
        fidelity_ward_quarter=fidelity_table(wq, wards, t),
        contact_hours=contact_hours(
            selectors.contact_hours_by_month(filters.site_ids, filters.start, filters.end), t),
        drop_outs=drop_outs(
            selectors.drop_outs_by_month(filters.site_ids, filters.start, filters.end), t),
        waiting=waiting(
            selectors.waiting_times(filters.site_ids, filters.start, filters.end), t),
        per_diems=selectors.per_diems_for(filters.sites), threshold=t,
        seconds=time.perf_counter() - began)
    if use_cache:
        django_cache.set(cache_key, ev, CACHE_SECONDS)
    return ev
