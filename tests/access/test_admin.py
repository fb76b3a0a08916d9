"""The Django admin serves reference data; role changes made there are audited."""

from __future__ import annotations

import pytest

from bridgeway.audit.models import AuditEvent
from bridgeway.core.models import Role, RoleAssignment
from tests import factories as f


@pytest.fixture
def superuser_http(client, world):
    user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", [
    "core/organisation", "core/ward", "core/programsite", "core/user", "core/trainingmodule",
    "core/language", "core/interest", "core/postalarea", "supporters/supporterprofile",
    "auth/group", "outcomes/perdiem", "outcomes/theme", "outcomes/codebook",
])
def test_admin_lists_load(superuser_http, path):
    assert superuser_http.get(f"/admin/{path}/").status_code == 200
    assert superuser_http.get(f"/admin/{path}/add/").status_code in {200, 403}


def test_client_records_are_not_in_the_admin(superuser_http):
    assert superuser_http.get("/admin/clients/client/").status_code == 404


def test_role_change_in_admin_is_audited(superuser_http, world):
    user = world.staff_b
    url = f"/admin/core/user/{user.pk}/change/"
    page = superuser_http.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"username": user.username, "date_joined_0": "2026-01-01",
                 "date_joined_1": "00:00:00", "preferred_language": "en", "is_active": "on"})
    existing = list(RoleAssignment.objects.filter(user=user))
    prefix = "role_assignments"
    data.update({f"{prefix}-TOTAL_FORMS": str(len(existing) + 1),
                 f"{prefix}-INITIAL_FORMS": str(len(existing)),
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    for i, grant in enumerate(existing):
        data.update({f"{prefix}-{i}-id": grant.pk, f"{prefix}-{i}-user": user.pk,
                     f"{prefix}-{i}-role": grant.role,
                     f"{prefix}-{i}-organisation": grant.organisation_id or "",
                     f"{prefix}-{i}-site": grant.site_id or "",
                     f"{prefix}-{i}-staff_kind": grant.staff_kind, f"{prefix}-{i}-active": "on"})
    n = len(existing)
    data.update({f"{prefix}-{n}-user": user.pk, f"{prefix}-{n}-role": Role.EVALUATOR,
                 f"{prefix}-{n}-active": "on"})
    response = superuser_http.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert RoleAssignment.objects.filter(user=user, role=Role.EVALUATOR).exists()
    event = AuditEvent.objects.latest("seq")
    assert (event.category, event.action) == ("roles", "admin_change")
    assert "+evaluator@all" in event.detail
    assert str(user.public_id) in event.detail


def test_admin_adds_a_user(superuser_http):
    from bridgeway.core.models import User

    response = superuser_http.post("/admin/core/user/add/", {
        "username": "newnurse", "password1": "a-long-Passphrase-91", "password2":
        "a-long-Passphrase-91", "usable_password": "true",
        "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(username="newnurse").exists()
