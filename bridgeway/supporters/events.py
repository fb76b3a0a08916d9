"""What the supporters app announces about a supporter's wellbeing to the safety net above
it (bridgeway.core.events, decisions 0004 and 0019).

"I need a break" has to open an alert for the coordinator in the same transaction as the
check-in: the safety app subscribes to these classes in its AppConfig.ready, and only the
services here emit them, after their write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridgeway.core.actors import Actor

    from .models import CheckIn, SupporterProfile


@dataclass(frozen=True)
class CheckInRecorded:
    """A supporter checked in (any feeling; "break" has already paused new matches)."""

    actor: Actor
    checkin: CheckIn
    site_ids: list[int]  # the sites the supporter serves


@dataclass(frozen=True)
class CheckInHandled:
    """A coordinator followed a check-in up."""

    actor: Actor
    checkin: CheckIn
    note: str


@dataclass(frozen=True)
class PauseLifted:
    """A coordinator lifted a supporter's pause: new matches may be proposed again."""

    actor: Actor
    supporter: SupporterProfile
    note: str
