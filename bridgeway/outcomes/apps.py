from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "bridgeway.outcomes"
    verbose_name = _("Outcomes and evaluation")

    def ready(self) -> None:
        from bridgeway.core.models import Role
        from bridgeway.core.navigation import NavItem, register

        roles = frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR, Role.EVALUATOR})
        register(NavItem(label=cast(str, _("Evaluation")), url_name="outcomes:dashboard", roles=roles,
                         order=70))
        register(NavItem(label=cast(str, _("Feedback")), url_name="outcomes:feedback", roles=roles,
                         order=71))
