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
    "calendar_feed": _("Calendar feed"), "group": _("Group sessions"), "demo_data": _("Demo data"), "import": _("Import"),
    "matching_criteria": _("Matching criteria"), "supervision": _("Supervision"),
    "supporter_profile": _("Peer supporter profile"), "wellbeing": _("Well-being check-ins"),
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
    # Codes written by the services (tests/audit/test_labels.py keeps this list complete).
    "add_identifier": _("Added an identifier"),
    "update_identifier": _("Changed an identifier"),
    "remove_identifier": _("Removed an identifier"),
    "rotate_field_keys": _("Re-encrypted identifiers under a new key"),
    "encryption_report": _("Checked which columns are encrypted"),
    "merge": _("Merged records"),
    "merge_clients": _("Merged records"),
    "record": _("Recorded"),
    "correct": _("Corrected"),
    "undo": _("Undid"),
    "schedule": _("Scheduled a group"),
    "incident_withdraw": _("Withdrew an incident report"),
    "approve_proposal": _("Approved a match proposal"),
    "reject_proposal": _("Turned down a match proposal"),
    "notify_supporter": _("Told the peer supporter"),
    "notify": _("Sent a notice"),
    "dry_run": _("Tried a matching run"),
    "generate": _("Generated"),
    "add_step": _("Added a goal step"),
    "step_done": _("Marked a goal step done"),
    "create_appointment": _("Planned an appointment"),
    "appointment_outcome": _("Recorded how an appointment went"),
    "create_group": _("Recorded a group"),
    "declare_coverage": _("Declared data coverage"),
    "set_program_ward": _("Set a program ward"),
    "set_per_diem": _("Set a per diem"),
    "configure_evaluation": _("Configured the evaluation"),
    "record_reflection": _("Recorded feedback"),
    "code_excerpt": _("Coded an excerpt"),
    "code_feedback": _("Coded feedback"),
    "codebook_add_theme": _("Added a codebook theme"),
    "codebook_add_subtheme": _("Added a codebook subtheme"),
    "checkin": _("Checked in"),
    "checkin_handled": _("Followed up a check-in"),
    "supervision": _("Recorded supervision"),
    "checklist": _("Updated the discharge checklist"),
    "in_charge": _("Named who is in charge"),
    "bridging_start": _("Started bridging"),
    "bridging_established": _("Recorded the community provider"),
    "record_bridging": _("Recorded bridging"),
    "outreach_open": _("Started outreach"),
    "outreach_step": _("Recorded an outreach step"),
    "outreach_close": _("Closed outreach"),
    "raised": _("Raised an alert"),
    "manage_safety": _("Managed the safety net"),
    "manage_supporter": _("Managed a peer supporter"),
    "manage": _("Managed accounts"),
    "import_data": _("Imported data"),
    "import": _("Imported data"),
    "import_preview": _("Checked an import file"),
    "import_rejected": _("Had an import file refused"),
    "grant": _("Gave a role"),
    "revoke": _("Revoked"),
    "invite": _("Invited a user"),
    "reactivate": _("Reactivated an account"),
    "deactivate": _("Deactivated an account"),
    "unlock": _("Unlocked an account"),
    "password_reset_request": _("Asked for a password reset"),
    "training": _("Recorded training"),
    "training_update": _("Changed a training record"),
    "training_delete": _("Deleted a training record"),
    "2fa_enabled": _("Turned on two-step verification"),
    "2fa_removed": _("Removed two-step verification"),
    "2fa_verified": _("Passed two-step verification"),
    "2fa_failed": _("Failed two-step verification"),
    "2fa_setup_failed": _("Failed to set up two-step verification"),
    "2fa_recovery_codes_renewed": _("Renewed recovery codes"),
}


def action_label(code: str) -> str:
    # Actions of the access policy are also audit codes ("log_contact", "match", ...).
    label = ACTIONS.get(code)
    return str(label) if label is not None else code.replace("_", " ").capitalize()


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def role_label(code: str) -> str:
    return str(ROLES.get(code, code))
