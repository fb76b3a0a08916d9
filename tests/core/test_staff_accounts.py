"""Site leads and administrators invite staff, give and take roles, deactivate accounts."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.core.models import Invitation, Role, RoleAssignment, User

INVITE = {"first_name": "Nadia", "last_name": "Roy", "email": "nadia@example.org",
          "username": "nadia", "preferred_language": "en"}


def _accounts_events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(category="accounts", action=action))


def test_site_lead_invites_a_nurse_of_their_hospital(world, login):
    response = login("lead_a").post("/accounts/staff/invite/", {
        **INVITE, "role": "ward_staff", "organisation": world.hospital_a.pk,
        "staff_kind": "nurse"})
    assert response.status_code == 302
    nadia = User.objects.get(username="nadia")
    assert RoleAssignment.objects.filter(user=nadia, role=Role.WARD_STAFF,
                                         organisation=world.hospital_a, active=True).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]
    (event,) = _accounts_events("invite")
    assert event.actor_username == "lead_a" and "nadia" not in event.detail
    assert str(nadia.public_id) in event.detail


def test_site_lead_cannot_reach_beyond_their_site(world, login):
    http = login("lead_a")
    response = http.post("/accounts/staff/invite/", {
        **INVITE, "role": "ward_staff", "organisation": world.hospital_b.pk,
        "staff_kind": "nurse"})
    assert response.status_code == 200  # hospital B is not a choice: a field error
    assert response.context["form"].errors["organisation"]
    response = http.post("/accounts/staff/invite/", {**INVITE, "role": "administrator"})
    assert response.context["form"].errors["role"]
    assert not User.objects.filter(username="nadia").exists()
    assert http.get(f"/accounts/staff/{world.coord_b.public_id}/").status_code == 403
    assert http.post(f"/accounts/staff/{world.admin.public_id}/active/",
                     {"active": "0"}).status_code == 403
    world.admin.refresh_from_db()
    assert world.admin.is_active
    assert AuditEvent.objects.filter(category="accounts", outcome="denied").count() == 2


def test_roles_are_given_and_taken_away_with_an_audit(world, login):
    http = login("lead_a")
    url = f"/accounts/staff/{world.staff_a.public_id}/roles/"
    assert http.post(url, {"role": "coordinator", "site": world.site_a.pk}).status_code == 302
    held = RoleAssignment.objects.get(user=world.staff_a, role=Role.COORDINATOR)
    assert held.site == world.site_a and held.active
    # The same role twice is a field error, not a crash.
    response = http.post(url, {"role": "coordinator", "site": world.site_a.pk})
    assert response.status_code == 200 and response.context["form"].errors["role"]
    remove = f"/accounts/staff/{world.staff_a.public_id}/roles/{held.public_id}/remove/"
    assert http.post(remove).status_code == 302
    held.refresh_from_db()
    assert not held.active
    assert len(_accounts_events("grant")) == 1 and len(_accounts_events("revoke")) == 1
    # The taken-away role no longer opens the coordinator's pages.
    assert login("staff_a").get(f"/supporters/sites/{world.site_a.code}/").status_code == 403


def test_a_deactivated_account_cannot_sign_in_and_is_signed_out(world, login):
    nurse = HttpClient()
    nurse.force_login(world.staff_a)
    assert nurse.get("/").status_code == 302
    assert login("admin").post(f"/accounts/staff/{world.staff_a.public_id}/active/",
                               {"active": "0"}).status_code == 302
    world.staff_a.refresh_from_db()
    assert not world.staff_a.is_active
    assert nurse.get("/clients/ward/").url.startswith("/accounts/login/")
    assert len(_accounts_events("deactivate")) == 1
    # Nobody deactivates themself by mistake.
    login("admin").post(f"/accounts/staff/{world.admin.public_id}/active/", {"active": "0"})
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_an_invitation_works_once_and_expires(world, login):
    login("admin").post("/accounts/staff/invite/", {**INVITE, "role": "evaluator"})
    token = re.search(r"/accounts/invitation/(\S+)/", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    anonymous = HttpClient()
    path = f"/accounts/invitation/{token}/"
    password = {"new_password1": "nadia-chooses-this-1", "new_password2": "nadia-chooses-this-1"}
    assert anonymous.post(path, password).status_code == 302
    assert anonymous.post(path, password).status_code == 404  # single use
    assert len(_accounts_events("invitation_accepted")) == 1
    # A second person's link, expired.
    login("admin").post("/accounts/staff/invite/", {**INVITE, "username": "other",
                                                    "email": "o@example.org", "role": "evaluator"})
    token = re.search(r"/accounts/invitation/(\S+)/", mail.outbox[1].body).group(1)  # type: ignore[union-attr]
    Invitation.objects.filter(user__username="other").update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert anonymous.get(f"/accounts/invitation/{token}/").status_code == 404
    assert anonymous.get("/accounts/invitation/made-up-token/").status_code == 404
    # The database holds only a hash of each token.
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_staff_list_is_scoped(world, login):
    names = {p.username for p in login("lead_a").get("/accounts/staff/").context["people"]}
    assert {"coord_a", "lead_a", "staff_a", "jordan"} <= names
    assert not names & {"coord_b", "staff_b", "admin_user"}
