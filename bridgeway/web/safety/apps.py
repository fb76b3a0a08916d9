from __future__ import annotations

from django.apps import AppConfig


class WebSafetyConfig(AppConfig):
    name = "bridgeway.web.safety"
    label = "web_safety"
