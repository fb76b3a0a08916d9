"""Accompanied appointments: consent, reminder, outcome (which logs the contact)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bridgeway.contacts.models import Appointment, Contact


def _when(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def test_plan_and_record_an_accompanied_appointment(world, login):
    http = login("supporter")
    url = reverse("contacts:appointment_new", args=[world.client_a.public_id])
    response = http.post(url, {"starts_at": _when(timedelta(days=3)), "duration_minutes": "60",
                               "place": "Housing office", "purpose": "Apply for housing",
                               "reminder_minutes": "1440"})
    assert response.status_code == 200
    assert "consent_to_accompany" in response.context["form"].errors
    response = http.post(url, {"starts_at": _when(timedelta(days=3)), "duration_minutes": "60",
                               "place": "Housing office", "purpose": "Apply for housing",
                               "reminder_minutes": "1440", "consent_to_accompany": "on"})
    assert response.status_code == 302
    appt = Appointment.objects.get()
    assert appt.supporter == world.supporter and appt.reminder_minutes == 1440
    detail = reverse("contacts:appointment", args=[appt.public_id])
    # Not happened yet: "attended" is refused with a field error.
    response = http.post(detail, {"outcome": "attended", "log_contact": "on"})
    assert response.status_code == 200 and "outcome" in response.context["form"].errors
    Appointment.objects.filter(pk=appt.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    response = http.post(detail, {"outcome": "attended", "note": "Spoke up well.",
                                  "log_contact": "on"})
    assert response.status_code == 302
    appt.refresh_from_db()
    assert appt.outcome == "attended" and appt.contact is not None
    contact = Contact.objects.get()
    assert contact.setting == "appointment" and contact.activities == ["advocacy"]
    assert contact.outcome == "met" and contact.duration_minutes == 60
    # Only once.
    response = http.post(detail, {"outcome": "missed"})
    assert response.status_code == 200 and "outcome" in response.context["form"].errors


def test_coordinator_plans_for_the_matched_supporter(world, login):
    response = login("coord_a").post(
        reverse("contacts:appointment_new", args=[world.client_a.public_id]),
        {"starts_at": _when(timedelta(days=1)), "duration_minutes": "45", "place": "Clinic",
         "purpose": "Medication review", "reminder_minutes": "60", "consent_to_accompany": "on"})
    assert response.status_code == 302
    assert Appointment.objects.get().supporter == world.supporter
