"""The supporter's private iCalendar feed.

What leaves Bridgeway here ends up in a phone's calendar app, outside the audit and the
access layer, so events carry only the client's first name and last initial
(Client.first_name_initial), the time and the place; the purpose stays in Bridgeway behind
sign-in (the event links to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from bridgeway.supporters.models import SupporterProfile

from .models import Appointment, GroupSession


def feed_ics(*, supporter: SupporterProfile, appointments: Sequence[Appointment],
             groups: Sequence[GroupSession], base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Bridgeway//Peer support calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Bridgeway appointments"))
    now = timezone.now()
    for appt in appointments:
        event = Event()
        event.add("uid", f"appointment-{appt.public_id}@bridgeway")
        event.add("dtstamp", now)
        event.add("dtstart", appt.starts_at)
        event.add("dtend", appt.starts_at + timedelta(minutes=appt.duration_minutes))
        event.add("summary", _("Accompany %(name)s") % {"name": appt.client.first_name_initial})
        event.add("location", appt.place)
        event.add("url", base_url + reverse("contacts:appointment", args=[appt.public_id]))
        if appt.outcome in (Appointment.Outcome.CANCELLED, Appointment.Outcome.RESCHEDULED):
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        if appt.reminder_minutes:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _("Appointment with %(name)s")
                      % {"name": appt.client.first_name_initial})
            alarm.add("trigger", timedelta(minutes=-appt.reminder_minutes))
            event.add_component(alarm)
        cal.add_component(event)
    for group in groups:
        event = Event()
        event.add("uid", f"group-{group.public_id}@bridgeway")
        event.add("dtstamp", now)
        event.add("dtstart", group.starts_at)
        event.add("dtend", group.starts_at + timedelta(minutes=group.duration_minutes))
        event.add("summary", _("Group: %(topic)s") % {"topic": group.topic})
        event.add("location", group.get_kind_display())
        event.add("url", base_url + reverse("contacts:group", args=[group.public_id]))
        cal.add_component(event)
    return cal.to_ical()
