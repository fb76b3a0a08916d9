"""Enrolments and matches with their real dates: the program's own history.

An evaluation compares the clients referred during their index stay with usual care
(decision 0009), so a program that starts on Bridgeway brings the referrals it made before.
An enrolment row carries the dates its client passed each step (referred, consented,
waitlisted, matched, active in the community, ended); the import writes the enrolment with
its last status and one status-history row per dated step, as the services would have
written them at the time. A match row names its enrolment and its peer supporter.

Like stays, these are history written in bulk: no notices, alerts or capacity checks of the
live flow (a match that ended in 2021 must not announce itself today). The rules the services
keep are checked over the whole file instead: one open enrolment per client and site, dates
in order, a match inside its enrolment and no two matches of one enrolment at once, the
supporter serving the enrolment's site.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from bridgeway.clients.models import (
    CLOSED_STATUSES,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    HospitalStay,
    Match,
)
from bridgeway.supporters.models import SupporterProfile

from ..rows import Column, Row, RowError
from ..staging import KEYS, Counts, Stage, Target, key_join, merge
from .base import KEY, Context, Kind, duplicate_keys, unknown_refs
from .history import CLIENT_KEY, UNKNOWN_CLIENT

ENROLMENTS = Enrolment._meta.db_table
HISTORY = EnrolmentStatusChange._meta.db_table
MATCHES = Match._meta.db_table
SERVES = SupporterProfile.sites.through._meta.db_table
STAYS = HospitalStay._meta.db_table

# The steps an enrolment passes, in order, each with the column holding its date.
STEPS = (("referred", "referred_on"), ("consented", "consented_on"),
         ("waitlisted", "waitlisted_on"), ("matched", "matched_on"), ("active", "active_on"))
STATUSES = {**{s.value: s.value for s in EnrolmentStatus}, "refere": "referred",
            "consenti": "consented", "en_attente": "waitlisted", "jumele": "matched",
            "actif": "active", "en_pause": "on_hold", "termine": "finished",
            "retire": "withdrawn", "refuse": "declined"}
END_REASONS = {r.value: r.value for r in Match.EndReason}
# The staged instant of each step (noon on its day, local time).
STAGED = tuple(f"{column[:-3]}_at" for _status, column in STEPS)
IMPORT_REASON = "import"


def _noon(day: date | None) -> datetime | None:
    """A step known only by its day is placed at noon, local time: the day an evaluation reads
    back (outcomes.data turns instants into local days) is the day the file gave."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(12)))


