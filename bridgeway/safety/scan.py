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
import time
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
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr
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


def _text(expr: Any) -> Any:
    """A date or timestamp as text, the same on SQLite and PostgreSQL (first 19 chars)."""
    return Substr(Cast(expr, output_field=CharField()), 1, 19)


# --- rule queries -----------------------------------------------------------------------
#
# Each rule is a RuleSQL: an ORM queryset, plus (for the rules that compare one computed fact
# several times) a WHERE clause and severity over that queryset's columns. The scan wraps it as
# `SELECT ... FROM (<queryset>) q WHERE ...`, so each correlated subquery (a latest discharge,
# a last contact) is written, and evaluated, once per row instead of once per comparison.


@dataclass
class RuleSQL:
    rule: r.Rule
    qs: QuerySet[Any]
    # Outer SELECT over q (8 columns, in HIT_COLUMNS order) and WHERE, with their parameters.
    select: str = ("q.h_rule, q.h_subject, q.h_site, q.h_client, q.h_supporter, q.h_severity, "
                   "q.h_episode, q.h_owner")
    select_params: list[Any] = field(default_factory=list)
    where: str = "1 = 1"
    where_params: list[Any] = field(default_factory=list)
    # Facts queries carry correlated subqueries the database must not copy into the outer
    # query (PostgreSQL pulls simple subqueries up, SQLite flattens them).
    fence: bool = False
    # Other rules over the same facts: one statement, the facts computed once (a CTE).
    also: list[RuleSQL] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "+".join([self.rule.value, *(b.rule.value for b in self.also)])

    def statement(self, table: str, cols: str) -> tuple[str, list[Any]]:
        """`INSERT INTO table (cols) SELECT ...` of this rule's hits (and its companions')."""
        inner, inner_params = self.qs.order_by().query.sql_with_params()
        if not self.also:
            if self.fence:
                inner += (" OFFSET 0" if connection.vendor == "postgresql"
                          else " LIMIT -1 OFFSET 0")
            return (f"INSERT INTO {table} ({cols}) SELECT {self.select} "  # noqa: S608
                    f"FROM ({inner}) q WHERE {self.where}",
                    [*self.select_params, *inner_params, *self.where_params])
        branches = [self, *self.also]
        union = " UNION ALL ".join(f"SELECT {b.select} FROM q WHERE {b.where}"  # noqa: S608
                                   for b in branches)
        params = [*inner_params]
        for b in branches:
            params += [*b.select_params, *b.where_params]
        return f"WITH q AS ({inner}) INSERT INTO {table} ({cols}) {union}", params


def _facts_select(rule: r.Rule, *, subject: str, client: str, supporter: str, severity: str,
                  episode: str, owner: str) -> str:
    return (f"'{rule.value}', {subject}, q.f_site, {client}, {supporter}, {severity}, "
            f"COALESCE({episode}, '-'), {owner}")


def _as_text(sql: str) -> str:
    return f"SUBSTR(CAST({sql} AS VARCHAR(40)), 1, 19)"


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


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


def _latest_discharged(field_name: str) -> Subquery:
    return Subquery(HospitalStay.objects.filter(
        client_id=OuterRef("client_id"), discharged_on__isnull=False,
    ).order_by("-discharged_on", "-admitted_on").values(field_name)[:1])


def _last_met() -> Subquery:
    return Subquery(Contact.objects.filter(client_id=OuterRef("client_id"), outcome=MET)
                    .order_by("-occurred_at").values("occurred_at")[:1])


def _in_community(**facts: Any) -> QuerySet[Any]:
    """Active matches whose client is out of hospital, with named facts selected once."""
    open_stay = HospitalStay.objects.filter(client_id=OuterRef("client_id"),
                                            discharged_on__isnull=True)
    return (Match.objects.filter(status=Match.Status.ACTIVE).filter(~Exists(open_stay))
            .annotate(f_client=F("client_id"), f_site=F("site_id"),
                      f_supporter=F("supporter_id"), f_owner=F("supporter__user_id"),
                      f_started=F("started_on"), **facts)
            .values("f_client", "f_site", "f_supporter", "f_owner", "f_started", *facts))


def _contact_table() -> str:
    return connection.ops.quote_name(Contact._meta.db_table)


def rule_no_first_contact(c: ScanContext) -> RuleSQL:
    ref = _greatest("q.f_ld", "q.f_started")
    first_sql, first_p = c.sql_case("q.f_site", "first_contact_days")
    urgent_sql, urgent_p = c.sql_case("q.f_site", "lapse_urgent_days")
    return RuleSQL(
        r.Rule.NO_FIRST_CONTACT, _community_facts(),
        select=_facts_select(
            r.Rule.NO_FIRST_CONTACT, subject="q.f_client", client="q.f_client",
            supporter="q.f_supporter", owner="q.f_owner", episode=_as_text(ref),
            severity=f"CASE WHEN {ref} <= {urgent_sql} THEN 'urgent' ELSE 'warning' END"),
        select_params=urgent_p,
        # No met contact since the reference day: the last met contact is older (or none).
        where=(f"q.f_ld IS NOT NULL AND {ref} <= {first_sql} "
               f"AND (q.f_lm IS NULL OR q.f_lm < {ref})"),
        where_params=first_p, fence=True)


