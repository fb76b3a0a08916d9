from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site's layout (base template, error pages, sign-in) and the shared page helpers."""

    name = "bridgeway.web"
    label = "web"
