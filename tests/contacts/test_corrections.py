"""Corrections with a trail (decision 0022): who may correct or delete a contact and until when,
the earlier versions kept and shown to those allowed, every change audited, and a second
submit of the same form saving nothing new."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bridgeway.audit.models import AuditEvent
from bridgeway.contacts.models import Contact, ContactVersion

from .helpers import add_contact


def _when(hours: int = 1) -> str:
    return (timezone.localtime() - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _fields(**extra: object) -> dict[str, object]:
    return {"occurred_at": _when(), "duration_minutes": "45", "mode": "in_person",
            "setting": "community", "outcome": "met", "note": "Walked to the library.", **extra}


def _logged_days_ago(world, days: int, **kwargs: object) -> Contact:  # type: ignore[no-untyped-def]
    contact = add_contact(world.match_a, note="First note", setting="community", **kwargs)
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=days))
    contact.refresh_from_db()
    return contact


# --- the same form twice: one contact ------------------------------------------------------

def test_saving_the_same_form_twice_makes_one_contact(world, login):
    http = login("supporter")
    url = reverse("contacts:log", args=[world.client_a.public_id])
    data = _fields(form_token=str(uuid.uuid4()))
    assert http.post(url, data).status_code == 302
    again = http.post(url, data, follow=True)
    contact = Contact.objects.get()
    assert again.redirect_chain[-1][0] == reverse("contacts:entry", args=[contact.public_id])
    assert "already saved" in again.content.decode()
    # A new form (a new token) still logs another contact.
    assert http.post(url, _fields(form_token=str(uuid.uuid4()))).status_code == 302
    assert Contact.objects.count() == 2


def test_a_token_used_by_someone_else_saves_nothing(world, login):
    token = str(uuid.uuid4())
    login("coord_a").post(reverse("contacts:log", args=[world.client_a.public_id]),
                          _fields(form_token=token))
    response = login("supporter").post(reverse("contacts:log", args=[world.client_a.public_id]),
                                       _fields(form_token=token))
    assert response.status_code == 200 and response.context["form"].errors
    assert Contact.objects.count() == 1


# --- correcting --------------------------------------------------------------------------

def test_the_supporter_corrects_their_contact_and_the_earlier_version_is_kept(world, login):
    contact = _logged_days_ago(world, 2, minutes=60)
    http = login("supporter")
    edit = http.get(reverse("contacts:entry_edit", args=[contact.public_id]))
    assert edit.status_code == 200 and edit.context["form"].initial["duration_minutes"] == 60
    data = _fields(duration_minutes="30", note="Corrected note", reason="Wrong length",
                   form_token=str(uuid.uuid4()))
    response = http.post(reverse("contacts:entry_edit", args=[contact.public_id]), data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.duration_minutes == 30 and contact.note == "Corrected note"
    assert contact.version == 2 and contact.corrected_at is not None
    old = ContactVersion.objects.get(contact_public_id=contact.public_id)
    assert old.version == 1 and old.values["duration_minutes"] == 60
    assert old.values["note"] == "First note" and old.reason == "Wrong length"
    with connection.cursor() as cursor:  # the kept note is encrypted like the contact's (0020)
        cursor.execute("SELECT c.note, v.\"values\", v.reason FROM contacts_contact c, "
                       "contacts_contactversion v WHERE c.id = %s AND v.id = %s",
                       [contact.pk, old.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in raw)  # tokens, not JSON or words
    assert AuditEvent.objects.filter(action="correct", category="contact_log",
                                     client_public_id=world.client_a.public_id,
                                     detail=f"contact:{contact.public_id}:v2").exists()
    # The same correction form sent again changes nothing more.
    http.post(reverse("contacts:entry_edit", args=[contact.public_id]), data)
    assert ContactVersion.objects.count() == 1
    page = http.get(reverse("contacts:entry", args=[contact.public_id])).content.decode()
    assert "Corrected on" in page and "Earlier versions" in page and "First note" in page


def test_ward_staff_see_that_it_was_corrected_but_not_the_earlier_versions(world, login):
    contact = _logged_days_ago(world, 1)
    login("supporter").post(reverse("contacts:entry_edit", args=[contact.public_id]),
                            _fields(note="Second"))
    page = login("staff_a").get(reverse("contacts:entry", args=[contact.public_id]))
    body = page.content.decode()
    assert page.status_code == 200 and "Corrected on" in body
    assert "Earlier versions" not in body and "First note" not in body and "Second" not in body
    assert not page.context["page"].can_correct


def test_the_supporter_cannot_correct_after_the_window(world, login):
    contact = _logged_days_ago(world, 8)
    http = login("supporter")
    assert not http.get(reverse("contacts:entry", args=[contact.public_id])).context[
        "page"].can_correct
    response = http.post(reverse("contacts:entry_edit", args=[contact.public_id]),
                         _fields(duration_minutes="5"))
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.duration_minutes == 60 and contact.version == 1
    assert AuditEvent.objects.filter(action="correct", outcome="denied").exists()
    # Their coordinator still can.
    assert login("coord_a").post(reverse("contacts:entry_edit", args=[contact.public_id]),
                                 _fields(duration_minutes="5")).status_code == 302


@override_settings(BRIDGEWAY_CONTACT_CORRECTION_DAYS=1)
def test_the_window_is_a_setting(world, login):
    contact = _logged_days_ago(world, 2)
    response = login("supporter").get(reverse("contacts:entry_edit", args=[contact.public_id]))
    assert response.status_code == 403


def test_a_supporter_cannot_correct_a_contact_someone_else_logged(world, login):
    contact = _logged_days_ago(world, 1, logged_by=world.coord_a)
    response = login("supporter").post(reverse("contacts:entry_edit", args=[contact.public_id]),
                                       _fields())
    assert response.status_code == 403
    assert ContactVersion.objects.count() == 0


def test_a_coordinator_of_another_site_cannot_correct(world, login):
    contact = _logged_days_ago(world, 1)
    response = login("coord_b").post(reverse("contacts:entry_edit", args=[contact.public_id]),
                                     _fields())
    assert response.status_code == 403
    assert ContactVersion.objects.count() == 0


def test_group_attendance_is_not_corrected_here(world, login):
    contact = _logged_days_ago(world, 1, is_group=True)
    assert login("coord_a").get(reverse("contacts:entry_edit",
                                        args=[contact.public_id])).status_code == 403


# --- deleting ----------------------------------------------------------------------------

def test_a_deleted_contact_no_longer_counts_and_the_coordinator_still_reads_it(world, login):
    contact = _logged_days_ago(world, 1)
    http = login("supporter")
    response = http.post(reverse("contacts:entry_delete", args=[contact.public_id]),
                         {"reason": "Logged for the wrong person"})
    assert response.status_code == 302
    assert not Contact.objects.exists()
    kept = ContactVersion.objects.get(contact_public_id=contact.public_id)
    assert kept.change == "deleted" and kept.values["note"] == "First note"
    assert AuditEvent.objects.filter(action="delete", detail=f"contact:{contact.public_id}",
                                     client_public_id=world.client_a.public_id).exists()
    mine = http.get(reverse("contacts:client", args=[world.client_a.public_id]))
    assert "Deleted contacts" not in mine.content.decode()
    coordinator = login("coord_a").get(reverse("contacts:client",
                                               args=[world.client_a.public_id]))
    body = coordinator.content.decode()
    assert "Deleted contacts" in body and "Logged for the wrong person" in body


def test_deleting_after_the_window_is_refused(world, login):
    contact = _logged_days_ago(world, 10)
    response = login("supporter").post(reverse("contacts:entry_delete",
                                               args=[contact.public_id]))
    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_contact_page_is_read_through_the_client(world, login):
    contact = _logged_days_ago(world, 1)
    assert login("other_supporter").get(reverse("contacts:entry",
                                                args=[contact.public_id])).status_code == 403
    assert AuditEvent.objects.filter(category="contact_log", outcome="denied",
                                     detail=f"contact:{contact.public_id}").exists()
    assert login("supporter").get(reverse("contacts:entry",
                                          args=[uuid.uuid4()])).status_code == 404
