"""Client pages: what each persona sees, one audit event per view, the withheld note."""

from __future__ import annotations

import uuid

import pytest

from bridgeway.audit.models import AuditEvent

PHONE = "519-555-0100"
WITHHELD = "Some information is withheld at the client"


def events() -> int:
    return AuditEvent.objects.count()


@pytest.mark.parametrize("persona", ["coord_a", "lead_a", "supporter", "staff_a", "admin"])
def test_client_page_view_writes_exactly_one_event(world, login, persona):
    http = login(persona)
    before = events()
    response = http.get(f"/clients/{world.client_a.public_id}/")
    assert response.status_code == 200
    assert events() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.client_public_id == world.client_a.public_id
    assert event.outcome == "allowed"
    assert event.actor_username == world.persona(persona).username


@pytest.mark.parametrize("persona", ["other_supporter", "coord_b", "staff_b", "evaluator"])
def test_denied_client_page_writes_a_denied_event(world, login, persona):
    http = login(persona)
    before = events()
    response = http.get(f"/clients/{world.client_a.public_id}/")
    assert response.status_code == 403
    assert events() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.outcome, event.client_public_id) == ("denied", world.client_a.public_id)
    assert "Daniel" not in response.content.decode()


@pytest.mark.parametrize(("url", "persona"), [
    ("/clients/mine/", "supporter"),
    ("/clients/ward/", "staff_a"),
    ("/clients/sites/riverside/", "coord_a"),
    ("/clients/sites/riverside/", "lead_a"),
])
def test_list_pages_write_one_event_naming_every_listed_client(world, login, url, persona):
    http = login(persona)
    before = events()
    response = http.get(url)
    assert response.status_code == 200
    assert events() == before + 1
    event = AuditEvent.objects.latest("seq")
    if persona in {"supporter", "staff_a"}:
        assert str(world.client_a.public_id) in event.subjects


def test_malformed_and_unknown_ids_are_404_not_500(world, login):
    http = login("coord_a")
    assert http.get(f"/clients/{uuid.uuid4()}/").status_code == 404
    assert http.get("/clients/not-a-uuid/").status_code == 404
    assert http.get(f"/clients/{world.client_a.public_id}/enrolments/{uuid.uuid4()}/consent/"
                    ).status_code == 404
    assert http.get("/clients/refer/?client=xyz").status_code == 404


def test_supporter_sees_consented_details_and_the_withheld_note(world, login):
    page = login("supporter").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert "Daniel Tremblay" in page
    assert PHONE in page
    assert WITHHELD in page
    # background and safety notes are not shared in the persona's consent
    assert world.client_a.background not in page
    assert world.client_a.safety_notes not in page
    assert "Record consent" not in page and "Change status" not in page


def test_coordinator_sees_the_whole_record_with_history(world, login):
    page = login("coord_a").get(f"/clients/{world.client_a.public_id}/").content.decode()
    for text in (PHONE, world.client_a.background, world.client_a.safety_notes,
                 "Record consent", "Change status", "Consent in force", "Who accessed"):
        assert text in page, text
    assert WITHHELD not in page


def test_ward_staff_do_not_see_the_private_background(world, login):
    page = login("staff_a").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert world.client_a.safety_notes in page
    assert world.client_a.background not in page
    assert "Record consent" not in page


def test_withdrawing_a_category_hides_it_from_the_supporter_at_once(world, login, client):
    supporter = world.supporter.user
    client.force_login(supporter)
    assert PHONE in client.get("/clients/mine/").content.decode()

    client.force_login(world.coord_a)
    response = client.post(
        f"/clients/{world.client_a.public_id}/enrolments/{world.enrolment_a.public_id}/consent/",
        {"participation": "yes", "share": ["discharge_date", "stay_status"]})
    assert response.status_code == 302

    client.force_login(supporter)
    mine = client.get("/clients/mine/").content.decode()
    detail = client.get(f"/clients/{world.client_a.public_id}/").content.decode()
    for page in (mine, detail):
        assert PHONE not in page
        assert world.client_a.email not in page
        assert WITHHELD in page
    assert "Daniel Tremblay" in detail  # still their client


def test_withdrawing_participation_ends_the_supporters_access(world, login, client):
    client.force_login(world.coord_a)
    response = client.post(
        f"/clients/{world.client_a.public_id}/enrolments/{world.enrolment_a.public_id}/consent/",
        {"participation": "no", "note": "Client asked to stop"})
    assert response.status_code == 302
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == "withdrawn"
    client.force_login(world.supporter.user)
    assert client.get(f"/clients/{world.client_a.public_id}/").status_code == 403
    assert "Daniel" not in client.get("/clients/mine/").content.decode()


def test_evaluator_home_shows_counts_only(world, login):
    page = login("evaluator").get("/clients/evaluation/").content.decode()
    assert "Riverside TDM" in page and "Lakeview TDM" in page
    for forbidden in ("Daniel", "Tremblay", "Maya", str(world.client_a.public_id), "/clients/"
                      + str(world.client_b.public_id)):
        assert forbidden not in page