def rule_contact_lapse(c: ScanContext) -> RuleSQL:
    follow_sql, follow_p = c.sql_case("q.f_site", "followup_days")
    warn_sql, warn_p = c.sql_case("q.f_site", "lapse_warning_days", end_of_day=True)
    urgent_sql, urgent_p = c.sql_case("q.f_site", "lapse_urgent_days", end_of_day=True)
    return RuleSQL(
        r.Rule.CONTACT_LAPSE, _community_facts(),
        select=_facts_select(
            r.Rule.CONTACT_LAPSE, subject="q.f_client", client="q.f_client",
            supporter="q.f_supporter", owner="q.f_owner", episode=_as_text("q.f_lm"),
            severity=f"CASE WHEN q.f_lm < {urgent_sql} THEN 'urgent' ELSE 'warning' END"),
        select_params=urgent_p,
        where=(f"q.f_ld IS NOT NULL AND q.f_lm IS NOT NULL AND q.f_lm >= q.f_ld "
               f"AND q.f_ld > {follow_sql} AND q.f_lm < {warn_sql}"),
        where_params=[*follow_p, *warn_p], fence=True)


def rule_no_ward_contact(c: ScanContext) -> RuleSQL:
    look_sql, look_p = c.sql_case("q.f_site", "ward_contact_lookback_days")
    contact = _contact_table()
    return RuleSQL(
        r.Rule.NO_WARD_CONTACT, _community_facts(),
        select=_facts_select(
            r.Rule.NO_WARD_CONTACT, subject="q.f_client", client="q.f_client",
            supporter="q.f_supporter", owner="NULL", episode=_as_text("q.f_ld"),
            severity="'warning'"),
        where=(f"q.f_ld IS NOT NULL AND q.f_started <= q.f_ld AND q.f_ld > {look_sql} "  # noqa: S608  # our fragments; values are parameters
               f"AND NOT EXISTS (SELECT 1 FROM {contact} c WHERE c.client_id = q.f_client "
               f"AND c.outcome = 'met' AND c.setting = 'ward' AND c.occurred_at >= q.f_la)"),
        where_params=look_p, fence=True)


def _community_facts() -> QuerySet[Any]:
    """Per active match of a client out of hospital: latest discharge and its admission,
    last met contact. Shared by the three rules about life after discharge."""
    return _in_community(f_ld=_latest_discharged("discharged_on"),
                         f_la=_latest_discharged("admitted_on"), f_lm=_last_met())


def rule_after_discharge(c: ScanContext) -> RuleSQL:
    """The three rules over the same facts, as one statement (the facts computed once)."""
    first = rule_no_first_contact(c)
    first.also = [rule_contact_lapse(c), rule_no_ward_contact(c)]
    return first


def _site_groups(c: ScanContext, name: str, qs: QuerySet[Any], site_field: str
                 ) -> list[tuple[int, QuerySet[Any]]]:
    """One queryset per distinct value of a threshold that changes the query's shape."""
    groups = c.distinct(name)
    default = int(getattr(c.default, name))
    out = []
    for value, site_ids in groups.items():
        if value == default:
            others = [s for v, ids in groups.items() if v != value for s in ids]
            out.append((value, qs.exclude(**{f"{site_field}__in": others}) if others else qs))
        else:
            out.append((value, qs.filter(**{f"{site_field}__in": site_ids})))
    return out


def rule_missed_contacts(c: ScanContext) -> list[RuleSQL]:
    """The last N attempts all missed <=> the N-th newest attempt is newer than the newest
    attempt that was not missed. N is per site, so one query per distinct N."""
    out = []
    base = Match.objects.filter(status=Match.Status.ACTIVE)
    for n, qs in _site_groups(c, "missed_in_a_row", base, "site_id"):
        attempts = Contact.objects.filter(client_id=OuterRef("client_id")).order_by("-occurred_at")
        facts = (qs.annotate(
            f_client=F("client_id"), f_site=F("site_id"), f_supporter=F("supporter_id"),
            f_owner=F("supporter__user_id"),
            f_ok=Subquery(attempts.exclude(outcome__in=r.MISSED_OUTCOMES)
                          .values("occurred_at")[:1]),
            f_nth=Subquery(attempts.values("occurred_at")[n - 1:n]))
            .values("f_client", "f_site", "f_supporter", "f_owner", "f_ok", "f_nth"))
        out.append(RuleSQL(
            r.Rule.MISSED_CONTACTS, facts,
            select=_facts_select(r.Rule.MISSED_CONTACTS, subject="q.f_client",
                                 client="q.f_client", supporter="q.f_supporter",
                                 owner="q.f_owner", episode=_as_text("q.f_ok"),
                                 severity="'warning'"),
            where="q.f_nth IS NOT NULL AND (q.f_ok IS NULL OR q.f_nth > q.f_ok)", fence=True))
    return out


