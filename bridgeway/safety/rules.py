"""Safety-net rule definitions and thresholds: plain Python, no Django import.

The scan (scan.py) turns each rule into one set-based database query; this module says what
each rule means, what its thresholds are by default, and how the day boundaries fall, so the
meaning can be read, tested and changed in one place.

Day arithmetic: `cutoff(today, n)` is the last day that counts as "n or more days ago". A rule
with threshold 7 fires on the 7th day after its reference date (day 6: no alert; day 7 and 8:
alert).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"


class Rule(StrEnum):
    # Raised by the scan; they resolve themselves when the condition clears.
    NO_FIRST_CONTACT = "no_first_contact"
    CONTACT_LAPSE = "contact_lapse"
    MISSED_CONTACTS = "missed_contacts"
    READMISSION = "readmission"
    NO_WARD_CONTACT = "no_ward_contact"
    UNDER_COMMITMENT = "under_commitment"
    PROPOSAL_PENDING = "proposal_pending"
    WAITLIST_LONG = "waitlist_long"
    # Raised by people's actions; a person resolves them.
    INCIDENT = "incident"
    TALK_REQUESTED = "talk_requested"
    BREAK_REQUESTED = "break_requested"
    CONSENT_WITHDRAWN = "consent_withdrawn"


class Subject(StrEnum):
    CLIENT = "client"
    SUPPORTER = "supporter"
    INCIDENT = "incident"


class OwnerRole(StrEnum):
    SUPPORTER = "peer_supporter"
    COORDINATOR = "coordinator"
    SITE_LEAD = "site_lead"


@dataclass(frozen=True)
class RuleSpec:
    rule: Rule
    subject: Subject
    owner: OwnerRole
    scanned: bool
    # Consent category a matched supporter needs to see this alert ("" = none needed).
    supporter_needs: str = ""
    # Whether a matched supporter sees it at all (client rules about their own client).
    supporter_sees: bool = False
    description: str = ""


SPECS: dict[Rule, RuleSpec] = {
    Rule.NO_FIRST_CONTACT: RuleSpec(
        Rule.NO_FIRST_CONTACT, Subject.CLIENT, OwnerRole.SUPPORTER, True, supporter_sees=True,
        description="A matched client has had no contact that took place (outcome met) in the "
        "first_contact_days days after discharge (or after the match began, if later)."),
    Rule.CONTACT_LAPSE: RuleSpec(
        Rule.CONTACT_LAPSE, Subject.CLIENT, OwnerRole.SUPPORTER, True, supporter_sees=True,
        description="During the first followup_days after discharge, a matched client in the "
        "community had their last met contact lapse_warning_days ago (warning) or "
        "lapse_urgent_days ago (urgent)."),
    Rule.MISSED_CONTACTS: RuleSpec(
        Rule.MISSED_CONTACTS, Subject.CLIENT, OwnerRole.SUPPORTER, True, supporter_sees=True,
        description="The last missed_in_a_row contact attempts with a matched client were all "
        "'did not show' or 'could not reach'."),
    Rule.READMISSION: RuleSpec(
        Rule.READMISSION, Subject.CLIENT, OwnerRole.COORDINATOR, True, supporter_sees=True,
        supporter_needs="stay_status",
        description="A matched client was admitted to hospital after the match began (a later "
        "day, or the day it began after a discharge that day) and is still in hospital."),
    Rule.NO_WARD_CONTACT: RuleSpec(
        Rule.NO_WARD_CONTACT, Subject.CLIENT, OwnerRole.COORDINATOR, True,
        description="A client matched before discharge was discharged (in the last "
        "ward_contact_lookback_days) without a met contact on the ward during the stay."),
    Rule.UNDER_COMMITMENT: RuleSpec(
        Rule.UNDER_COMMITMENT, Subject.SUPPORTER, OwnerRole.COORDINATOR, True,
        description="An active peer supporter's met-contact minutes were under the site's weekly "
        "commitment times their active clients in each of the last commitment_weeks complete "
        "weeks (Monday to Sunday)."),
    Rule.PROPOSAL_PENDING: RuleSpec(
        Rule.PROPOSAL_PENDING, Subject.CLIENT, OwnerRole.COORDINATOR, True,
        description="A matching proposal has waited proposal_days days or more for approval."),
    Rule.WAITLIST_LONG: RuleSpec(
        Rule.WAITLIST_LONG, Subject.CLIENT, OwnerRole.COORDINATOR, True,
        description="A client has been on the waitlist for waitlist_days days or more."),
    Rule.INCIDENT: RuleSpec(Rule.INCIDENT, Subject.INCIDENT, OwnerRole.COORDINATOR, False,
                            description="A peer supporter reported a safety incident."),
    Rule.TALK_REQUESTED: RuleSpec(Rule.TALK_REQUESTED, Subject.SUPPORTER, OwnerRole.COORDINATOR,
                                  False, description="A peer supporter would like to talk."),
    Rule.BREAK_REQUESTED: RuleSpec(Rule.BREAK_REQUESTED, Subject.SUPPORTER,
                                   OwnerRole.COORDINATOR, False,
                                   description="A peer supporter needs a break; new matches "
                                   "are paused."),
    Rule.CONSENT_WITHDRAWN: RuleSpec(
        Rule.CONSENT_WITHDRAWN, Subject.CLIENT, OwnerRole.COORDINATOR, False,
        description="A client withdrew their consent to take part: their match ended at once; "
        "the coordinator closes the loop (the supporter's debrief, the binder, a goodbye if "
        "the client wants one)."),
}
SCANNED_RULES: tuple[Rule, ...] = tuple(r for r, s in SPECS.items() if s.scanned)

# Days an owner has to act, by severity.
DUE_DAYS: dict[Severity, int] = {Severity.URGENT: 1, Severity.WARNING: 3, Severity.INFO: 7}


@dataclass(frozen=True)
class Thresholds:
    """Per-site thresholds. These defaults are the documented program defaults."""

    first_contact_days: int = 7
    lapse_warning_days: int = 14
    lapse_urgent_days: int = 30
    followup_days: int = 365
    missed_in_a_row: int = 2
    ward_contact_lookback_days: int = 30
    commitment_weeks: int = 3
    proposal_days: int = 7
    waitlist_days: int = 30

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULTS = Thresholds()


def cutoff(today: date, days: int) -> date:
    """The latest reference date that is `days` or more days before `today`."""
    return today - timedelta(days=days)


def due_on(today: date, severity: Severity) -> date:
    return today + timedelta(days=DUE_DAYS[severity])


def week_starts(today: date, weeks: int) -> list[date]:
    """Mondays of the last `weeks` complete weeks, most recent first."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=i) for i in range(1, weeks + 1)]


