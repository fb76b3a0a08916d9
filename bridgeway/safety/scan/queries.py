"""Each scanned rule as SQL: an ORM queryset of (rule, subject) hits, wrapped by RuleSQL into
one `INSERT INTO <staging> SELECT ...` statement. What each rule means is in rules.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Substr

from bridgeway.clients.models import Enrolment, EnrolmentStatus, HospitalStay, Match
from bridgeway.contacts.models import Contact
from bridgeway.matching.models import Proposal
from bridgeway.supporters.models import SupporterProfile

from .. import rules as r
from .context import ScanContext

MET = "met"


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
            return (f"INSERT INTO {table} ({cols}) SELECT {self.select} "  # noqa: S608  # nosec B608 — our SQL fragments; every value is a parameter
                    f"FROM ({inner}) q WHERE {self.where}",
                    [*self.select_params, *inner_params, *self.where_params])
        branches = [self, *self.also]
        union = " UNION ALL ".join(f"SELECT {b.select} FROM q WHERE {b.where}"  # noqa: S608  # nosec B608 — our SQL fragments; every value is a parameter
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
        where=(f"q.f_ld IS NOT NULL AND q.f_started <= q.f_ld AND q.f_ld > {look_sql} "  # noqa: S608  # nosec B608 — our SQL fragments; every value is a parameter
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
    # rules.readmitted: admitted on a later day than the match start, or on that day after a
    # discharge that day (stays carry days, not times).
    discharged_on_start = HospitalStay.objects.filter(
        client_id=OuterRef(OuterRef("client_id")), discharged_on=OuterRef(OuterRef("started_on")))
    readmitted = HospitalStay.objects.filter(
        Q(admitted_on__gt=OuterRef("started_on"))
        | (Q(admitted_on=OuterRef("started_on")) & Exists(discharged_on_start)),
        client_id=OuterRef("client_id"), discharged_on__isnull=True)
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
assert set(r.SCANNED_RULES) == COVERED  # noqa: S101  # nosec B101 — fail at import if a scanned rule has no SQL


def rule_queries(c: ScanContext) -> list[RuleSQL]:
    out: list[RuleSQL] = []
    for fn in RULE_QUERIES:
        got = fn(c)
        out.extend(got if isinstance(got, list) else [got])
    return out
