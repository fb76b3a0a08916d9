"""The sections of the client page that belong to other areas (contacts, goals, safety).

One explicit list: the page renders each panel whose `visible` returns True, passing the
ClientAccess it already obtained, so every panel reads within the same access decision and
the page's single audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess
from bridgeway.web.clients.views import identifiers
from bridgeway.web.contacts import panels as contacts
from bridgeway.web.safety import panels as safety


@dataclass(frozen=True)
class ClientPanel:
    key: str
    template: str
    context: Callable[[ClientAccess, HttpRequest], dict[str, Any]]
    visible: Callable[[ClientAccess], bool]


def _sees(category: str) -> Callable[[ClientAccess], bool]:
    return lambda access: access.sees(category)


PANELS: tuple[ClientPanel, ...] = (
    ClientPanel("identifiers", "clients/panels/identifiers.html", identifiers.panel_context,
                _sees(Info.HEALTH_CARD)),
    ClientPanel("contacts", "contacts/panels/contacts.html", contacts.contacts_context,
                _sees(Info.CONTACT_LOG)),
    ClientPanel("appointments", "contacts/panels/appointments.html",
                contacts.appointments_context, _sees(Info.CONTACT_LOG)),
    ClientPanel("goals", "contacts/panels/goals.html", contacts.goals_context,
                _sees(Info.GOALS)),
    ClientPanel("safety", "safety/panel.html", safety.context, safety.visible),
)
