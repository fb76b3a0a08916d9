"""`bridgeway scan`: every safety-net rule as one set-based query, then one diff in SQL.

Each rule is an ORM queryset (annotations, Subquery, Exists) that yields the set of
(rule, subject) hits. The scan compiles each one into `INSERT INTO safety_scanhit SELECT ...`
so the hits never travel through Python, then diffs the staging table against the open
alerts with a handful of UPDATE/INSERT ... SELECT statements: new hits open alerts, vanished
hits resolve theirs (auto-resolution), changed severities are updated. The number of
statements depends on the number of rules (and distinct per-site threshold values for two
rules), never on the number of clients, contacts or alerts. Everything runs in one
transaction under a lock, so it is idempotent and safe to run from cron and Celery at once.

Thresholds are per site (SafetyThresholds); a site's value enters the SQL as a CASE over
site ids with the date cutoff computed in Python (rules.cutoff), so the same SQL runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Substr
from django.utils import timezone

from bridgeway.clients.models import Enrolment, EnrolmentStatus, HospitalStay, Match
from bridgeway.contacts.models import Contact
from bridgeway.core.models import ProgramSite
from bridgeway.matching.models import Proposal
from bridgeway.supporters.models import SupporterProfile

from . import rules as r
from .models import Alert, AlertLog, SafetyThresholds, ScanHit

MET = "met"
HIT_COLUMNS = ["rule", "subject_id", "site_id", "client_id", "supporter_id", "severity",
               "episode", "owner_id"]
_LOCK_KEY = 0x5AFE7


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


def _text(expr: Any) -> Any:
    """A date or timestamp as text, the same on SQLite and PostgreSQL (first 19 chars)."""
    return Substr(Cast(expr, output_field=CharField()), 1, 19)


def _hits(qs: QuerySet[Any], *, rule: r.Rule, subject: Any, site: Any, client: Any,
          supporter: Any, severity: Any, episode: Any, owner: Any) -> QuerySet[Any]:
    return qs.annotate(
        h_rule=Value(rule.value, output_field=CharField()),
        h_subject=subject, h_site=site, h_client=client, h_supporter=supporter,
        h_severity=severity, h_episode=Coalesce(episode, Value("-"), output_field=CharField()),
        h_owner=owner,
    ).values("h_rule", "h_subject", "h_site", "h_client", "h_supporter", "h_severity",
             "h_episode", "h_owner")


def _none_int() -> Any:
    # A typed NULL: PostgreSQL would otherwise take a bare parameter for text.
    return Cast(Value(None), output_field=BigIntegerField())


# --- rule queries -----------------------------------------------------------------------

def _latest_discharged(field_name: str) -> Subquery:
    return Subquery(HospitalStay.objects.filter(
        client_id=OuterRef("client_id"), discharged_on__isnull=False,
    ).order_by("-discharged_on", "-admitted_on").values(field_name)[:1])


def _matched_in_community() -> QuerySet[Match]:
    """Active matches whose client is out of hospital, with their latest discharge."""
    open_stay = HospitalStay.objects.filter(client_id=OuterRef("client_id"),
                                            discharged_on__isnull=True)
    return (Match.objects.filter(status=Match.Status.ACTIVE)
            .annotate(last_discharge=_latest_discharged("discharged_on"))
            .filter(~Exists(open_stay), last_discharge__isnull=False))


def rule_no_first_contact(c: ScanContext) -> QuerySet[Any]:
    met_since = Contact.objects.filter(client_id=OuterRef("client_id"), outcome=MET,
                                       occurred_at__gte=OuterRef("ref"))
    qs = (_matched_in_community()
          .annotate(ref=Greatest(F("last_discharge"), F("started_on"), output_field=DateField()))
          .filter(ref__lte=c.day_case("site_id", "first_contact_days"))
          .filter(~Exists(met_since)))
    severity = Case(When(ref__lte=c.day_case("site_id", "lapse_urgent_days"),
                         then=Value(r.Severity.URGENT.value)),
                    default=Value(r.Severity.WARNING.value), output_field=CharField())
    return _hits(qs, rule=r.Rule.NO_FIRST_CONTACT, subject=F("client_id"), site=F("site_id"),
                 client=F("client_id"), supporter=F("supporter_id"), severity=severity,
                 episode=_text(F("ref")), owner=F("supporter__user_id"))


def rule_contact_lapse(c: ScanContext) -> QuerySet[Any]:
    last_met = Subquery(Contact.objects.filter(client_id=OuterRef("client_id"), outcome=MET)
                        .order_by("-occurred_at").values("occurred_at")[:1])
    qs = (_matched_in_community()  # type: ignore[misc]  # annotated in _matched_in_community
          .annotate(last_met=last_met)
          .filter(last_met__isnull=False, last_met__gte=F("last_discharge"))
          .filter(last_discharge__gt=c.day_case("site_id", "followup_days"))
          .filter(last_met__lt=c.day_case("site_id", "lapse_warning_days", end_of_day=True)))
    severity = Case(When(last_met__lt=c.day_case("site_id", "lapse_urgent_days", end_of_day=True),
                         then=Value(r.Severity.URGENT.value)),
                    default=Value(r.Severity.WARNING.value), output_field=CharField())
    return _hits(qs, rule=r.Rule.CONTACT_LAPSE, subject=F("client_id"), site=F("site_id"),
                 client=F("client_id"), supporter=F("supporter_id"), severity=severity,
                 episode=_text(F("last_met")), owner=F("supporter__user_id"))


def rule_missed_contacts(c: ScanContext) -> list[QuerySet[Any]]:
    """The last N attempts all missed <=> the N-th newest attempt is newer than the newest
    attempt that was not missed. N is per site, so one query per distinct N."""
    out = []
    groups = c.distinct("missed_in_a_row")
    default_n = c.default.missed_in_a_row
    for n, site_ids in groups.items():
        attempts = Contact.objects.filter(client_id=OuterRef("client_id")).order_by("-occurred_at")
        last_ok = Subquery(attempts.exclude(outcome__in=r.MISSED_OUTCOMES)
                           .values("occurred_at")[:1])
        nth = Subquery(attempts.values("occurred_at")[n - 1:n])
        qs = Match.objects.filter(status=Match.Status.ACTIVE)
        if n == default_n:
            others = [s for v, ids in groups.items() if v != n for s in ids]
            qs = qs.exclude(site_id__in=others) if others else qs
        else:
            qs = qs.filter(site_id__in=site_ids)
        qs = (qs.annotate(last_ok=last_ok, nth=nth)
              .filter(nth__isnull=False)
              .filter(Q(last_ok__isnull=True) | Q(nth__gt=F("last_ok"))))
        out.append(_hits(qs, rule=r.Rule.MISSED_CONTACTS, subject=F("client_id"),
                         site=F("site_id"), client=F("client_id"),
                         supporter=F("supporter_id"),
                         severity=Value(r.Severity.WARNING.value, output_field=CharField()),
                         episode=_text(F("last_ok")), owner=F("supporter__user_id")))
    return out


def rule_readmission(c: ScanContext) -> QuerySet[Any]:
    readmitted = HospitalStay.objects.filter(client_id=OuterRef("client_id"),
                                             discharged_on__isnull=True,
                                             admitted_on__gt=OuterRef("started_on"))
    qs = (Match.objects.filter(status=Match.Status.ACTIVE)
          .annotate(open_stay_id=Subquery(readmitted.values("id")[:1]))
          .filter(open_stay_id__isnull=False))
    return _hits(qs, rule=r.Rule.READMISSION, subject=F("client_id"), site=F("site_id"),
                 client=F("client_id"), supporter=F("supporter_id"),
                 severity=Value(r.Severity.WARNING.value, output_field=CharField()),
                 episode=Cast(F("open_stay_id"), output_field=CharField()), owner=_none_int())


def rule_no_ward_contact(c: ScanContext) -> QuerySet[Any]:
    ward_met = Contact.objects.filter(client_id=OuterRef("client_id"), outcome=MET,
                                      setting="ward", occurred_at__gte=OuterRef("last_admit"))
    qs = (_matched_in_community()  # type: ignore[misc]  # annotated in _matched_in_community
          .annotate(last_admit=_latest_discharged("admitted_on"))
          .filter(started_on__lte=F("last_discharge"))
          .filter(last_discharge__gt=c.day_case("site_id", "ward_contact_lookback_days"))
          .filter(~Exists(ward_met)))
    return _hits(qs, rule=r.Rule.NO_WARD_CONTACT, subject=F("client_id"), site=F("site_id"),
                 client=F("client_id"), supporter=F("supporter_id"),
                 severity=Value(r.Severity.WARNING.value, output_field=CharField()),
                 episode=_text(F("last_discharge")), owner=_none_int())


def rule_under_commitment(c: ScanContext) -> list[QuerySet[Any]]:
    """Per distinct `commitment_weeks`; a supporter's site is that of their oldest match."""
    out = []
    groups = c.distinct("commitment_weeks")
    default_w = c.default.commitment_weeks
    for weeks, site_ids in groups.items():
        starts = r.week_starts(c.today, weeks)
        oldest = starts[-1]
        active = Match.objects.filter(supporter_id=OuterRef("pk"), status=Match.Status.ACTIVE,
                                      started_on__lte=oldest)
        required = Subquery(active.values("supporter_id")
                            .annotate(s=Sum("site__weekly_commitment_minutes")).values("s"))
        site = Subquery(active.order_by("started_on", "id").values("site_id")[:1])
        qs = (SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE)
              .annotate(required=required, h_site_id=site)
              .filter(required__gt=0))
        if weeks == default_w:
            others = [s for v, ids in groups.items() if v != weeks for s in ids]
            qs = qs.exclude(h_site_id__in=others) if others else qs
        else:
            qs = qs.filter(h_site_id__in=site_ids)
        for i, start in enumerate(starts):
            minutes = Subquery(
                Contact.objects.filter(supporter_id=OuterRef("pk"), outcome=MET,
                                       occurred_at__gte=c.midnight(start),
                                       occurred_at__lt=c.midnight(start + dt.timedelta(days=7)))
                .values("supporter_id").annotate(m=Sum("duration_minutes")).values("m"))
            qs = qs.annotate(**{f"w{i}": Coalesce(minutes, Value(0))}).filter(
                **{f"w{i}__lt": F("required")})
        out.append(_hits(qs, rule=r.Rule.UNDER_COMMITMENT, subject=F("pk"), site=F("h_site_id"),
                         client=_none_int(), supporter=F("pk"),
                         severity=Value(r.Severity.WARNING.value, output_field=CharField()),
                         episode=Value(oldest.isoformat(), output_field=CharField()),
                         owner=_none_int()))
    return out