def rule_readmission(c: ScanContext) -> RuleSQL:
    readmitted = HospitalStay.objects.filter(client_id=OuterRef("client_id"),
                                             discharged_on__isnull=True,
                                             admitted_on__gt=OuterRef("started_on"))
    # Filter with a semi-join first; the stay id (the episode) is looked up for hits only.
    qs = (Match.objects.filter(status=Match.Status.ACTIVE).filter(Exists(readmitted))
          .annotate(open_stay_id=Subquery(readmitted.values("id")[:1])))
    return RuleSQL(r.Rule.READMISSION, _hits(
        qs, rule=r.Rule.READMISSION, subject=F("client_id"), site=F("site_id"),
        client=F("client_id"), supporter=F("supporter_id"),
        severity=Value(r.Severity.WARNING.value, output_field=CharField()),
        episode=Cast(F("open_stay_id"), output_field=CharField()), owner=_none_int()))


def rule_under_commitment(c: ScanContext) -> list[RuleSQL]:
    """Per distinct `commitment_weeks`; a supporter's site is that of their oldest match.

    The weekly minutes come from one LEFT JOIN of the supporter's met contacts in the whole
    window (FilteredRelation), summed per week with FILTER, grouped by supporter."""
    out = []
    groups = c.distinct("commitment_weeks")
    default_w = c.default.commitment_weeks
    for weeks, site_ids in groups.items():
        starts = r.week_starts(c.today, weeks)
        oldest = starts[-1]
        end = c.midnight(starts[0] + dt.timedelta(days=7))
        active = Match.objects.filter(supporter_id=OuterRef("pk"), status=Match.Status.ACTIVE,
                                      started_on__lte=oldest)
        required = Subquery(active.values("supporter_id")
                            .annotate(s=Sum("site__weekly_commitment_minutes")).values("s"))
        site = Subquery(active.order_by("started_on", "id").values("site_id")[:1])
        recent = FilteredRelation("contacts", condition=Q(
            contacts__outcome=MET, contacts__occurred_at__gte=c.midnight(oldest),
            contacts__occurred_at__lt=end))
        minutes = {
            f"f_w{i}": Sum("recent__duration_minutes", filter=Q(
                recent__occurred_at__gte=c.midnight(start),
                recent__occurred_at__lt=c.midnight(start + dt.timedelta(days=7))))
            for i, start in enumerate(starts)}
        qs = (SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE)
              .annotate(recent=recent).values("pk").annotate(**minutes)
              .annotate(f_req=required, f_site=site, f_supporter=F("pk")))
        if weeks == default_w:
            others = [s for v, ids in groups.items() if v != weeks for s in ids]
            qs = qs.exclude(f_site__in=others) if others else qs
        else:
            qs = qs.filter(f_site__in=site_ids)
        under = " AND ".join(f"COALESCE(q.{n}, 0) < q.f_req" for n in minutes)
        out.append(RuleSQL(
            r.Rule.UNDER_COMMITMENT, qs.values("f_supporter", "f_site", "f_req", *minutes),
            select=_facts_select(r.Rule.UNDER_COMMITMENT, subject="q.f_supporter",
                                 client="NULL", supporter="q.f_supporter", owner="NULL",
                                 episode=f"'{oldest.isoformat()}'", severity="'warning'"),
            where=f"q.f_req IS NOT NULL AND q.f_req > 0 AND {under}", fence=True))
    return out


def rule_proposal_pending(c: ScanContext) -> RuleSQL:
    qs = Proposal.objects.filter(
        status=Proposal.Status.PROPOSED,
        created_at__lt=c.day_case("site_id", "proposal_days", end_of_day=True))
    return RuleSQL(r.Rule.PROPOSAL_PENDING, _hits(
        qs, rule=r.Rule.PROPOSAL_PENDING, subject=F("enrolment__client_id"),
        site=F("site_id"), client=F("enrolment__client_id"), supporter=_none_int(),
        severity=Value(r.Severity.WARNING.value, output_field=CharField()),
        episode=Cast(F("id"), output_field=CharField()), owner=_none_int()))


