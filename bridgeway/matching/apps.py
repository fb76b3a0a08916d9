from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "bridgeway.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from bridgeway.clients.events import subscribe
        from bridgeway.core.models import Role
        from bridgeway.core.navigation import NavItem, register

        from .services import on_match_created

        subscribe("match_created", on_match_created)
        register(NavItem(cast(str, _("Matching")), "matching:index",
                         frozenset({Role.COORDINATOR, Role.ADMINISTRATOR}), order=30))
        register(NavItem(cast(str, _("New matches")), "matching:notices",
                         frozenset({Role.PEER_SUPPORTER}), order=30))