def rule_proposal_pending(c: ScanContext) -> QuerySet[Any]:
    qs = Proposal.objects.filter(
        status=Proposal.Status.PROPOSED,
        created_at__lt=c.day_case("site_id", "proposal_days", end_of_day=True))
    return _hits(qs, rule=r.Rule.PROPOSAL_PENDING, subject=F("enrolment__client_id"),
                 site=F("site_id"), client=F("enrolment__client_id"), supporter=_none_int(),
                 severity=Value(r.Severity.WARNING.value, output_field=CharField()),
                 episode=Cast(F("id"), output_field=CharField()), owner=_none_int())


def rule_waitlist_long(c: ScanContext) -> QuerySet[Any]:
    qs = Enrolment.objects.filter(
        status=EnrolmentStatus.WAITLISTED, waitlisted_since__isnull=False,
        waitlisted_since__lt=c.day_case("site_id", "waitlist_days", end_of_day=True))
    return _hits(qs, rule=r.Rule.WAITLIST_LONG, subject=F("client_id"), site=F("site_id"),
                 client=F("client_id"), supporter=_none_int(),
                 severity=Value(r.Severity.WARNING.value, output_field=CharField()),
                 episode=_text(F("waitlisted_since")), owner=_none_int())


RULE_QUERIES: dict[r.Rule, Callable[[ScanContext], QuerySet[Any] | list[QuerySet[Any]]]] = {
    r.Rule.NO_FIRST_CONTACT: rule_no_first_contact,
    r.Rule.CONTACT_LAPSE: rule_contact_lapse,
    r.Rule.MISSED_CONTACTS: rule_missed_contacts,
    r.Rule.READMISSION: rule_readmission,
    r.Rule.NO_WARD_CONTACT: rule_no_ward_contact,
    r.Rule.UNDER_COMMITMENT: rule_under_commitment,
    r.Rule.PROPOSAL_PENDING: rule_proposal_pending,
    r.Rule.WAITLIST_LONG: rule_waitlist_long,
}
assert set(RULE_QUERIES) == set(r.SCANNED_RULES)  # noqa: S101  # every scanned rule has SQL


