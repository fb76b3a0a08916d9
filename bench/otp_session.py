"""Benchmarks sign in as a person who has passed the second factor (docs/decisions/0015):
the session names one of the user's confirmed devices, as django-otp leaves it after a code,
so every measured request pays for the same verification as in production."""

from __future__ import annotations

from typing import Any


def verified_device_id(user: Any) -> str:
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    return str(device.persistent_id)


def force_login_verified(http: Any, user: Any) -> None:
    """`Client.force_login`, then the second factor marked passed in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    http.force_login(user)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = verified_device_id(user)
    session.save()
