from __future__ import annotations

from django.apps import AppConfig


class WebOutcomesConfig(AppConfig):
    name = "bridgeway.web.outcomes"
    label = "web_outcomes"
