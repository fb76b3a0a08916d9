from __future__ import annotations

from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "bridgeway.supporters"
