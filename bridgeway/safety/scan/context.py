"""The scan's context: the day, the clock, the zone and each site's thresholds, and the
per-site cutoffs as SQL (a CASE over site ids, the date computed in Python by rules.cutoff)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, DateField, DateTimeField, Value, When
from django.utils import timezone

from .. import rules as r
from ..models import SafetyThresholds


@dataclass
class ScanContext:
    today: dt.date
    now: dt.datetime
    tz: dt.tzinfo
    by_site: dict[int, r.Thresholds]
    default: r.Thresholds = r.DEFAULTS

    def value(self, site_id: int, name: str) -> int:
        return int(getattr(self.by_site.get(site_id, self.default), name))

    def distinct(self, name: str) -> dict[int, list[int]]:
        """threshold value -> site ids having it (the default value also holds every site
        without a row, expressed as an empty exclusion list by the caller)."""
        groups: dict[int, list[int]] = defaultdict(list)
        for site_id, t in self.by_site.items():
            groups[int(getattr(t, name))].append(site_id)
        groups.setdefault(int(getattr(self.default, name)), [])
        return dict(groups)

    def midnight(self, day: dt.date) -> dt.datetime:
        return r.aware_midnight(day, self.tz)

    def day_case(self, site_field: str, name: str, *, end_of_day: bool = False,
                 as_datetime: bool = False) -> Any:
        """The rule's cutoff, per site: a date (or the local midnight starting the day after
        it, to compare timestamps) in a CASE over site ids."""

        def convert(days: int) -> Any:
            day = r.cutoff(self.today, days)
            if end_of_day:
                return self.midnight(day + dt.timedelta(days=1))
            if as_datetime:
                return self.midnight(day)
            return day

        output = DateTimeField() if (end_of_day or as_datetime) else DateField()
        default = convert(int(getattr(self.default, name)))
        whens = [When(**{site_field: site_id}, then=Value(convert(int(getattr(t, name))),
                                                          output_field=output))
                 for site_id, t in self.by_site.items()
                 if getattr(t, name) != getattr(self.default, name)]
        if not whens:
            return Value(default, output_field=output)
        return Case(*whens, default=Value(default, output_field=output), output_field=output)

    def sql_case(self, site_col: str, name: str, *, end_of_day: bool = False
                 ) -> tuple[str, list[Any]]:
        """The same cutoff as day_case, as raw SQL over a site id column, with parameters."""

        def convert(days: int) -> Any:
            day = r.cutoff(self.today, days)
            return _adapt(self.midnight(day + dt.timedelta(days=1)) if end_of_day else day)

        default = convert(int(getattr(self.default, name)))
        special = [(site_id, convert(int(getattr(t, name))))
                   for site_id, t in self.by_site.items()
                   if getattr(t, name) != getattr(self.default, name)]
        if not special:
            return "%s", [default]
        sql = "CASE " + " ".join(f"WHEN {site_col} = %s THEN %s" for _ in special) + " ELSE %s END"
        return sql, [v for pair in special for v in pair] + [default]


def _adapt(value: Any) -> Any:
    ops = connection.ops
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    return ops.adapt_datefield_value(value)



def context_for(today: dt.date | None = None, now: dt.datetime | None = None) -> ScanContext:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    today = today or now.astimezone(tz).date()
    by_site = {t.site_id: t.as_rules() for t in SafetyThresholds.objects.all()}
    return ScanContext(today=today, now=now, tz=tz, by_site=by_site)
