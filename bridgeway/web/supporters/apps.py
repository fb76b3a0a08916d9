from __future__ import annotations

from django.apps import AppConfig


class WebSupportersConfig(AppConfig):
    name = "bridgeway.web.supporters"
    label = "web_supporters"
