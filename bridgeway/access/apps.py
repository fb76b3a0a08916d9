from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "bridgeway.access"

    def ready(self) -> None:
        from bridgeway.core.navigation import set_role_lookup

        from .policy import roles_of

        set_role_lookup(roles_of)
