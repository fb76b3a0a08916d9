"""Explicit hooks for a supporter's wellbeing, which the safety net (a higher layer) reacts to.

Supporters sit low in the layers and must not import safety, yet "I need a break" has to open
an alert for the coordinator in the same transaction as the check-in. As in
bridgeway.clients.events (decision 0004): the safety app subscribes in its AppConfig.ready;
only the services here emit, after their write, so no write can skip the reaction. Each event
is a typed payload; handlers subscribe to its class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

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


E = TypeVar("E")
_handlers: dict[type, list[Callable[[Any], None]]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    if handler not in _handlers.setdefault(event_type, []):
        _handlers[event_type].append(handler)


def emit(event: object) -> None:
    for handler in _handlers.get(type(event), []):
        handler(event)
