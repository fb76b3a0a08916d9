"""Plain words, in the reader's language, for the codes stored in audit rows."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bridgeway.access.categories import Info
from bridgeway.core.models import Role

CATEGORIES: dict[str, Any] = {str(v): label for v, label in Info.choices} | {
    "accounts": _("Accounts"), "roles": _("Roles"), "reference": _("Reference data"),
    "records": _("Records"), "outcomes": _("Evaluation"), "evaluation": _("Evaluation"),
}
ROLES: dict[str, Any] = {str(v): label for v, label in Role.choices} | {
    "system": _("System"), "": "—"}
ACTIONS: dict[str, Promise] = {
    "view": _("Viewed"),
    "view_audit": _("Viewed the access history"),
    "create": _("Created"),
    "update": _("Changed"),
    "edit_client": _("Changed the record"),
    "refer": _("Referred"),
    "record_consent": _("Recorded consent"),
    "change_enrolment": _("Changed the enrolment"),
    "status": _("Changed the status"),
    "record_stay": _("Recorded a hospital stay"),
    "admit": _("Recorded an admission"),
    "discharge": _("Recorded a discharge"),
    "match": _("Matched with a peer supporter"),
    "end": _("Ended"),
    "log_contact": _("Logged a contact"),
    "log": _("Logged"),
    "note": _("Wrote a note"),
    "write_binder": _("Wrote in the binder"),
    "handle_alert": _("Acted on an alert"),
    "report_incident": _("Reported an incident"),
    "export": _("Exported"),
    "delete": _("Deleted"),
    "backup": _("Backed up the database"),
    "restore": _("Restored the database"),
    "admin_add": _("Added in the administration"),
    "admin_change": _("Changed in the administration"),
    "admin_delete": _("Deleted in the administration"),
    "password_change": _("Changed a password"),
    "password_disable": _("Turned off password sign-in"),
    "sign_in": _("Signed in"),
    "sign_in_failed": _("Failed to sign in"),
    "sign_out": _("Signed out"),
    "lockout": _("Was locked out"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code.replace("_", " ").capitalize()


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def role_label(code: str) -> str:
    return str(ROLES.get(code, code))
