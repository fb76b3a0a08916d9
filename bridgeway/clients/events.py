"""What the clients app announces to the layers above it (bridgeway.core.events, decision 0019).

Each event is a frozen dataclass naming what changed; the safety net subscribes to the stay
events (discharge notices) and to MatchAnnounced, which matching emits once it has told the
supporter (decision 0025). Services emit them after their write, inside their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridgeway.core.actors import Actor

    from .models import ConsentRecord, Enrolment, HospitalStay, Match


@dataclass(frozen=True)
class StayAdmitted:
    actor: Actor
    stay: HospitalStay


@dataclass(frozen=True)
class ExpectedDischargeSet:
    """The expected discharge date changed (set, moved or cleared)."""

    actor: Actor
    stay: HospitalStay
    previous: date | None


@dataclass(frozen=True)
class StayDischarged:
    actor: Actor
    stay: HospitalStay


@dataclass(frozen=True)
class MatchAnnounced:
    """A new match, once matching has told the supporter (emitted by matching)."""

    actor: Actor
    match: Match


@dataclass(frozen=True)
class MatchEnded:
    actor: Actor
    match: Match


@dataclass(frozen=True)
class EnrolmentStatusChanged:
    actor: Actor
    enrolment: Enrolment
    previous: str  # the status before the change


@dataclass(frozen=True)
class ConsentRecorded:
    actor: Actor
    consent: ConsentRecord


@dataclass(frozen=True)
class ConsentWithdrawn:
    """The client withdrew consent to take part; their active match, if any, has just ended."""

    actor: Actor
    enrolment: Enrolment
    ended_match: Match | None
