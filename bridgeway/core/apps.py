from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bridgeway.core"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        # Sign-in audit (core/signin.py says why these are Django's auth signals). Connected
        # here, after axes's own receivers, so a failure is audited once axes has counted it.
        from django.contrib.auth import signals

        from . import signin

        signals.user_logged_in.connect(signin.on_signed_in, dispatch_uid="bridgeway-sign-in")
        signals.user_logged_out.connect(signin.on_signed_out, dispatch_uid="bridgeway-sign-out")
        signals.user_login_failed.connect(signin.on_failed, dispatch_uid="bridgeway-sign-in-failed")
