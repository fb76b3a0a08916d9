"""A coordinator onboards a peer supporter: profile, sites, invitation, training records."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.core.models import Role, RoleAssignment, TrainingModule, User
from bridgeway.supporters.models import SupporterProfile, TrainingRecord
from tests import factories as f
from tests.factories import signs_in

NEW = {"first_name": "Alex", "last_name": "Martin", "email": "alex@example.org",
       "username": "alex", "preferred_language": "fr", "employment": "volunteer",
       "hours_per_week": "6", "max_active_clients": "2", "gender": "man",
       "availability": ["mon-am", "thu-eve"], "home_fsa": "n6a"}


def _new(world, **over):
    return {**NEW, "organisation": world.peer_org_a.pk, "sites": [world.site_a.pk], **over}


def test_coordinator_creates_and_invites_a_supporter_who_sets_a_password(world, login):
    response = login("coord_a").post(f"/supporters/sites/{world.site_a.code}/new/", _new(world))
    assert response.status_code == 302
    profile = SupporterProfile.objects.get(user__username="alex")
    assert list(profile.sites.all()) == [world.site_a]
    assert profile.availability == ["mon-am", "thu-eve"] and profile.home_fsa == "N6A"
    assert RoleAssignment.objects.filter(user=profile.user, role=Role.PEER_SUPPORTER,
                                         organisation=world.peer_org_a, active=True).exists()
    assert not profile.user.has_usable_password()
    assert {e.action for e in AuditEvent.objects.filter(
        category__in=["accounts", "supporter_profile"])} >= {"create", "grant", "invite"}
    # The invitation, in French, names no one in its subject.
    (message,) = mail.outbox
    assert message.to == ["alex@example.org"] and "Alex" not in message.subject
    assert "Bridgeway" in message.subject and "Votre" in message.subject
    link = re.search(r"https?://\S+/accounts/invitation/(\S+)/", message.body)
    assert link
    anonymous = HttpClient()
    path = f"/accounts/invitation/{link.group(1)}/"
    assert anonymous.get(path).status_code == 200
    assert anonymous.post(path, {"new_password1": "short", "new_password2": "short"}
                          ).status_code == 200  # too short: a field error, nothing set
    response = anonymous.post(path, {"new_password1": "a-long-enough-secret-9",
                                     "new_password2": "a-long-enough-secret-9"})
    assert response.status_code == 302
    assert signs_in("alex", "a-long-enough-secret-9")


def test_bad_input_is_a_field_error_and_writes_nothing(world, login):
    http = login("coord_a")
    url = f"/supporters/sites/{world.site_a.code}/new/"
    response = http.post(url, _new(world, email="not-an-address", max_active_clients="99",
                                   sites=[]))
    assert response.status_code == 200
    assert {"email", "max_active_clients"} <= set(response.context["form"].errors)
    response = http.post(url, _new(world, username=world.coord_a.username))
    assert response.context["form"].errors["username"]
    assert not User.objects.filter(username="alex").exists()
    assert not mail.outbox


def test_a_coordinator_cannot_add_at_another_site(world, login):
    response = login("coord_a").post(f"/supporters/sites/{world.site_b.code}/new/", _new(world))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied", category="supporter_profile").exists()
    assert not User.objects.filter(username="alex").exists()


def test_sites_served_are_edited_within_the_coordinators_sites(world, login):
    world.supporter.sites.add(world.site_b)
    url = f"/supporters/{world.supporter.public_id}/edit/"
    profile = {"employment": "paid", "hours_per_week": "5", "max_active_clients": "3",
               "gender": "man", "status": "active"}
    # coord_a unticks site A: site B (not theirs) stays.
    assert login("coord_a").post(url, profile).status_code == 302
    assert list(world.supporter.sites.all()) == [world.site_b]


def test_the_last_site_cannot_be_removed(world, login):
    url = f"/supporters/{world.supporter.public_id}/edit/"
    response = login("coord_a").post(url, {"employment": "paid", "hours_per_week": "5",
                                           "max_active_clients": "3", "gender": "man",
                                           "status": "active"})
    assert response.status_code == 200 and response.context["form"].errors["sites"]
    assert list(world.supporter.sites.all()) == [world.site_a]


def test_training_dates_are_corrected_and_a_mistake_removed(world, login):
    module = TrainingModule.objects.create(code="core", name="Core", level=1)
    record = TrainingRecord.objects.create(supporter=world.supporter, module=module,
                                           completed_on=date(2025, 1, 10))
    http = login("coord_a")
    url = f"/supporters/{world.supporter.public_id}/training/{record.public_id}/"
    response = http.post(url, {"completed_on": "2025-01-10", "expires_on": "2024-01-01"})
    assert response.status_code == 200 and response.context["form"].errors["expires_on"]
    expiry = timezone.localdate() + timedelta(days=300)
    assert http.post(url, {"completed_on": "2025-01-12",
                           "expires_on": expiry.isoformat()}).status_code == 302
    record.refresh_from_db()
    assert (record.completed_on, record.expires_on) == (date(2025, 1, 12), expiry)
    assert http.post(url, {"delete": "1"}).status_code == 302
    assert not TrainingRecord.objects.exists()
    assert AuditEvent.objects.filter(action="training_delete").exists()


def test_resending_an_invitation_revokes_the_old_link(world, login):
    supporter = f.SupporterFactory(user=f.UserFactory(username="pending", email="p@example.org"),
                                   organisation=world.peer_org_a, sites=[world.site_a])
    supporter.user.set_unusable_password()
    supporter.user.save()
    http = login("coord_a")
    url = f"/supporters/{supporter.public_id}/invite/"
    http.post(url)
    http.post(url)
    first, second = (re.search(r"/accounts/invitation/(\S+)/", m.body).group(1)  # type: ignore[union-attr]
                     for m in mail.outbox)
    anonymous = HttpClient()
    assert anonymous.get(f"/accounts/invitation/{first}/").status_code == 404
    assert anonymous.get(f"/accounts/invitation/{second}/").status_code == 200
