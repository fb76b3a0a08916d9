"""Access-matrix rows for the account pages: staff accounts, password change, onboarding.

The public pages (invitation link, password reset) are out of scope of the matrix (they work
signed out) and are covered by tests/core/test_passwords.py and test_invitations.py.
"""

from __future__ import annotations

from typing import Any

from bridgeway.core.models import RoleAssignment
from tests.factories import PASSWORD

from . import Row, everyone

MANAGERS = {"admin": 200, "lead_a": 200}


def _p(name: str) -> Any:
    return lambda w: {"public_id": w.persona(name).public_id}


def _ward_role(w: Any) -> dict[str, Any]:
    assignment = RoleAssignment.objects.get(user=w.staff_a, role="ward_staff")
    return {"public_id": w.staff_a.public_id, "assignment_id": assignment.public_id}


INVITE = {"first_name": "Ana", "last_name": "New", "email": "ana.new@example.org",
          "username": "ana_new", "preferred_language": "fr", "role": "coordinator"}

ROWS = [
    Row("staff:list", "GET", expect=everyone(403, **MANAGERS)),
    Row("staff:invite", "GET", expect=everyone(403, **MANAGERS)),
    Row("staff:invite", "POST", data=lambda w: {**INVITE, "site": w.site_a.pk},
        expect=everyone(403, admin=302, lead_a=302)),
    Row("staff:invite", "POST", data=lambda w: {**INVITE, "site": w.site_b.pk},
        note="another site", expect=everyone(403, admin=302, lead_a=200)),
    Row("staff:detail", "GET", _p("coord_a"), expect=everyone(403, **MANAGERS)),
    Row("staff:detail", "GET", _p("coord_b"), note="another site",
        expect=everyone(403, admin=200)),
    Row("staff:role_add", "POST", _p("staff_a"),
        data=lambda w: {"role": "evaluator", "site": w.site_a.pk},
        expect=everyone(403, admin=302, lead_a=302)),
    Row("staff:role_remove", "POST", _ward_role, expect=everyone(403, admin=302, lead_a=302)),
    Row("staff:set_active", "POST", _p("staff_a"), data={"active": "0"},
        expect=everyone(403, admin=302, lead_a=302)),
    Row("staff:set_active", "POST", _p("staff_b"), data={"active": "0"}, note="another site",
        expect=everyone(403, admin=302)),
    Row("staff:reinvite", "POST", _p("staff_a"), expect=everyone(403, admin=302, lead_a=302)),
    Row("password_change", "GET", expect=everyone(200)),
    Row("password_change", "POST", expect=everyone(302),
        data={"old_password": PASSWORD, "new_password1": "a-much-longer-secret-42",
              "new_password2": "a-much-longer-secret-42"}),
    Row("password_change_done", "GET", expect=everyone(200)),
    # Second factor: every persona is signed in with a verified session (tests/conftest.py).
    Row("otp_verify", "GET", expect=everyone(200)),
    Row("otp_setup", "GET", expect=everyone(200)),
    Row("otp_qr", "GET", expect=everyone(200)),
    Row("otp_recovery_codes", "POST", expect=everyone(200)),
    Row("account_security", "GET", expect=everyone(200)),
    # Failed sign-ins, unlock and removing a second factor: administrators only.
    Row("staff:lockouts", "GET", expect=everyone(403, admin=200)),
    Row("staff:unlock", "POST", data={"username": "staff_a"}, expect=everyone(403, admin=302)),
    Row("staff:two_factor_remove", "POST", _p("staff_a"), expect=everyone(403, admin=302)),
]
