from __future__ import annotations

from django.apps import AppConfig


class WebAuditConfig(AppConfig):
    name = "bridgeway.web.audit"
    label = "web_audit"
