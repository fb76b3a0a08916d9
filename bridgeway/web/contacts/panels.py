"""Sections of the client page (rendered by the clients app inside its own access decision)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bridgeway.access.policy import WRITE_RULES, Action, ClientAccess
from bridgeway.contacts.models import RecoveryGoal
from bridgeway.contacts.selectors.appointments import client_appointments
from bridgeway.contacts.selectors.contacts import client_contacts, open_stay
from bridgeway.contacts.selectors.goals import client_goals


def can_write(access: ClientAccess) -> bool:
    """For showing buttons only; the write itself is authorized (and audited) when posted."""
    return access.role in WRITE_RULES[Action.LOG_CONTACT]


def _common(access: ClientAccess) -> dict[str, Any]:
    return {"client": access.client, "can_write": can_write(access)}


def contacts_context(access: ClientAccess, request: HttpRequest) -> dict[str, Any]:
    return {**_common(access), "rows": client_contacts(access, limit=5),
            "stay": open_stay(access)}


def appointments_context(access: ClientAccess, request: HttpRequest) -> dict[str, Any]:
    return {**_common(access),
            "appointments": client_appointments(access, upcoming_only=True)}


def goals_context(access: ClientAccess, request: HttpRequest) -> dict[str, Any]:
    goals = client_goals(access, status=RecoveryGoal.Status.ACTIVE, with_steps=False)
    return {**_common(access), "goals": goals}