# Per-client reference semantics, in plain Python. The scan computes the same in SQL; the
# tests check both agree at the boundary days.

def no_first_contact(*, today: date, discharged_on: date, match_started_on: date,
                     first_met_after: date | None, t: Thresholds = DEFAULTS) -> Severity | None:
    ref = max(discharged_on, match_started_on)
    if first_met_after is not None and first_met_after >= ref:
        return None
    if ref > cutoff(today, t.first_contact_days):
        return None
    return Severity.URGENT if ref <= cutoff(today, t.lapse_urgent_days) else Severity.WARNING


def contact_lapse(*, today: date, discharged_on: date, last_met: date | None,
                  t: Thresholds = DEFAULTS) -> Severity | None:
    """Only once there has been a met contact since discharge (before that, the first-contact
    rule speaks); only during the follow-up year after discharge."""
    if last_met is None or last_met < discharged_on:
        return None
    if discharged_on <= cutoff(today, t.followup_days):
        return None
    if last_met <= cutoff(today, t.lapse_urgent_days):
        return Severity.URGENT
    if last_met <= cutoff(today, t.lapse_warning_days):
        return Severity.WARNING
    return None


def missed_in_a_row(outcomes_newest_first: list[str], t: Thresholds = DEFAULTS) -> bool:
    streak = 0
    for outcome in outcomes_newest_first:
        if outcome not in MISSED_OUTCOMES:
            break
        streak += 1
    return streak >= t.missed_in_a_row


def readmitted(*, match_started_on: date, admitted_on: date,
               discharged_on: Iterable[date]) -> bool:
    """Whether the client's open stay (admitted on `admitted_on`) began after the match did.

    Stays carry days, not times. An admission on a later day than the match start is after it.
    On the start day itself it is after it only if the client was discharged that day (matched
    at discharge, back the same day); otherwise it is the stay the match began in.
    `discharged_on`: the days the client's other stays ended."""
    if admitted_on > match_started_on:
        return True
    return admitted_on == match_started_on and match_started_on in set(discharged_on)


MISSED_OUTCOMES = frozenset({"no_show", "not_reached"})


def aware_midnight(day: date, tz: object) -> datetime:
    """Start of `day` in a zone (the scan compares timestamps against local midnights)."""
    return datetime.combine(day, time.min, tzinfo=tz)  # type: ignore[arg-type]
