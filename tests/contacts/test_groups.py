"""Groups (decision 0024): scheduled ahead, once or weekly; listed per site; attendance taken
once a group has started, not before and not twice; scheduled sessions in the facilitators'
calendar feeds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bridgeway.audit.models import AuditEvent
from bridgeway.contacts.models import CalendarFeed, Contact, GroupSession
from bridgeway.contacts.services.groups import GroupPlan, group_attendance_record, group_schedule
from bridgeway.core.actors import Actor
from bridgeway.web.navigation import nav_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def coord(world):  # type: ignore[no-untyped-def]
    return Actor(user=world.coord_a, role="coordinator", site_code="riverside")


def plan(world, **kw) -> GroupPlan:  # type: ignore[no-untyped-def]
    values = {"site": world.site_a, "kind": "on_ward", "topic": "Sleep and routine",
              "starts_at": timezone.now() + timedelta(days=1), "duration_minutes": 60,
              "facilitators": [world.supporter], "weeks": 1, **kw}
    return GroupPlan(**values)


def local(value):  # type: ignore[no-untyped-def]
    return value.strftime("%Y-%m-%dT%H:%M")


def test_a_weekly_group_is_one_series_at_the_same_local_time(world):
    start = timezone.now() + timedelta(days=3)
    sessions = group_schedule(actor=coord(world), plan=plan(world, starts_at=start, weeks=4))
    assert len(sessions) == 4
    assert len({s.series for s in sessions}) == 1 and sessions[0].series is not None
    times = [timezone.localtime(s.starts_at) for s in sessions]
    assert [(t.hour, t.minute, t.weekday()) for t in times] == [(times[0].hour, times[0].minute,
                                                                  times[0].weekday())] * 4
    assert [(b.date() - a.date()).days for a, b in zip(times, times[1:], strict=False)] == [7] * 3
    assert all(list(s.facilitators.all()) == [world.supporter] for s in sessions)
    assert not Contact.objects.exists()  # nobody attends a group to come
    assert AuditEvent.objects.filter(category="group", action="schedule",
                                     detail__contains="weeks:4").count() == 1


def test_scheduling_is_validated(world):
    elsewhere = f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_b])
    for kw, field in [({"starts_at": timezone.now() - timedelta(hours=2)}, "starts_at"),
                      ({"weeks": 0}, "weeks"), ({"weeks": 27}, "weeks"),
                      ({"topic": " "}, "topic"), ({"kind": "picnic"}, "kind"),
                      ({"duration_minutes": 0}, "duration_minutes"),
                      ({"facilitators": []}, "facilitators"),
                      ({"facilitators": [elsewhere]}, "facilitators")]:
        with pytest.raises(ValidationError) as exc:
            group_schedule(actor=coord(world), plan=plan(world, **kw))
        assert field in exc.value.message_dict, kw
    assert not GroupSession.objects.exists()


def test_attendance_after_the_start_only_and_once(world):
    soon, = group_schedule(actor=coord(world), plan=plan(world))
    with pytest.raises(ValidationError, match="once the group has started"):
        group_attendance_record(actor=coord(world), session=soon, attendees=[world.client_a])
    GroupSession.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        group_attendance_record(actor=coord(world), session=soon,
                                attendees=[world.client_a, world.client_b])
    assert "attendees" in exc.value.message_dict
    group_attendance_record(actor=coord(world), session=soon, attendees=[world.client_a])
    contact = Contact.objects.get()
    assert (contact.client, contact.group_session, contact.is_group) == (world.client_a, soon, True)
    assert contact.supporter == world.supporter and contact.setting == "ward"
    soon.refresh_from_db()
    assert soon.attendance_taken_at is not None
    with pytest.raises(ValidationError, match="already recorded"):
        group_attendance_record(actor=coord(world), session=soon, attendees=[world.client_a])
    assert Contact.objects.count() == 1


def test_schedule_page_then_the_list_shows_it_and_links_to_it(world, login):
    http = login("coord_a")
    start = timezone.localtime() + timedelta(days=2)
    response = http.post(reverse("contacts:group_schedule"), {
        "site": "riverside", "kind": "community", "topic": "Walk and talk",
        "starts_at": local(start), "duration_minutes": "45", "weeks": "3",
        "facilitators": [str(world.supporter.pk)]})
    assert response.status_code == 302
    assert GroupSession.objects.filter(topic="Walk and talk").count() == 3
    past = GroupSession.objects.create(site=world.site_a, kind="on_ward", topic="Last week",
                                       starts_at=timezone.now() - timedelta(days=7),
                                       duration_minutes=60, created_by=world.coord_a)
    page = http.get(reverse("contacts:groups")).content.decode()
    for session in GroupSession.objects.all():
        assert reverse("contacts:group", args=[session.public_id]) in page
    assert page.index("Walk and talk") < page.index("Past groups") < page.index("Last week")
    assert reverse("contacts:group_attendance", args=[past.public_id]) in page
    # each group's page, reached from the list
    upcoming = GroupSession.objects.filter(topic="Walk and talk").first()
    detail = http.get(reverse("contacts:group", args=[upcoming.public_id])).content.decode()
    assert "Scheduled" in detail
    assert reverse("contacts:group_attendance", args=[upcoming.public_id]) not in detail


def test_schedule_form_bounds(world, login):
    http = login("coord_a")
    far = timezone.localtime() + timedelta(days=700)
    response = http.post(reverse("contacts:group_schedule"), {
        "site": "riverside", "kind": "on_ward", "topic": "Sleep", "starts_at": local(far),
        "duration_minutes": "60", "weeks": "10", "facilitators": [str(world.supporter.pk)]})
    assert response.status_code == 400
    assert "weeks" in response.context["form"].errors  # the tenth session is too far ahead
    response = http.post(reverse("contacts:group_schedule"), {
        "site": "riverside", "kind": "on_ward", "topic": "Sleep", "starts_at": "9999-12-31T23:59",
        "duration_minutes": "60", "weeks": "1", "facilitators": [str(world.supporter.pk)]})
    assert response.status_code == 400
    assert "starts_at" in response.context["form"].errors
    assert not GroupSession.objects.exists()


def test_attendance_page_before_and_after_the_start(world, login):
    session, = group_schedule(actor=coord(world), plan=plan(world))
    http = login("supporter")  # the facilitator
    url = reverse("contacts:group_attendance", args=[session.public_id])
    assert "once the group has started" in http.get(url).content.decode()
    response = http.post(url, {"attendees": [str(world.client_a.public_id)]})
    assert response.status_code == 400 and not Contact.objects.exists()
    GroupSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30))
    assert http.post(url, {"attendees": [str(world.client_a.public_id)]}).status_code == 302
    assert Contact.objects.filter(group_session=session, client=world.client_a).exists()
    page = http.get(reverse("contacts:group", args=[session.public_id])).content.decode()
    assert "Daniel Tremblay" in page


def test_scheduled_groups_are_in_the_facilitators_feed_only(world):
    session, = group_schedule(actor=coord(world), plan=plan(
        world, starts_at=timezone.now() + timedelta(days=10), topic="Cooking on a budget"))
    mine = CalendarFeed.objects.create(supporter=world.supporter)
    theirs = CalendarFeed.objects.create(supporter=world.other_supporter)
    body = HttpClient().get(reverse("contacts:calendar_feed", args=[mine.token])).content
    events = [e for e in Calendar.from_ical(body).walk("VEVENT")
              if str(e["uid"]) == f"group-{session.public_id}@bridgeway"]
    assert len(events) == 1 and "Cooking on a budget" in str(events[0]["summary"])
    assert str(events[0]["url"]).endswith(reverse("contacts:group", args=[session.public_id]))
    other = HttpClient().get(reverse("contacts:calendar_feed", args=[theirs.token])).content
    assert b"Cooking on a budget" not in other


def test_groups_are_in_the_navigation_of_coordinators_and_supporters(world):
    url = reverse("contacts:groups")
    assert any(i["url"] == url for i in nav_for(world.coord_a))
    assert any(i["url"] == url for i in nav_for(world.supporter.user))
    assert not any(i["url"] == url for i in nav_for(world.staff_a))


def test_the_list_takes_the_same_queries_however_many_groups(world, login):
    from tests.access.test_query_counts import constant

    group_schedule(actor=coord(world), plan=plan(world, weeks=2))
    GroupSession.objects.create(site=world.site_a, kind="community", topic="Past",
                                starts_at=timezone.now() - timedelta(days=9),
                                duration_minutes=60, created_by=world.coord_a)

    def more() -> None:
        group_schedule(actor=coord(world), plan=plan(world, weeks=10, topic="More"))
        for k in range(5):
            GroupSession.objects.create(site=world.site_a, kind="community", topic=f"Past {k}",
                                        starts_at=timezone.now() - timedelta(days=k + 1),
                                        duration_minutes=60, created_by=world.coord_a)

    assert constant(login("coord_a"), reverse("contacts:groups"), more) <= 15
