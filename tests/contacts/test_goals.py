"""Recovery goals: steps, status, progress notes and the timeline, through the pages."""

from __future__ import annotations

from django.urls import reverse

from bridgeway.audit.models import AuditEvent
from bridgeway.contacts.models import GoalNote, RecoveryGoal


def test_supporter_sets_a_goal_with_steps_and_works_through_it(world, login):
    http = login("supporter")
    response = http.post(reverse("contacts:goals", args=[world.client_a.public_id]), {
        "domain": "school", "title": "Go back to college part time in September",
        "target_date": "2027-09-01", "steps": "Visit the college's open house\nAsk about bursaries\n"})
    assert response.status_code == 302
    goal = RecoveryGoal.objects.get()
    assert goal.site == world.site_a and goal.status == "active"
    assert [s.title for s in goal.steps.all()] == ["Visit the college's open house",
                                                   "Ask about bursaries"]
    url = reverse("contacts:goal", args=[goal.public_id])
    first = goal.steps.first()
    assert first is not None
    assert http.post(url, {"op": "step_done", "step": str(first.public_id)}).status_code == 302
    assert http.post(url, {"op": "add_step", "title": "Fill in the application"}).status_code == 302
    assert http.post(url, {"op": "note", "text": "Went to the open house together."}).status_code == 302
    assert http.post(url, {"op": "status", "status": "paused", "note": "Back in hospital"}).status_code == 302
    goal.refresh_from_db()
    first.refresh_from_db()
    assert first.done_on is not None and goal.status == "paused"
    kinds = list(goal.notes.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == ["created", "step_done", "step_added", "note", "status"]
    page = http.get(url)
    body = page.content.decode()
    assert "Went to the open house together." in body and "Fill in the application" in body
    assert AuditEvent.objects.filter(category="goals", action="status").exists()


def test_goal_form_errors_are_on_the_fields(world, login):
    http = login("supporter")
    response = http.post(reverse("contacts:goals", args=[world.client_a.public_id]),
                         {"domain": "astrology", "title": ""})
    assert response.status_code == 200
    assert {"domain", "title"} <= set(response.context["form"].errors)
    goal = RecoveryGoal.objects.create(client=world.client_a, site=world.site_a, domain="work",
                                       title="Find part-time work", created_by=world.coord_a)
    url = reverse("contacts:goal", args=[goal.public_id])
    response = http.post(url, {"op": "add_step", "title": ""})
    assert response.status_code == 200 and "title" in response.context["step_form"].errors
    response = http.post(url, {"op": "status", "status": "active"})
    assert response.status_code == 200 and "status" in response.context["status_form"].errors
    assert http.post(url, {"op": "step_done", "step": "not-a-uuid"}).status_code == 404
    assert http.post(url, {"op": "dance"}).status_code == 400
    assert not GoalNote.objects.exists()


def test_ward_staff_read_goals_but_cannot_change_them(world, login):
    goal = RecoveryGoal.objects.create(client=world.client_a, site=world.site_a, domain="work",
                                       title="Find part-time work", created_by=world.coord_a)
    http = login("staff_a")
    url = reverse("contacts:goal", args=[goal.public_id])
    response = http.get(url)
    assert response.status_code == 200 and "Find part-time work" in response.content.decode()
    assert 'name="op"' not in response.content.decode()
    assert http.post(url, {"op": "note", "text": "x"}).status_code == 403
    assert login("other_supporter").get(url).status_code == 403
