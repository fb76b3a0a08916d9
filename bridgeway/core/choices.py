"""Choices shared by clients and supporters (so matching can compare them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    TWO_SPIRIT = "two_spirit", _("Two-Spirit")
    OTHER = "other", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class Strength(models.TextChoices):
    """How much a client's preference for a peer supporter matters to them."""

    NONE = "none", _("No preference")
    PREFERRED = "preferred", _("Preferred")
    REQUIRED = "required", _("Required")


DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PARTS = ["am", "pm", "eve"]
# Availability is a set of day-part slots such as "tue-pm"; matching compares the sets.
AVAILABILITY_SLOTS = [f"{d}-{p}" for d in DAYS for p in PARTS]
AVAILABILITY_CHOICES = [
    (slot, f"{_(slot.split('-')[0].capitalize())} { {'am': _('morning'), 'pm': _('afternoon'), 'eve': _('evening')}[slot.split('-')[1]]}")
    for slot in AVAILABILITY_SLOTS
]
