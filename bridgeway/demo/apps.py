from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo generator is a tool beside the doors: an app only so that Django finds its
    `demo_data` and `demo_logins` commands. It has no models, and no domain app imports it."""

    name = "bridgeway.demo"
    label = "demo"
    verbose_name = "Demo program (synthetic data)"
