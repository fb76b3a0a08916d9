"""Changes made in the Django admin are audited: accounts, flags, passwords, roles, groups."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client as HttpClient
from django.utils.timezone import localtime

from bridgeway.audit.models import AuditEvent
from bridgeway.core.models import Organisation, Role, RoleAssignment, User

from .. import factories as f

STRONG = "a-long-passphrase-for-tests-42"


@pytest.fixture
def root(db: None) -> User:
    user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def admin_http(client: HttpClient, root: User) -> HttpClient:
    client.force_login(root)
    return client


def _new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def _change_form(user: User) -> dict[str, str]:
    """The user change form as the admin page would post it, unchanged."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "preferred_language": user.preferred_language,
        "date_joined_0": localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": localtime(user.date_joined).strftime("%H:%M:%S"),
        "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    return data


def test_creating_an_account_is_audited_without_its_password(admin_http, root):
    before = _last_seq()
    response = admin_http.post("/admin/core/user/add/", {
        "username": "newnurse", "password1": STRONG, "password2": STRONG,
        "usable_password": "true",
        "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content[:2000]
    created = User.objects.get(username="newnurse")
    [event] = _new_events(before)
    assert (event.category, event.action, event.actor_public_id) == (
        "accounts", "admin_add", root.public_id)
    assert event.detail.startswith(f"user:{created.public_id} fields:")
    assert "password" in event.detail
    assert STRONG not in event.detail and "newnurse" not in event.detail


def test_granting_staff_and_superuser_flags_names_them_with_their_values(admin_http):
    target = f.UserFactory(username="target")
    data = _change_form(target) | {"is_staff": "on", "is_superuser": "on"}
    before = _last_seq()
    response = admin_http.post(f"/admin/core/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    [event] = _new_events(before)
    assert event.action == "admin_change"
    ref, fields, *flags = event.detail.split(" ")
    assert ref == f"user:{target.public_id}"
    assert {"is_staff", "is_superuser"} <= set(fields.removeprefix("fields:").split(","))
    assert flags == ["is_staff=1", "is_superuser=1"]


def test_deactivating_an_account_is_audited(admin_http):
    target = f.UserFactory(username="leaving")
    data = _change_form(target)
    data.pop("is_active")
    before = _last_seq()
    admin_http.post(f"/admin/core/user/{target.pk}/change/", data)
    [event] = _new_events(before)
    assert "is_active=0" in event.detail


def test_a_password_change_in_the_admin_is_audited(admin_http):
    target = f.UserFactory(username="forgetful")
    before = _last_seq()
    response = admin_http.post(f"/admin/core/user/{target.pk}/password/", {
        "password1": STRONG, "password2": STRONG, "set_usable_password": "true",
        "usable_password": "true"})
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.check_password(STRONG)
    [event] = _new_events(before)
    assert (event.category, event.action, event.detail) == (
        "accounts", "password_change", f"user:{target.public_id}")


def test_a_role_added_in_the_admin_names_role_and_scope(admin_http, world):
    target = f.UserFactory(username="newcoord")
    data = _change_form(target) | {
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-0-role": Role.COORDINATOR,
        "role_assignments-0-site": str(world.site_a.pk), "role_assignments-0-active": "on"}
    before = _last_seq()
    response = admin_http.post(f"/admin/core/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert RoleAssignment.objects.filter(user=target, role=Role.COORDINATOR).exists()
    roles = [e for e in _new_events(before) if e.category == "roles"]
    assert [e.detail for e in roles] == [f"user:{target.public_id} +coordinator@riverside"]


def test_a_role_removed_in_the_admin_is_audited(admin_http, world):
    target = f.UserFactory(username="movingon")
    grant = f.grant(target, Role.WARD_STAFF, organisation=world.hospital_a)
    data = _change_form(target) | {
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "1",
        "role_assignments-0-id": str(grant.pk), "role_assignments-0-user": str(target.pk),
        "role_assignments-0-role": Role.WARD_STAFF,
        "role_assignments-0-organisation": str(world.hospital_a.pk),
        "role_assignments-0-active": "on", "role_assignments-0-DELETE": "on"}
    before = _last_seq()
    response = admin_http.post(f"/admin/core/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    roles = [e for e in _new_events(before) if e.category == "roles"]
    assert [e.detail for e in roles] == [f"user:{target.public_id} -ward_staff@riverside"]


def test_deleting_accounts_one_by_one_and_in_bulk_is_audited(admin_http):
    one = f.UserFactory(username="gone1")
    two, three = f.UserFactory(username="gone2"), f.UserFactory(username="gone3")
    before = _last_seq()
    response = admin_http.post(f"/admin/core/user/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = admin_http.post("/admin/core/user/", {
        "action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"})
    assert response.status_code == 302
    events = _new_events(before)
    assert sorted(e.detail for e in events) == sorted(
        f"user:{u.public_id}" for u in (one, two, three))
    assert {e.action for e in events} == {"admin_delete"}
    assert not User.objects.filter(username__startswith="gone").exists()


def test_group_permissions_and_reference_data_are_audited(admin_http):
    before = _last_seq()
    admin_http.post("/admin/auth/group/add/", {"name": "helpdesk"})
    admin_http.post("/admin/core/organisation/add/", {
        "name": "North Hospital", "code": "north", "kind": Organisation.Kind.HOSPITAL,
        "wards-TOTAL_FORMS": "0", "wards-INITIAL_FORMS": "0"})
    events = _new_events(before)
    group = Group.objects.get(name="helpdesk")
    org = Organisation.objects.get(code="north")
    assert [(e.category, e.action, e.detail.split(" ")[0]) for e in events] == [
        ("accounts", "admin_add", f"group:{group.pk}"),
        ("reference", "admin_add", f"organisation:{org.public_id}")]


def test_a_failed_save_writes_no_event(admin_http):
    before = _last_seq()
    response = admin_http.post("/admin/core/user/add/", {
        "username": "weak", "password1": "x", "password2": "y", "usable_password": "true"})
    assert response.status_code == 200  # the form again, with its errors
    assert _new_events(before) == []
