"""Sections that other apps add to the client page (contacts, goals, alerts, binder...).

The client page is owned by the clients app, which must not import higher apps. They register
a panel in their AppConfig.ready(); the page renders each panel whose `visible` returns True,
passing the ClientAccess the page already obtained (so the panel reads within the same access
decision and the page's single audit event).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Typed loosely to keep this module free of the access layer (which sits above clients).
PanelContext = Callable[[Any, Any], dict[str, Any]]  # (client_access, request) -> context
PanelVisible = Callable[[Any], bool]  # (client_access) -> show?


@dataclass(frozen=True)
class ClientPanel:
    key: str
    template: str
    context: PanelContext
    visible: PanelVisible
    order: int = 50


_panels: dict[str, ClientPanel] = {}


def register_panel(panel: ClientPanel) -> None:
    _panels[panel.key] = panel


def panels() -> list[ClientPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))
