"""Validators for client identifiers."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_HCN = re.compile(r"^(\d{10})([A-Z]{0,2})$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_health_card(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def validate_health_card_number(value: str) -> None:
    """Ontario health card: 10 digits with a Luhn (mod 10) check digit, optional version code."""
    number = normalise_health_card(value)
    match = _HCN.match(number)
    if not match:
        raise ValidationError(
            _("A health card number is 10 digits, optionally followed by a 1–2 letter version code."),
            code="format",
        )
    if not luhn_ok(match.group(1)):
        raise ValidationError(_("This health card number's check digit is wrong."), code="checksum")


def health_card_digits(value: str) -> str:
    """The 10-digit number alone: a new version code is the same card holder (decision 0013)."""
    return normalise_health_card(value)[:10]


def normalise_identifier(value: str) -> str:
    """MRNs and other identifiers: case and spacing do not make a different number."""
    return re.sub(r"\s+", "", value).upper()


# A planned stay longer than this is a typing slip (a year of 2062 for 2026), not a plan.
MAX_EXPECTED_STAY = timedelta(days=730)


def check_expected_discharge(admitted_on: date, expected_discharge_on: date | None) -> None:
    if expected_discharge_on is None:
        return
    if expected_discharge_on < admitted_on:
        raise ValidationError({"expected_discharge_on": _("Expected discharge is before admission.")})
    if expected_discharge_on - admitted_on > MAX_EXPECTED_STAY:
        raise ValidationError({"expected_discharge_on": _(
            "Expected discharge is more than two years after admission; check the year.")})
