"""Explicit hooks for changes that higher layers react to (e.g. discharge notices).

The clients app sits low in the layers and must not import safety or contacts, yet a
discharge date set by ward staff has to reach the matched supporter in the same
transaction. Higher apps register a handler here at start-up (in their AppConfig.ready);
services call `emit` after their write. Unlike Django signals, only services emit, so a
write made anywhere else cannot silently skip the reaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridgeway.core.actors import Actor


@dataclass(frozen=True)
class Event:
    name: str  # "stay_admitted", "expected_discharge_set", "stay_discharged",
    # "match_announced" (emitted by matching once it has told the supporter, decision 0025),
    # "match_ended", "enrolment_status_changed", "consent_recorded"
    actor: Actor
    obj: Any
    previous: Any = None


Handler = Callable[[Event], None]
_handlers: dict[str, list[Handler]] = {}


def subscribe(name: str, handler: Handler) -> None:
    if handler not in _handlers.setdefault(name, []):
        _handlers[name].append(handler)


def emit(event: Event) -> None:
    for handler in _handlers.get(event.name, []):
        handler(event)
