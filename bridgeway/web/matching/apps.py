from __future__ import annotations

from django.apps import AppConfig


class WebMatchingConfig(AppConfig):
    name = "bridgeway.web.matching"
    label = "web_matching"
