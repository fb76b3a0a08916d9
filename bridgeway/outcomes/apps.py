from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "bridgeway.outcomes"