# --- running ----------------------------------------------------------------------------

@dataclass
class ScanResult:
    hits: int = 0
    created: int = 0
    resolved: int = 0
    updated: int = 0
    reopened: int = 0
    new_alert_ids: list[int] = field(default_factory=list)


def context_for(today: dt.date | None = None, now: dt.datetime | None = None) -> ScanContext:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    today = today or now.astimezone(tz).date()
    by_site = {t.site_id: t.as_rules() for t in SafetyThresholds.objects.all()}
    return ScanContext(today=today, now=now, tz=tz, by_site=by_site)


def rule_querysets(c: ScanContext) -> list[QuerySet[Any]]:
    out: list[QuerySet[Any]] = []
    for fn in RULE_QUERIES.values():
        got = fn(c)
        out.extend(got if isinstance(got, list) else [got])
    return out


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in_list(values: Iterable[str]) -> str:
    # Rule codes are our own constants (StrEnum members), never user input.
    return ", ".join(f"'{v}'" for v in values)


def _uuid_sql() -> str:
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"  # Django stores UUIDs as 32 hex characters on SQLite


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


LEVEL = ("CASE {col} WHEN 'urgent' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END")


@transaction.atomic
def evaluate(c: ScanContext) -> ScanResult:
    """Recompute every scanned rule and bring the open alerts in line. Idempotent."""
    _lock()
    result = ScanResult()
    hit, alert, log = _table(ScanHit), _table(Alert), _table(AlertLog)
    scanned = _in_list(r.SCANNED_RULES)
    # Adapt values as the ORM would, so that rows written here compare equal to ORM lookups
    # (SQLite stores timestamps as naive UTC text).
    ops = connection.ops
    now = ops.adapt_datetimefield_value(c.now)
    today = ops.adapt_datefield_value(c.today)
    due = {s: ops.adapt_datefield_value(r.due_on(c.today, s)) for s in r.Severity}
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {hit}")  # noqa: S608  # table names from the models
        cols = ", ".join(HIT_COLUMNS)
        for qs in rule_querysets(c):
            sql, params = qs.query.sql_with_params()
            cur.execute(
                f"INSERT INTO {hit} ({cols}) SELECT q.h_rule, q.h_subject, q.h_site, "  # noqa: S608
                f"q.h_client, q.h_supporter, q.h_severity, q.h_episode, q.h_owner FROM ({sql}) q",
                params)
            result.hits += max(cur.rowcount, 0)
        # Snoozes that have run out: the alert is open again.
        cur.execute(f"UPDATE {alert} SET status = 'open', snoozed_until = NULL, updated_at = %s "  # noqa: S608
                    f"WHERE status = 'snoozed' AND snoozed_until < %s", [now, today])
        result.reopened = max(cur.rowcount, 0)
        # Severity changes of alerts that stay open (e.g. a lapse turning urgent).
        for sev in r.Severity:
            cur.execute(
                f"UPDATE {alert} SET severity = %s, due_on = %s, updated_at = %s "  # noqa: S608
                f"WHERE status <> 'resolved' AND rule IN ({scanned}) AND severity <> %s AND "
                f"%s = (SELECT MAX({LEVEL.format(col='h.severity')}) FROM {hit} h "
                f"WHERE h.rule = {alert}.rule AND h.subject_id = {alert}.subject_id)",
                [sev.value, due[sev], now, sev.value,
                 {"urgent": 3, "warning": 2, "info": 1}[sev.value]])
            result.updated += max(cur.rowcount, 0)
        # Conditions that cleared: resolve by themselves.
        cur.execute(
            f"UPDATE {alert} SET status = 'resolved', resolution = 'auto', resolved_at = %s, "  # noqa: S608
            f"updated_at = %s WHERE status <> 'resolved' AND rule IN ({scanned}) AND NOT EXISTS "
            f"(SELECT 1 FROM {hit} h WHERE h.rule = {alert}.rule "
            f"AND h.subject_id = {alert}.subject_id)", [now, now])
        result.resolved = max(cur.rowcount, 0)
        if result.resolved:
            cur.execute(
                f"INSERT INTO {log} (alert_id, at, actor_id, action, note) SELECT id, %s, NULL, "  # noqa: S608
                f"'auto_resolved', '' FROM {alert} WHERE resolution = 'auto' AND resolved_at = %s",
                [now, now])
        # New hits: one alert per rule and subject, unless a person resolved this episode.
        level = LEVEL.format(col="h.severity")
        cur.execute(
            f"INSERT INTO {alert} (public_id, created_at, updated_at, rule, severity, status, "  # noqa: S608
            f"site_id, subject_id, client_id, supporter_id, incident_id, episode, owner_role, "
            f"owner_id, due_on, snoozed_until, escalated_at, facts, last_seen_at, resolved_at, "
            f"resolved_by_id, resolution, resolution_note) "
            f"SELECT {_uuid_sql()}, %s, %s, h.rule, "
            f"CASE MAX({level}) WHEN 3 THEN 'urgent' WHEN 2 THEN 'warning' ELSE 'info' END, "
            f"'open', MIN(h.site_id), h.subject_id, MIN(h.client_id), MIN(h.supporter_id), NULL, "
            f"MIN(h.episode), CASE WHEN MIN(h.owner_id) IS NULL THEN 'coordinator' "
            f"ELSE 'peer_supporter' END, MIN(h.owner_id), "
            f"CASE MAX({level}) WHEN 3 THEN %s WHEN 2 THEN %s ELSE %s END, NULL, NULL, '{{}}', "
            f"%s, NULL, NULL, '', '' FROM {hit} h "
            f"WHERE NOT EXISTS (SELECT 1 FROM {alert} a WHERE a.rule = h.rule "
            f"AND a.subject_id = h.subject_id AND a.status <> 'resolved') "
            f"AND NOT EXISTS (SELECT 1 FROM {alert} a WHERE a.rule = h.rule "
            f"AND a.subject_id = h.subject_id AND a.episode = h.episode "
            f"AND a.resolution = 'manual') "
            f"GROUP BY h.rule, h.subject_id",
            [now, now, due[r.Severity.URGENT], due[r.Severity.WARNING], due[r.Severity.INFO], now])
        result.created = max(cur.rowcount, 0)
        if result.created:
            cur.execute(f"SELECT id FROM {alert} WHERE created_at = %s AND rule IN ({scanned})",  # noqa: S608
                        [now])
            result.new_alert_ids = [row[0] for row in cur.fetchall()]
            cur.execute(
                f"INSERT INTO {log} (alert_id, at, actor_id, action, note) SELECT id, %s, NULL, "  # noqa: S608
                f"'raised', '' FROM {alert} WHERE created_at = %s AND rule IN ({scanned})",
                [now, now])
    return result


def site_ids_of(alert_ids: list[int]) -> list[int]:
    return list(ProgramSite.objects.filter(safety_alerts__id__in=alert_ids)
                .values_list("id", flat=True).distinct())


__all__ = ["ScanContext", "ScanResult", "context_for", "evaluate", "rule_querysets"]