def parse_enrolment(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    client_key = row.text("client_key", required=True, max_length=64)
    site = row.lookup("site", ctx.sites, gettext_noop("Unknown program site code."))
    status = row.choice("status", STATUSES)
    if not status:
        row.error("status", gettext_noop("A value is required."))
    days = {column: row.date(column, required=column == "referred_on") for _s, column in STEPS}
    ended = row.date("ended_on", required=False)
    previous: tuple[str, date] | None = None
    for column, day in [*days.items(), ("ended_on", ended)]:
        if day is None:
            continue
        if day > ctx.today:
            row.error(column, gettext_noop("This date is in the future."))
        if previous and day < previous[1]:
            row.error(column, gettext_noop("Earlier than %(column)s (%(date)s)."),
                      {"column": previous[0], "date": previous[1].isoformat()})
        previous = (column, day)
    closed = status in CLOSED_STATUSES
    if closed and ended is None:
        row.error("ended_on", gettext_noop("A finished, withdrawn or declined enrolment needs "
                                           "the day it ended."))
    if status and not closed and ended is not None:
        row.error("ended_on", gettext_noop("Only a finished, withdrawn or declined enrolment "
                                           "has an end date."))
    own_date = dict(STEPS).get(status)
    if own_date and days[own_date] is None:
        row.error(own_date, gettext_noop("The day the enrolment reached its status is required."))
    intensity = row.choice("support_intensity", {i.value: i.value for i in Enrolment.Intensity},
                           default=Enrolment.Intensity.STANDARD)
    last = ended or next((d for d in reversed(list(days.values())) if d), None)
    waitlisted = days["waitlisted_on"] if status == EnrolmentStatus.WAITLISTED else None
    return (client_key, site, status, days["referred_on"], _noon(last), _noon(waitlisted),
            intensity, *(_noon(days[c]) for _s, c in STEPS), _noon(ended))


def check_enrolments(stage: Stage, ctx: Context) -> list[RowError]:
    errors = duplicate_keys(stage, ctx)
    errors += unknown_refs(stage, ctx, column="client_key", kind="clients",
                           reason=UNKNOWN_CLIENT)
    closed = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
    # One open enrolment per client and site: in the file, and beside those already recorded
    # (less the one a row replaces).
    rows = stage.query(
        f"SELECT s.line, s.site_id FROM {{stage}} s "  # noqa: S608  # nosec B608 — table names from the models, values are parameters
        f"JOIN {KEYS} kc ON {key_join('kc', 'clients', 's.client_key')} "
        f"LEFT JOIN {KEYS} ke ON {key_join('ke', 'enrolments', 's.key')} "
        f"WHERE s.status NOT IN ({closed}) AND (EXISTS (SELECT 1 FROM {{stage}} o "
        f"JOIN {KEYS} ko ON {key_join('ko', 'clients', 'o.client_key')} "
        f"WHERE ko.object_id = kc.object_id AND o.site_id = s.site_id AND o.line < s.line "
        f"AND o.status NOT IN ({closed})) OR EXISTS (SELECT 1 FROM {ENROLMENTS} e "
        f"WHERE e.client_id = kc.object_id AND e.site_id = s.site_id "
        f"AND e.status NOT IN ({closed}) AND (ke.object_id IS NULL OR e.id <> ke.object_id) "
        f"AND e.id NOT IN (SELECT k2.object_id FROM {{stage}} s2 JOIN {KEYS} k2 "
        f"ON {key_join('k2', 'enrolments', 's2.key')}))) ORDER BY s.line",
        [ctx.source] * 4)
    reason = ctx.t(gettext_noop("This client already has an open enrolment at this site."))
    return errors + [RowError(line, "status", "", reason) for line, _site in rows]


ENROLMENT_TARGET = Target(
    model=Enrolment, kind="enrolments",
    fields={"client_id": "kc.object_id", "site_id": "s.site_id", "status": "s.status",
            "status_changed_at": "s.changed_at", "referred_on": "s.referred_on",
            "waitlisted_since": "s.waiting_since", "support_intensity": "s.intensity",
            # The stay the client was in on the day of referral, if the stays are known.
            "stay_id": f"(SELECT h.id FROM {STAYS} h WHERE h.client_id = kc.object_id "  # noqa: S608  # nosec B608 — table name from the model
                       "AND h.admitted_on <= s.referred_on AND (h.discharged_on IS NULL OR "
                       "h.discharged_on >= s.referred_on) ORDER BY h.admitted_on DESC LIMIT 1)"},
    joins=f"JOIN {KEYS} kc ON {key_join('kc', 'clients', 's.client_key')}", join_sources=1)


def _latest_before(i: int) -> str:
    """SQL naming the last step before step `i` that the row dated ('' before the first)."""
    whens = " ".join(f"WHEN s.{STAGED[j]} IS NOT NULL THEN '{STEPS[j][0]}'"
                     for j in reversed(range(i)))
    return f"CASE {whens} ELSE '' END" if whens else "''"


def write_enrolments(stage: Stage, ctx: Context) -> Counts:
    counts = merge(stage, ENROLMENT_TARGET, source=ctx.source, now=ctx.now)
    # The status history the file describes replaces what an earlier import of it wrote
    # (never a change a person made since: those have an actor or another reason).
    mine = (f"SELECT k.object_id FROM {{stage}} s JOIN {KEYS} k "  # noqa: S608  # nosec B608 — table names from the models
            f"ON {key_join('k', 'enrolments', 's.key')}")
    stage.execute(f"DELETE FROM {HISTORY} WHERE actor_id IS NULL AND reason = %s "  # noqa: S608  # nosec B608 — table names from the models
                  f"AND enrolment_id IN ({mine})", [IMPORT_REASON, ctx.source])
    # One row per dated step, then the end; each comes from the last step dated before it.
    moves = [(f"'{status}'", STAGED[i], _latest_before(i)) for i, (status, _c) in enumerate(STEPS)]
    moves.append(("s.status", "ended_at", _latest_before(len(STEPS))))
    for to_status, at, came_from in moves:
        stage.execute(
            f"INSERT INTO {HISTORY} (enrolment_id, from_status, to_status, changed_at, "  # noqa: S608  # nosec B608 — table and column names from the models and layouts
            f"reason) SELECT k.object_id, {came_from}, {to_status}, s.{at}, %s FROM {{stage}} s "
            f"JOIN {KEYS} k ON {key_join('k', 'enrolments', 's.key')} "
            f"WHERE s.{at} IS NOT NULL", [IMPORT_REASON, ctx.source])
    return counts


ENROLMENTS_KIND = Kind(
    name="enrolments", label=gettext_lazy("Enrolments"),
    columns=(KEY, CLIENT_KEY, Column("site", "site", note="the program site's code"),
             Column("status", "statut", note="referred, consented, waitlisted, matched, active, "
                    "on_hold, finished, withdrawn, declined"),
             Column("referred_on", "date_reference", note="YYYY-MM-DD"),
             *(Column(column, f"date_{status}", required=False, note="YYYY-MM-DD")
               for status, column in STEPS[1:]),
             Column("ended_on", "date_fin", required=False,
                    note="YYYY-MM-DD; required for finished, withdrawn and declined"),
             Column("support_intensity", "intensite", required=False,
                    note="standard or intensive (default standard)")),
    staging=(("client_key", "text"), ("site_id", "int"), ("status", "text"),
             ("referred_on", "date"), ("changed_at", "datetime"), ("waiting_since", "datetime"),
             ("intensity", "text"), *((name, "datetime") for name in STAGED),
             ("ended_at", "datetime")),
    parse=parse_enrolment, check=check_enrolments, write=write_enrolments)


def parse_match(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    enrolment_key = row.text("enrolment_key", required=True, max_length=64)
    supporter = row.lookup("supporter", ctx.supporters, gettext_noop(
        "No peer supporter with this key (from this source) or username."))
    started = row.date("started_on")
    ended = row.date("ended_on", required=False)
    for column, day in (("started_on", started), ("ended_on", ended)):
        if day and day > ctx.today:
            row.error(column, gettext_noop("This date is in the future."))
    if started and ended and ended < started:
        row.error("ended_on", gettext_noop("Ends before it starts."))
    reason = row.choice("end_reason", END_REASONS)
    if ended and not reason:
        row.error("end_reason", gettext_noop("An ended match needs its reason."))
    if reason and not ended:
        row.error("end_reason", gettext_noop("A reason needs an end date."))
    return (enrolment_key, supporter, started, ended, reason)


_ENROLMENT = (f"JOIN {KEYS} ke ON {key_join('ke', 'enrolments', 's.enrolment_key')} "
              f"JOIN {ENROLMENTS} e ON e.id = ke.object_id")


def check_matches(stage: Stage, ctx: Context) -> list[RowError]:
    errors = duplicate_keys(stage, ctx)
    errors += unknown_refs(stage, ctx, column="enrolment_key", kind="enrolments", reason=gettext_noop(
        "No enrolment with this key has been imported from this source."))
    rows = stage.query(f"SELECT s.line, s.started_on FROM {{stage}} s {_ENROLMENT} "  # noqa: S608  # nosec B608 — table names from the models
                       "WHERE s.started_on < e.referred_on ORDER BY s.line", [ctx.source])
    text = ctx.t(gettext_noop("A match cannot start before its client was referred."))
    errors += [RowError(line, "started_on", str(day), text) for line, day in rows]
    rows = stage.query(f"SELECT s.line, s.supporter_id FROM {{stage}} s {_ENROLMENT} "  # noqa: S608  # nosec B608 — table names from the models
                       f"WHERE NOT EXISTS (SELECT 1 FROM {SERVES} v WHERE "
                       "v.supporterprofile_id = s.supporter_id AND v.programsite_id = e.site_id) "
                       "ORDER BY s.line", [ctx.source])
    text = ctx.t(gettext_noop("This peer supporter does not serve the enrolment's site."))
    errors += [RowError(line, "supporter", "", text) for line, _s in rows]
    return errors + _match_overlaps(stage, ctx)


def _match_overlaps(stage: Stage, ctx: Context) -> list[RowError]:
    """Matches of one enrolment (in the file, and recorded ones the file does not replace),
    by start: each begins on or after the previous one ended."""
    rows = stage.query(
        f"WITH f AS (SELECT ke.object_id AS enrolment_id, s.started_on, s.ended_on, s.line, "  # noqa: S608  # nosec B608 — table names from the models, values are parameters
        f"km.object_id AS replaces FROM {{stage}} s "
        f"JOIN {KEYS} ke ON {key_join('ke', 'enrolments', 's.enrolment_key')} "
        f"LEFT JOIN {KEYS} km ON {key_join('km', 'matches', 's.key')}), "
        f"a AS (SELECT enrolment_id, started_on, ended_on, line FROM f UNION ALL "
        f"SELECT m.enrolment_id, m.started_on, m.ended_on, 0 FROM {MATCHES} m "
        f"WHERE m.enrolment_id IN (SELECT enrolment_id FROM f) "
        f"AND NOT EXISTS (SELECT 1 FROM f WHERE f.replaces = m.id)), "
        f"o AS (SELECT line, LAG(ended_on) OVER w AS prev_out, LAG(line) OVER w AS prev_line, "
        f"started_on, ROW_NUMBER() OVER w AS n FROM a "
        f"WINDOW w AS (PARTITION BY enrolment_id ORDER BY started_on, line)) "
        f"SELECT line, prev_line FROM o WHERE n > 1 AND line > 0 "
        f"AND (prev_out IS NULL OR started_on < prev_out) ORDER BY line", [ctx.source] * 2)
    text = ctx.t(gettext_noop("Overlaps another match of the same enrolment (line %(line)s; 0: "
                              "already recorded)."))
    return [RowError(line, "started_on", "", text % {"line": prev}) for line, prev in rows]


MATCH_TARGET = Target(
    model=Match, kind="matches",
    fields={"enrolment_id": "e.id", "client_id": "e.client_id", "site_id": "e.site_id",
            "supporter_id": "s.supporter_id", "started_on": "s.started_on",
            "ended_on": "s.ended_on", "end_reason": "s.end_reason",
            "status": f"CASE WHEN s.ended_on IS NULL THEN '{Match.Status.ACTIVE.value}' "
                      f"ELSE '{Match.Status.ENDED.value}' END"},
    joins=_ENROLMENT, join_sources=1)


def write_matches(stage: Stage, ctx: Context) -> Counts:
    return merge(stage, MATCH_TARGET, source=ctx.source, now=ctx.now)


MATCHES_KIND = Kind(
    name="matches", label=gettext_lazy("Matches"),
    columns=(KEY, Column("enrolment_key", "cle_inscription",
                         note="the enrolment's key in the enrolments file"),
             Column("supporter", "pair_aidant",
                    note="the supporter's key in the supporters file, or their username"),
             Column("started_on", "date_debut", note="YYYY-MM-DD"),
             Column("ended_on", "date_fin", required=False, note="YYYY-MM-DD; empty if active"),
             Column("end_reason", "motif_fin", required=False,
                    note="with an end date: " + ", ".join(END_REASONS))),
    staging=(("enrolment_key", "text"), ("supporter_id", "int"), ("started_on", "date"),
             ("ended_on", "date"), ("end_reason", "text")),
    parse=parse_match, check=check_matches, write=write_matches)
