from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "bridgeway.supporters"
    verbose_name = _("Peer supporters")

    def ready(self) -> None:
        from bridgeway.core.models import Role
        from bridgeway.core.navigation import NavItem, register

        register(NavItem(cast(str, _("Peer supporters")), "supporters:index",
                         frozenset({Role.COORDINATOR, Role.SITE_LEAD}), order=20))
        register(NavItem(cast(str, _("My profile")), "supporters:me",
                         frozenset({Role.PEER_SUPPORTER}), order=90))
