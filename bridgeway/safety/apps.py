from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "bridgeway.safety"
    verbose_name = _("Safety net")

    def ready(self) -> None:
        from bridgeway.safety.services import notices, wellbeing, withdrawal

        notices.connect()  # the safety net reacts to stays and matches (clients.events)
        wellbeing.connect()  # ... and to supporters' check-ins and pauses (supporters.events)
        withdrawal.connect()  # ... and to a client's withdrawal (clients.events)
