"""Forms validate on the server, show errors on the field, and save nothing when wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bridgeway.clients.models import Client, Enrolment, EnrolmentStatusChange, HospitalStay

TODAY = timezone.localdate()


def referral(world, **overrides):
    data = {
        "site": world.site_a.pk, "ward": world.ward_a.pk, "given_name": "Alex",
        "family_name": "Newman", "date_of_birth": "1990-01-02", "gender": "undisclosed",
        "admitted_on": (TODAY - timedelta(days=2)).isoformat(),
        "expected_discharge_on": (TODAY + timedelta(days=5)).isoformat(),
        "pref_gender_strength": "none", "pref_age_strength": "none",
        "pref_language_strength": "none", "note": "Would like support after discharge",
    }
    data.update(overrides)
    return data


def field_errors(response, name):
    form = response.context["form"]
    return form.errors.get(name, [])


def test_ward_staff_refer_a_new_client(world, login):
    response = login("staff_a").post("/clients/refer/", referral(
        world, health_card_number="9876 543 217 AB", home_fsa="n6a", pref_gender="woman",
        pref_gender_strength="required"))
    assert response.status_code == 302
    client = Client.objects.get(family_name="Newman")
    card = client.identifiers.get(kind="health_card")
    assert (card.value, card.source) == ("9876543217AB", "referral")
    assert client.home_fsa == "N6A"
    assert (client.pref_gender, client.pref_gender_strength) == ("woman", "required")
    enrolment = client.enrolments.get()
    assert (enrolment.status, enrolment.site, enrolment.referred_by) == (
        "referred", world.site_a, world.staff_a)
    assert client.stays.get().expected_discharge_on == TODAY + timedelta(days=5)
    assert response.url == f"/clients/{client.public_id}/"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("health_card_number", "12345", "10 digits"),
    ("health_card_number", "1234567890", "check digit"),
    ("home_fsa", "ZZZ", "first three characters"),
    ("expected_discharge_on", (TODAY - timedelta(days=30)).isoformat(), "before the admission"),
    ("date_of_birth", (TODAY + timedelta(days=1)).isoformat(), "in the past"),
    ("admitted_on", (TODAY + timedelta(days=3)).isoformat(), "future"),
])
def test_bad_referral_shows_the_field_error_and_saves_nothing(world, login, field, value, message):
    counts = (Client.objects.count(), Enrolment.objects.count(), HospitalStay.objects.count())
    response = login("coord_a").post("/clients/refer/", referral(world, **{field: value}))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors and message in " ".join(errors), errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert (Client.objects.count(), Enrolment.objects.count(),
            HospitalStay.objects.count()) == counts


def test_referral_to_a_ward_of_another_hospital_is_refused(world, login):
    response = login("admin").post("/clients/refer/", referral(world, ward=world.ward_b.pk))
    assert response.status_code == 200
    assert field_errors(response, "ward")
    assert not Client.objects.filter(family_name="Newman").exists()


def test_referral_site_choices_are_the_users_sites(world, login):
    response = login("staff_b").post("/clients/refer/", referral(world))
    assert response.status_code == 200
    assert field_errors(response, "site")
    assert not Client.objects.filter(family_name="Newman").exists()


def test_garbage_input_never_500s(world, login):
    http = login("coord_a")
    url = f"/clients/{world.client_a.public_id}/"
    e = world.enrolment_a.public_id
    stay = world.client_a.stays.first().public_id
    junk = {"site": "x", "ward": "'; drop", "date_of_birth": "31/31/31", "admitted_on": "no",
            "to_status": "???", "reason": "", "supporter": "abc", "expected_discharge_on": "1e9",
            "discharged_on": "soon", "share": ["everything"], "participation": "maybe",
            "pref_age_min": "-5", "languages": ["x"], "email": "not-an-email"}
    for path in ("/clients/refer/", f"{url}edit/", f"{url}enrolments/{e}/consent/",
                 f"{url}enrolments/{e}/status/", f"{url}enrolments/{e}/match/",
                 f"{url}matches/{world.match_a.public_id}/end/", f"{url}stays/admit/",
                 f"{url}stays/{stay}/expected-discharge/", f"{url}stays/{stay}/discharge/"):
        response = http.post(path, junk)
        assert response.status_code == 200, path
        assert response.context["form"].errors, path


def test_invalid_transition_is_a_field_error_and_nothing_changes(world, login):
    history = EnrolmentStatusChange.objects.count()
    url = (f"/clients/{world.client_a.public_id}/enrolments/"
           f"{world.enrolment_a.public_id}/status/")
    response = login("coord_a").post(url, {"to_status": "referred", "reason": "Try it"})
    assert response.status_code == 200
    assert field_errors(response, "to_status")
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == "matched"
    assert EnrolmentStatusChange.objects.count() == history


def test_status_change_needs_a_reason(world, login):
    url = (f"/clients/{world.client_a.public_id}/enrolments/"
           f"{world.enrolment_a.public_id}/status/")
    response = login("coord_a").post(url, {"to_status": "active", "reason": "   "})
    assert response.status_code == 200
    assert field_errors(response, "reason")
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == "matched"


def test_service_rule_errors_land_on_the_field(world, login):
    """A rule only the service knows (waitlisting needs an open match ended...)."""
    url = (f"/clients/{world.client_b.public_id}/enrolments/"
           f"{world.enrolment_b.public_id}/status/")
    response = login("coord_b").post(url, {"to_status": "matched", "reason": "Found someone"})
    assert response.status_code == 200
    assert "Match a peer supporter first" in " ".join(field_errors(response, "to_status"))
    world.enrolment_b.refresh_from_db()
    assert world.enrolment_b.status == "waitlisted"


def test_expected_discharge_before_admission_on_the_inline_form(world, login):
    stay = world.client_a.stays.first()
    url = f"/clients/{world.client_a.public_id}/stays/{stay.public_id}/expected-discharge/"
    before = stay.expected_discharge_on
    response = login("staff_a").post(
        url, {"expected_discharge_on": (stay.admitted_on - timedelta(days=1)).isoformat()},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "before admission" in response.content.decode()
    stay.refresh_from_db()
    assert stay.expected_discharge_on == before


def test_inline_expected_discharge_saves_and_returns_the_fragment(world, login):
    stay = world.client_a.stays.first()
    url = f"/clients/{world.client_a.public_id}/stays/{stay.public_id}/expected-discharge/"
    new = TODAY + timedelta(days=9)
    response = login("staff_a").post(url, {"expected_discharge_on": new.isoformat()},
                                     headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and new.isoformat() in body and "Saved" in body
    stay.refresh_from_db()
    assert stay.expected_discharge_on == new


def test_client_edit_rejects_bad_health_card_and_fsa(world, login):
    c = world.client_a
    response = login("coord_a").post(f"/clients/{c.public_id}/edit/", {
        "given_name": "Changed", "family_name": c.family_name,
        "date_of_birth": c.date_of_birth.isoformat(), "gender": c.gender,
        "health_card_number": "ABC", "home_fsa": "D1A", "pref_gender_strength": "none",
        "pref_age_strength": "none", "pref_language_strength": "none"})
    assert response.status_code == 200
    assert field_errors(response, "health_card_number")
    assert field_errors(response, "home_fsa")
    c.refresh_from_db()
    assert c.given_name == "Daniel"


def test_client_edit_preference_needs_a_value(world, login):
    c = world.client_a
    response = login("coord_a").post(f"/clients/{c.public_id}/edit/", {
        "given_name": c.given_name, "family_name": c.family_name,
        "date_of_birth": c.date_of_birth.isoformat(), "gender": c.gender,
        "pref_gender_strength": "required", "pref_age_strength": "preferred",
        "pref_age_min": "50", "pref_age_max": "30", "pref_language_strength": "none"})
    assert response.status_code == 200
    assert field_errors(response, "pref_gender")
    assert field_errors(response, "pref_age_max")


def _consented_at_site_a(world):
    """A consented client waiting at site A, and the manual match page for them."""
    from tests import factories as f

    client = f.ClientFactory(given_name="Wai")
    enrolment = f.EnrolmentFactory(client=client, site=world.site_a)
    f.ConsentFactory(enrolment=enrolment, version=1, recorded_by=world.coord_a)
    return enrolment, f"/clients/{client.public_id}/enrolments/{enrolment.public_id}/match/"


def test_manual_match_shows_capacity_and_creates_the_match(world, login):
    enrolment, url = _consented_at_site_a(world)
    http = login("coord_a")
    page = http.get(url).content.decode()
    assert "2 of 3 places free" in page  # jordan has client_a
    assert "3 of 3 places free" in page
    response = http.post(url, {"supporter": world.other_supporter.pk})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "matched"
    assert enrolment.matches.get().supporter == world.other_supporter


def test_manual_match_requires_the_sites_training(world, login):
    from bridgeway.core.models import TrainingModule
    from bridgeway.supporters.models import TrainingRecord

    module = TrainingModule.objects.create(code="opdi-2", name="OPDI level 2", level=2)
    world.site_a.required_training.add(module)
    TrainingRecord.objects.create(supporter=world.supporter, module=module,
                                  completed_on=TODAY - timedelta(days=30))
    TrainingRecord.objects.create(supporter=world.other_supporter, module=module,
                                  completed_on=TODAY - timedelta(days=400),
                                  expires_on=TODAY - timedelta(days=35))  # expired
    enrolment, url = _consented_at_site_a(world)
    http = login("coord_a")
    response = http.get(url)
    offered = list(response.context["form"].fields["supporter"].queryset)
    assert offered == [world.supporter]
    # The expired one is not offered, and the page says why (issue 15: it agrees with the
    # dashboard's free places).
    assert [(row.supporter, [str(r) for r in row.reasons])
            for row in response.context["left_out"]] == [
        (world.other_supporter, ["required training expired"])]
    response = http.post(url, {"supporter": world.other_supporter.pk})
    assert response.status_code == 200 and field_errors(response, "supporter")
    assert not enrolment.matches.exists()
    response = http.post(url, {"supporter": world.supporter.pk})
    assert response.status_code == 302
    assert enrolment.matches.get().supporter == world.supporter


def test_matching_service_refuses_an_untrained_supporter_unless_criteria_allow(world):
    from django.core.exceptions import ValidationError

    from bridgeway.clients import services
    from bridgeway.core.actors import Actor
    from bridgeway.core.models import TrainingModule
    from tests import factories as f

    module = TrainingModule.objects.create(code="opdi-1", name="OPDI level 1", level=1)
    world.site_a.required_training.add(module)
    enrolment = f.EnrolmentFactory(client=f.ClientFactory(), site=world.site_a)
    actor = Actor(user=world.coord_a, role="coordinator", site_code=world.site_a.code)
    with pytest.raises(ValidationError) as caught:
        services.match_create(actor=actor, enrolment=enrolment, supporter=world.other_supporter)
    assert "training" in str(caught.value.message_dict["supporter"])
    match = services.match_create(actor=actor, enrolment=enrolment,
                                  supporter=world.other_supporter, require_training=False)
    assert match.supporter == world.other_supporter


def test_ending_a_match_with_do_not_rematch(world, login):
    url = f"/clients/{world.client_a.public_id}/matches/{world.match_a.public_id}/end/"
    response = login("coord_a").post(url, {"reason": "no_rapport", "note": "",
                                           "do_not_rematch": "on"})
    assert response.status_code == 302
    world.match_a.refresh_from_db()
    world.enrolment_a.refresh_from_db()
    assert (world.match_a.status, world.match_a.do_not_rematch) == ("ended", True)
    assert (world.enrolment_a.status, world.enrolment_a.priority) == ("waitlisted", True)


def test_consent_needs_an_explicit_participation_answer(world, login):
    from bridgeway.clients.models import ConsentRecord

    url = (f"/clients/{world.client_b.public_id}/enrolments/"
           f"{world.enrolment_b.public_id}/consent/")
    before = ConsentRecord.objects.count()
    response = login("coord_b").post(url, {"share": ["contact_details"]})
    assert response.status_code == 200
    assert field_errors(response, "participation")
    assert ConsentRecord.objects.count() == before


def test_consent_creates_a_new_version(world, login):
    url = (f"/clients/{world.client_b.public_id}/enrolments/"
           f"{world.enrolment_b.public_id}/consent/")
    response = login("coord_b").post(url, {"participation": "yes",
                                           "share": ["contact_details", "safety_notes"]})
    assert response.status_code == 302
    latest = world.enrolment_b.consents.order_by("-version").first()
    assert latest.version == 2 and latest.recorded_by == world.coord_b
    assert latest.shared_categories() == {"contact_details", "safety_notes"}
    page = login("coord_b").get(f"/clients/{world.client_b.public_id}/").content.decode()
    assert "Version 2" in page and "Earlier consent versions" in page
