from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "bridgeway.safety"
    verbose_name = _("Safety net")

    def ready(self) -> None:
        from bridgeway.clients.panels import ClientPanel, register_panel
        from bridgeway.core.models import Role
        from bridgeway.core.navigation import NavItem, register

        from . import panels, services

        services.connect()
        everyone = frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR,
                              Role.PEER_SUPPORTER, Role.WARD_STAFF, Role.EVALUATOR})
        register(NavItem(cast(str, _("Alerts")), "safety:inbox", frozenset({
            Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR, Role.PEER_SUPPORTER}),
            order=30))
        register(NavItem(cast(str, _("Inbox")), "safety:notifications", everyone, order=31))
        register(NavItem(cast(str, _("Check in")), "safety:checkin", frozenset({Role.PEER_SUPPORTER}),
                         order=32))
        register(NavItem(cast(str, _("Supervision")), "safety:supervision", frozenset({
            Role.ADMINISTRATOR, Role.COORDINATOR}), order=33))
        register(NavItem(cast(str, _("Incidents")), "safety:incidents", frozenset({
            Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR, Role.PEER_SUPPORTER}),
            order=34))
        register_panel(ClientPanel("safety", "safety/panel.html", panels.context, panels.visible,
                                   order=40))
