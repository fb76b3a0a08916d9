from __future__ import annotations

from django.apps import AppConfig


class WebImportsConfig(AppConfig):
    name = "bridgeway.web.imports"
    label = "web_imports"
