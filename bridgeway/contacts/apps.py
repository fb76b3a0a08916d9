from __future__ import annotations

from typing import Any, cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "bridgeway.contacts"
    verbose_name = _("Contacts, groups, appointments and goals")

    def ready(self) -> None:
        from bridgeway.access.categories import Info
        from bridgeway.clients.panels import ClientPanel, register_panel
        from bridgeway.core.models import Role
        from bridgeway.core.navigation import NavItem, register

        from . import panels

        register(NavItem(cast(str, _("My caseload")), "contacts:caseload",
                         frozenset({Role.PEER_SUPPORTER}), order=20))
        register(NavItem(cast(str, _("Site contacts")), "contacts:site",
                         frozenset({Role.COORDINATOR, Role.SITE_LEAD, Role.ADMINISTRATOR}),
                         order=30))
        register(NavItem(cast(str, _("Record a group")), "contacts:group_new",
                         frozenset({Role.COORDINATOR, Role.PEER_SUPPORTER}), order=40))
        register(NavItem(cast(str, _("Calendar")), "contacts:calendar",
                         frozenset({Role.PEER_SUPPORTER}), order=45))

        def sees(category: str) -> Any:
            return lambda access: access.sees(category)

        register_panel(ClientPanel("contacts", "contacts/panels/contacts.html",
                                   panels.contacts_context, sees(Info.CONTACT_LOG), order=30))
        register_panel(ClientPanel("appointments", "contacts/panels/appointments.html",
                                   panels.appointments_context, sees(Info.CONTACT_LOG), order=31))
        register_panel(ClientPanel("goals", "contacts/panels/goals.html",
                                   panels.goals_context, sees(Info.GOALS), order=32))
