from __future__ import annotations

from django.apps import AppConfig


class WebAccountsConfig(AppConfig):
    name = "bridgeway.web.accounts"
    label = "web_accounts"
