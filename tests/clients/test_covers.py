"""Cover arrangements (decision 0024): a coordinator arranges a colleague to support a matched
client for a period; the colleague reaches the client through the access layer during the
period only, with the categories the client shares with their own supporter; both supporters
and the client's page show it; every step is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bridgeway.access import categories as cat
from bridgeway.access.policy import caseload_for_supporter, clients_for_user, decide
from bridgeway.audit.models import AuditEvent
from bridgeway.clients.cover_services import cover_arrange, cover_end
from bridgeway.clients.covers import Cover
from bridgeway.clients.models import ConsentCategory, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def coord(world):  # type: ignore[no-untyped-def]
    return Actor(user=world.coord_a, role=Role.COORDINATOR, site_code=world.site_a.code)


def days(n: int):  # type: ignore[no-untyped-def]
    return timezone.localdate() + timedelta(days=n)


def _direct(world, start: int, end: int) -> Cover:  # type: ignore[no-untyped-def]
    """A cover with any dates (the service refuses one that starts in the past)."""
    return Cover.objects.create(match=world.match_a, supporter=world.other_supporter,
                                starts_on=days(start), ends_on=days(end), created_by=world.coord_a)


def _share(world, *categories: str) -> None:  # type: ignore[no-untyped-def]
    consent = world.enrolment_a.consents.get()
    for c in ConsentCategory:
        setattr(consent, f"share_{c.value}", c.value in categories)
    consent.save()


def test_arranging_a_cover_is_validated_and_audited(world):
    arrange = lambda **kw: cover_arrange(  # noqa: E731 — a short local shorthand
        actor=coord(world), match=world.match_a,
        **{"supporter": world.other_supporter, "starts_on": days(0), "ends_on": days(6), **kw})
    outsider = f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_b])
    paused = f.SupporterFactory(organisation=world.peer_org_a, sites=[world.site_a],
                                status="paused")
    for kwargs, field in [({"supporter": world.supporter}, "supporter"),
                          ({"supporter": outsider}, "supporter"),
                          ({"supporter": paused}, "supporter"),
                          ({"starts_on": days(-1)}, "starts_on"),
                          ({"ends_on": days(-1)}, "ends_on"),
                          ({"ends_on": days(400)}, "ends_on")]:
        with pytest.raises(ValidationError) as exc:
            arrange(**kwargs)
        assert field in exc.value.message_dict, kwargs
    cover = arrange(note="Jordan is on a break")
    assert (cover.starts_on, cover.ends_on, cover.supporter) == (days(0), days(6),
                                                                 world.other_supporter)
    with pytest.raises(ValidationError, match="overlaps"):
        arrange(starts_on=days(6), ends_on=days(9))
    arrange(starts_on=days(7), ends_on=days(9))  # the next colleague, right after
    event = AuditEvent.objects.get(action="cover_arrange", detail__contains=str(cover.public_id))
    assert event.client_public_id == world.client_a.public_id and event.category == "match"
    Match.objects.filter(pk=world.match_a.pk).update(status=Match.Status.ENDED)
    with pytest.raises(ValidationError, match="active match"):
        arrange(starts_on=days(20), ends_on=days(21))


@pytest.mark.parametrize(("start", "end", "reaches"), [
    (1, 5, False),    # before: planned for tomorrow
    (0, 0, True),     # during: its only day
    (-5, 0, True),    # during: its last day
    (-5, -1, False),  # after: it ended by itself yesterday
])
def test_the_covering_supporter_reaches_the_client_during_the_cover_only(world, start, end,
                                                                         reaches):
    _direct(world, start, end)
    user = world.other_supporter.user
    assert decide(user, world.client_a).allowed is reaches
    assert clients_for_user(user).filter(pk=world.client_a.pk).exists() is reaches
    assert [a.client for a in caseload_for_supporter(user)] == ([world.client_a] if reaches
                                                                 else [])
    # the client's own supporter keeps their access throughout
    assert decide(world.supporter.user, world.client_a).allowed


def test_the_covering_supporter_sees_the_same_consented_categories(world):
    _share(world, ConsentCategory.CONTACT_DETAILS.value)
    _direct(world, -1, 3)
    own = decide(world.supporter.user, world.client_a)
    covering = decide(world.other_supporter.user, world.client_a)
    assert covering.categories == own.categories
    assert cat.Info.CONTACT_DETAILS in covering.categories
    assert cat.Info.BACKGROUND not in covering.categories
    assert covering.withheld == own.withheld and covering.match == world.match_a
    assert covering.cover_until == days(3) and own.cover_until is None


def test_a_cover_ends_early_and_with_the_match(world):
    cover = _direct(world, 0, 5)
    user = world.other_supporter.user
    assert decide(user, world.client_a).allowed
    cover_end(actor=coord(world), cover=cover)
    assert not decide(user, world.client_a).allowed
    assert AuditEvent.objects.filter(action="cover_end").count() == 1
    with pytest.raises(ValidationError):
        cover_end(actor=coord(world), cover=cover)
    # a cover lapses with the match it covers
    _direct(world, 0, 5)
    assert decide(user, world.client_a).allowed
    Match.objects.filter(pk=world.match_a.pk).update(status=Match.Status.ENDED)
    assert not decide(user, world.client_a).allowed


def test_coordinator_arranges_cover_and_every_page_shows_it(world, login):
    http = login("coord_a")
    url = reverse("clients:cover_new", args=[world.client_a.public_id, world.match_a.public_id])
    page = http.get(url).content.decode()
    assert str(world.other_supporter) in page
    response = http.post(url, {"supporter": world.other_supporter.pk,
                               "starts_on": days(0).isoformat(),
                               "ends_on": days(4).isoformat()})
    assert response.status_code == 302
    detail = reverse("clients:detail", args=[world.client_a.public_id])
    assert "Covered by" in http.get(detail).content.decode()
    # the client's own supporter sees who covers
    assert "Covered by" in login("supporter").get(detail).content.decode()
    # the covering supporter: the client page and My clients say whose client it is
    covering = login("other_supporter")
    page = covering.get(detail).content.decode()
    assert "You are covering for Jordan Peer" in page
    mine = covering.get(reverse("clients:mine")).content.decode()
    assert "Daniel" in mine and "Covering for Jordan Peer" in mine
    # both supporters' profiles, as the coordinator sees them
    for profile in (world.supporter, world.other_supporter):
        page = login("coord_a").get(reverse("supporters:detail",
                                            args=[profile.public_id])).content.decode()
        assert "Daniel Tremblay" in page and "covers" in page.lower(), profile


def test_coordinator_ends_the_cover_from_the_client_page(world, login):
    cover = _direct(world, 0, 5)
    http = login("coord_a")
    detail = reverse("clients:detail", args=[world.client_a.public_id])
    end = reverse("clients:cover_end", args=[world.client_a.public_id, cover.public_id])
    assert end in http.get(detail).content.decode()
    assert login("other_supporter").post(end).status_code == 403
    assert login("coord_a").post(end).status_code == 302
    cover.refresh_from_db()
    assert cover.cancelled_at is not None
    assert login("other_supporter").get(detail).status_code == 403


def test_a_bad_cover_form_is_a_field_error(world, login):
    url = reverse("clients:cover_new", args=[world.client_a.public_id, world.match_a.public_id])
    response = login("coord_a").post(url, {"supporter": world.other_supporter.pk,
                                           "starts_on": days(3).isoformat(),
                                           "ends_on": days(1).isoformat()})
    assert response.status_code == 400
    assert not Cover.objects.exists()


def test_the_covering_supporter_logs_contacts_as_themself_during_the_cover(world, login):
    from bridgeway.contacts.models import Contact

    cover = _direct(world, -1, 2)
    http = login("other_supporter")
    url = reverse("contacts:log", args=[world.client_a.public_id])
    data = {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "30", "mode": "phone", "setting": "community",
            "outcome": "met", "activities": ["emotional_support"], "note": "Covering call."}
    assert http.post(url, data).status_code == 302
    contact = Contact.objects.get(logged_by=world.other_supporter.user)
    assert contact.note == "Covering call."
    assert (contact.supporter, contact.match) == (world.other_supporter, world.match_a)
    Cover.objects.filter(pk=cover.pk).update(ends_on=days(-1))
    assert http.post(url, {**data, "note": "After the cover."}).status_code == 403
    assert Contact.objects.filter(logged_by=world.other_supporter.user).count() == 1
