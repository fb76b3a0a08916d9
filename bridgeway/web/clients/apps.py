from __future__ import annotations

from django.apps import AppConfig


class WebClientsConfig(AppConfig):
    name = "bridgeway.web.clients"
    label = "web_clients"
