from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "bridgeway.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from bridgeway.clients.events import subscribe
        from bridgeway.matching.services import on_match_created

        subscribe("match_created", on_match_created)