def rule_waitlist_long(c: ScanContext) -> RuleSQL:
    qs = Enrolment.objects.filter(
        status=EnrolmentStatus.WAITLISTED, waitlisted_since__isnull=False,
        waitlisted_since__lt=c.day_case("site_id", "waitlist_days", end_of_day=True))
    return RuleSQL(r.Rule.WAITLIST_LONG, _hits(
        qs, rule=r.Rule.WAITLIST_LONG, subject=F("client_id"), site=F("site_id"),
        client=F("client_id"), supporter=_none_int(),
        severity=Value(r.Severity.WARNING.value, output_field=CharField()),
        episode=_text(F("waitlisted_since")), owner=_none_int()))


# The statements of one scan. The three rules about life after discharge share one.
RULE_QUERIES: list[Callable[[ScanContext], RuleSQL | list[RuleSQL]]] = [
    rule_after_discharge,  # no_first_contact, contact_lapse, no_ward_contact
    rule_missed_contacts,
    rule_readmission,
    rule_under_commitment,
    rule_proposal_pending,
    rule_waitlist_long,
]
COVERED = {r.Rule.NO_FIRST_CONTACT, r.Rule.CONTACT_LAPSE, r.Rule.NO_WARD_CONTACT,
           r.Rule.MISSED_CONTACTS, r.Rule.READMISSION, r.Rule.UNDER_COMMITMENT,
           r.Rule.PROPOSAL_PENDING, r.Rule.WAITLIST_LONG}
assert set(r.SCANNED_RULES) == COVERED  # noqa: S101  # every scanned rule has SQL


# --- running ----------------------------------------------------------------------------

@dataclass
class ScanResult:
    hits: int = 0
    created: int = 0
    resolved: int = 0
    updated: int = 0
    reopened: int = 0
    new_alert_ids: list[int] = field(default_factory=list)
    # Seconds per step (rule queries by name, then the diff), for benchmarks and logs.
    timings: dict[str, float] = field(default_factory=dict)


def context_for(today: dt.date | None = None, now: dt.datetime | None = None) -> ScanContext:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    today = today or now.astimezone(tz).date()
    by_site = {t.site_id: t.as_rules() for t in SafetyThresholds.objects.all()}
    return ScanContext(today=today, now=now, tz=tz, by_site=by_site)


def rule_queries(c: ScanContext) -> list[RuleSQL]:
    out: list[RuleSQL] = []
    for fn in RULE_QUERIES:
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
        for rule_sql in rule_queries(c):
            started = time.perf_counter()
            name = rule_sql.name
            sql, params = rule_sql.statement(hit, cols)
            cur.execute(sql, params)
            result.timings[name] = result.timings.get(name, 0.0) + time.perf_counter() - started
        started = time.perf_counter()
        # (rowcount is not reliable for INSERT with a CTE on SQLite: count the staged rows.)
        cur.execute(f"SELECT COUNT(*) FROM {hit}")  # noqa: S608
        result.hits = int(cur.fetchone()[0])
        if connection.vendor == "postgresql":
            # The staging table's statistics are those of the last scan (or none): refresh
            # them so the diff below is planned for the rows actually staged.
            cur.execute(f"ANALYZE {hit}")
        # Snoozes that have run out: the alert is open again.
        cur.execute(f"UPDATE {alert} SET status = 'open', snoozed_until = NULL, updated_at = %s "  # noqa: S608
                    f"WHERE status = 'snoozed' AND snoozed_until < %s", [now, today])
        result.reopened = max(cur.rowcount, 0)
        # Severity changes of alerts that stay open (e.g. a lapse turning urgent): one
        # UPDATE ... FROM over the hits grouped per subject (PostgreSQL; SQLite >= 3.33).
        level = LEVEL.format(col="h.severity")
        cur.execute(
            f"UPDATE {alert} SET severity = x.sev, updated_at = %s, due_on = CASE x.sev "  # noqa: S608
            f"WHEN 'urgent' THEN %s WHEN 'warning' THEN %s ELSE %s END "
            f"FROM (SELECT h.rule AS rule, h.subject_id AS subject_id, CASE MAX({level}) "
            f"WHEN 3 THEN 'urgent' WHEN 2 THEN 'warning' ELSE 'info' END AS sev "
            f"FROM {hit} h GROUP BY h.rule, h.subject_id) x "
            f"WHERE {alert}.rule = x.rule AND {alert}.subject_id = x.subject_id "
            f"AND {alert}.status <> 'resolved' AND {alert}.severity <> x.sev",
            [now, due[r.Severity.URGENT], due[r.Severity.WARNING], due[r.Severity.INFO]])
        result.updated = max(cur.rowcount, 0)
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
    result.timings["diff"] = time.perf_counter() - started
    return result


def site_ids_of(alert_ids: list[int]) -> list[int]:
    return list(ProgramSite.objects.filter(safety_alerts__id__in=alert_ids)
                .values_list("id", flat=True).distinct())


__all__ = ["ScanContext", "ScanResult", "context_for", "evaluate", "rule_queries"]
