"""The safety panel of the client page says what the binder, checklist, bridging and outreach
hold, read in one summary (safety.selectors.care_summary), as each reader may see it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bridgeway.core.actors import Actor
from bridgeway.safety.models import DischargeChecklist
from bridgeway.safety.services import care


def _page(login, world, persona: str) -> str:  # type: ignore[no-untyped-def]
    url = reverse("clients:detail", kwargs={"public_id": world.client_a.public_id})
    response = login(persona).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_safety_net_says_nothing_of_it(world, login):
    html = _page(login, world, "coord_a")
    assert "recent binder" not in html and "Bridging" not in html
    assert "Outreach under way" not in html


def test_the_panel_names_owner_bridging_outreach_and_counts_entries(world, login):
    coordinator = Actor(user=world.coord_a, role="coordinator", site_code=world.site_a.code)
    nurse = Actor(user=world.staff_a, role="ward_staff")
    world.staff_a.first_name, world.staff_a.last_name = "Nora", "Gagnon"
    world.staff_a.save()
    care.binder_set_in_charge(actor=coordinator, client=world.client_a, person=world.staff_a)
    for k in range(7):
        care.binder_add_entry(actor=nurse, client=world.client_a, category="appointment",
                              text=f"Clinic {k}")
    care.binder_add_entry(actor=nurse, client=world.client_a, category="concern",
                          text="Watch for drowsiness", staff_only=True)
    care.bridging_start(actor=nurse, client=world.client_a, staff=world.staff_a,
                        started_on=timezone.localdate() - dt.timedelta(days=3))
    care.outreach_open(actor=coordinator, client=world.client_a)

    html = _page(login, world, "coord_a")
    assert "5 recent binder entries" in html  # the most recent, not all eight
    assert "in charge: Nora Gagnon" in html
    assert "Bridging with Nora Gagnon" in html
    assert "Outreach under way" in html


def test_bridging_ended_and_the_checklist_of_the_known_stay(world, login):
    nurse = Actor(user=world.staff_a, role="ward_staff")
    today = timezone.localdate()
    bridging = care.bridging_start(actor=nurse, client=world.client_a, staff=world.staff_a,
                                   started_on=today - dt.timedelta(days=10))
    care.bridging_establish(actor=nurse, bridging=bridging, established_on=today,
                            provider="Dr. Roy", agency="CLSC")
    stay = world.client_a.stays.get()
    DischargeChecklist.objects.create(stay=stay, client=world.client_a,
                                      community_plan_agreed_on=today)
    html = _page(login, world, "coord_a")
    assert "Bridging ended: community provider in place" in html
    assert "✓ community plan" in html and "○ met on the ward" in html


def test_a_supporter_counts_only_the_entries_they_may_read(world, login):
    nurse = Actor(user=world.staff_a, role="ward_staff")
    care.binder_add_entry(actor=nurse, client=world.client_a, category="appointment",
                          text="Clinic on Tuesday")
    care.binder_add_entry(actor=nurse, client=world.client_a, category="appointment",
                          text="Staff note", staff_only=True)
    assert "1 recent binder entry" in _page(login, world, "supporter")
    assert "2 recent binder entries" in _page(login, world, "coord_a")
