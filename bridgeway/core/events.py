"""The one registry of explicit hooks: a lower app's service announces a change, higher apps
react in the same transaction (decisions 0004 and 0019).

A low app (clients, supporters) must not import the apps above it, yet a discharge date set
by ward staff has to reach the matched supporter, and "I need a break" has to open an alert
for the coordinator, each in the same transaction as the write. Each app declares its events
as frozen dataclasses in its own `events.py`; higher apps subscribe to an event's class in
their AppConfig.ready; services call `emit` after their write. Unlike Django signals, only
services emit, so a write made anywhere else cannot silently skip the reaction, and a
handler's parameter names the payload it receives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")
_handlers: dict[type, list[Callable[[Any], None]]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call `handler` with every emitted event of `event_type` (once, however often asked)."""
    if handler not in _handlers.setdefault(event_type, []):
        _handlers[event_type].append(handler)


def emit(event: object) -> None:
    """Run the handlers of `event`'s class, in subscription order, in the caller's transaction."""
    for handler in _handlers.get(type(event), []):
        handler(event)

