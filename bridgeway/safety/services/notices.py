"""Discharge notices: the safety net reacts to stays (clients.events) by telling the matched
supporter (when the client shares it) and the site's coordinators.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from bridgeway.access.policy import current_consent
from bridgeway.audit.writer import record
from bridgeway.clients.events import (
    ExpectedDischargeSet,
    MatchAnnounced,
    StayAdmitted,
    StayDischarged,
)
from bridgeway.clients.models import Enrolment, HospitalStay, Match
from bridgeway.core.events import subscribe
from bridgeway.core.models import User

from ..notify import notify
from .alerts import coordinators_of


def _notice_recipients(stay: HospitalStay, needs_consent: str) -> tuple[list[User], list[User],
                                                                         list[Match]]:
    """(supporters told, coordinators told, active matches) for a stay's client."""
    matches = list(Match.objects.filter(client_id=stay.client_id, status=Match.Status.ACTIVE)
                   .select_related("supporter__user", "enrolment"))
    supporters: list[User] = []
    for match in matches:
        consent = current_consent(match.enrolment)
        if consent is not None and needs_consent in consent.shared_categories():
            supporters.append(match.supporter.user)
    site_ids = {m.site_id for m in matches} or set(
        Enrolment.objects.filter(client_id=stay.client_id, site__hospital_id=stay.hospital_id)
        .exclude(status__in=["finished", "withdrawn", "declined"]).values_list("site_id",
                                                                                flat=True))
    return supporters, coordinators_of(site_ids), matches


def _send_notice(event: StayAdmitted | ExpectedDischargeSet | StayDischarged, *, kind: str,
                 consent: str, title: str, body: str) -> None:
    stay = event.stay
    supporters, coordinators, _matches = _notice_recipients(stay, consent)
    url = reverse("safety:client", kwargs={"public_id": stay.client.public_id})
    notify(recipients=supporters + coordinators, kind=kind, title=title, body=body, url=url)
    record(who=event.actor.who, category=consent, action="notify",
           client_public_id=stay.client.public_id,
           detail=f"{kind} supporters:{len(supporters)} coordinators:{len(coordinators)}")


def on_expected_discharge_set(event: ExpectedDischargeSet) -> None:
    stay = event.stay
    name = stay.client.first_name_initial
    if stay.expected_discharge_on is None:
        title = _("Expected discharge date cleared for %(name)s") % {"name": name}
        body = ""
    else:
        title = _("Expected discharge date set for %(name)s") % {"name": name}
        body = _("Expected discharge: %(date)s.") % {"date": stay.expected_discharge_on}
        if event.previous:
            body += " " + _("It was %(date)s.") % {"date": event.previous}
    _send_notice(event, kind="expected_discharge", consent="discharge_date", title=title,
                 body=body)


def on_stay_discharged(event: StayDischarged) -> None:
    stay = event.stay
    title = _("%(name)s has been discharged") % {"name": stay.client.first_name_initial}
    body = _("Discharged on %(date)s. Plan the first community meeting.") % {
        "date": stay.discharged_on}
    _send_notice(event, kind="discharged", consent="discharge_date", title=title, body=body)


def on_stay_admitted(event: StayAdmitted) -> None:
    """A matched client is back in hospital: the supporter only if stay status is shared."""
    stay = event.stay
    if not Match.objects.filter(client_id=stay.client_id, status=Match.Status.ACTIVE).exists():
        return
    title = _("%(name)s is in hospital") % {"name": stay.client.first_name_initial}
    body = _("Admitted on %(date)s.") % {"date": stay.admitted_on}
    _send_notice(event, kind="admitted", consent="stay_status", title=title, body=body)


def on_match_announced(event: MatchAnnounced) -> None:
    """A new match reaches the supporter's inbox, linking to the client's page. Matching's
    decision event already records that the supporter was told (no second audit event)."""
    match = event.match
    title = _("New match: %(name)s") % {"name": match.client.first_name_initial}
    body = _("You are now %(name)s's peer supporter. Plan your first meeting.") % {
        "name": match.client.first_name_initial}
    url = reverse("clients:detail", kwargs={"public_id": match.client.public_id})
    notify(recipients=[match.supporter.user], kind="match_new", title=title, body=body,
           url=url)


def connect() -> None:
    subscribe(MatchAnnounced, on_match_announced)
    subscribe(ExpectedDischargeSet, on_expected_discharge_set)
    subscribe(StayDischarged, on_stay_discharged)
    subscribe(StayAdmitted, on_stay_admitted)

