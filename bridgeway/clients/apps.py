from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "bridgeway.clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from bridgeway.core.models import Role
        from bridgeway.core.navigation import NavItem, register

        # NavItem.label is typed str; a lazy string keeps the label translatable per request.
        register(NavItem(cast(str, _("Dashboard")), "clients:sites",
                         frozenset({Role.COORDINATOR, Role.SITE_LEAD}), order=10))
        register(NavItem(cast(str, _("My clients")), "clients:mine",
                         frozenset({Role.PEER_SUPPORTER}), order=10))
        register(NavItem(cast(str, _("Inpatients")), "clients:ward_home",
                         frozenset({Role.WARD_STAFF}), order=10))
        register(NavItem(cast(str, _("Refer a client")), "clients:refer",
                         frozenset({Role.WARD_STAFF, Role.COORDINATOR}), order=15))
        register(NavItem(cast(str, _("Enrolment counts")), "clients:evaluation",
                         frozenset({Role.EVALUATOR}), order=10))
        register(NavItem(cast(str, _("Administration")), "admin_home",
                         frozenset({Role.ADMINISTRATOR}), order=5))