def test_coordinator_dashboard_orders_the_waitlist_priority_first(world, login):
    from datetime import timedelta

    from django.utils import timezone

    from tests import factories as f

    now = timezone.now()
    old = f.EnrolmentFactory(site=world.site_a, client=f.ClientFactory(given_name="Oldest"),
                             waitlisted_since=now - timedelta(days=30))
    new = f.EnrolmentFactory(site=world.site_a, client=f.ClientFactory(given_name="Newest"),
                             waitlisted_since=now - timedelta(days=1))
    prio = f.EnrolmentFactory(site=world.site_a, client=f.ClientFactory(given_name="Prio"),
                              waitlisted_since=now, priority=True)
    page = login("coord_a").get("/clients/sites/riverside/").content.decode()
    positions = [page.index(e.client.given_name) for e in (prio, old, new)]
    assert positions == sorted(positions)
    assert "Maya" not in page  # site B's client
    assert world.other_supporter.user.get_full_name() in page  # free capacity


def test_home_redirects_to_the_first_role_home(world, login):
    assert login("supporter").get("/").url == "/clients/mine/"
    assert login("staff_a").get("/").url == "/clients/ward/"
    assert login("coord_a").get("/").url == "/clients/sites/riverside/"
    assert login("evaluator").get("/").url == "/clients/evaluation/"
    assert login("admin").get("/").url == "/administration/"


def test_buttons_follow_the_enrolment_site(world, login):
    """A coordinator of A sees no consent/status buttons on the client's enrolment at B."""
    from tests import factories as f

    f.EnrolmentFactory(client=world.client_a, site=world.site_b, status="referred")
    page = login("coord_a").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert page.count("Record consent") == 1
    assert page.count("Change status") == 1
    page = login("admin").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert page.count("Record consent") == 2


def test_ward_home_lists_inpatients_with_refer_and_inline_discharge(world, login):
    from tests import factories as f

    waiting = f.ClientFactory(given_name="Inez", family_name="Patient")
    f.StayFactory(client=waiting, ward=world.ward_a)
    gone = f.ClientFactory(given_name="Gone", family_name="Home")
    f.StayFactory(client=gone, ward=world.ward_a, discharged_on=world.client_a.stays.first()
                  .admitted_on)
    page = login("staff_a").get("/clients/ward/").content.decode()
    assert "Inez Patient" in page and "Daniel Tremblay" in page
    assert "Gone Home" not in page  # discharged
    assert "Maya" not in page  # hospital B
    assert f"/clients/refer/?client={waiting.public_id}" in page
    assert f"/clients/refer/?client={world.client_a.public_id}" not in page  # already referred
    assert 'hx-post="/clients/' in page and 'name="expected_discharge_on"' in page


def test_refer_an_existing_inpatient_reuses_the_open_stay(world, login):
    from tests import factories as f

    waiting = f.ClientFactory(given_name="Inez", family_name="Patient")
    stay = f.StayFactory(client=waiting, ward=world.ward_a)
    http = login("staff_a")
    url = f"/clients/refer/?client={waiting.public_id}"
    page = http.get(url).content.decode()
    assert "Referring Inez Patient again" in page and 'name="given_name"' not in page
    response = http.post(url, {"client": str(waiting.public_id), "site": world.site_a.pk,
                               "ward": world.ward_a.pk, "admitted_on": stay.admitted_on,
                               "note": "Asked for a peer"})
    assert response.status_code == 302
    enrolment = waiting.enrolments.get()
    assert enrolment.stay == stay and waiting.stays.count() == 1


def test_refer_again_with_an_open_referral_is_a_form_error(world, login):
    http = login("staff_a")
    stay = world.client_a.stays.first()
    response = http.post(f"/clients/refer/?client={world.client_a.public_id}", {
        "site": world.site_a.pk, "ward": world.ward_a.pk, "admitted_on": stay.admitted_on})
    assert response.status_code == 200
    assert "already in the program" in " ".join(response.context["form"].non_field_errors())
    assert world.client_a.enrolments.count() == 1


@pytest.mark.parametrize("suffix", [
    "", "edit/", "enrolments/{e}/consent/", "enrolments/{e}/status/", "enrolments/{e}/match/",
    "matches/{m}/end/", "stays/admit/", "stays/{s}/expected-discharge/", "stays/{s}/discharge/",
])
def test_every_client_page_writes_exactly_one_event(world, login, suffix):
    http = login("coord_a")
    path = f"/clients/{world.client_a.public_id}/" + suffix.format(
        e=world.enrolment_a.public_id, m=world.match_a.public_id,
        s=world.client_a.stays.first().public_id)
    before = events()
    assert http.get(path).status_code == 200
    assert events() == before + 1
    assert AuditEvent.objects.latest("seq").client_public_id == world.client_a.public_id
