from __future__ import annotations

from django.apps import AppConfig


class WebContactsConfig(AppConfig):
    name = "bridgeway.web.contacts"
    label = "web_contacts"
