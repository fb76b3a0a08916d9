"""What each sharing category reveals about a client's hospital stays: the one table.

docs/privacy.md ("What each category reveals") states the same table in words; every surface
that shows a stay (the client page, "My clients", the contacts and safety sections, the safety
page, the notices) asks this module, never the categories directly.

Two categories concern stays, and each reveals only what it names:

- **Stay and readmission status** (`stay_status`): that the client is in hospital now, each
  stay (hospital, ward, admission date), and so each readmission.
- **Discharge date** (`discharge_date`): the expected discharge date of the current stay, once
  one is set, and the date of the latest discharge — nothing about being in hospital now,
  where, since when, or earlier stays. An expected discharge date does imply a current stay:
  a client who shares their discharge date shares that much, and the notices say the same.

Together they also reveal the discharge date and destination of every stay shown.

Each hospital is the custodian of its own stays: ward staff see the stays at their own
hospital only. No consent category lets a client open their other hospitals' stays to a
nurse; `ClientAccess.hospitals` carries the limit (None: no limit by hospital).

Ward staff are not supporters, and the categories are what a client shares with their
supporter. One of them also works the other way (decision 0023): a client who shares their
**stay and readmission status** lets the supporter and the ward know of each other, so ward
staff see the matched supporter's name (to welcome them on the ward). Without it, ward staff
see the program status ("Matched", "Active in community") but not who the supporter is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery

from bridgeway.clients.models import (
    CLOSED_STATUSES,
    ConsentRecord,
    Enrolment,
    EnrolmentStatus,
    HospitalStay,
    Match,
)
from bridgeway.core.models import Role

from .categories import Info

if TYPE_CHECKING:
    from .policy import ClientAccess


class StayFact(StrEnum):
    IN_HOSPITAL = "in_hospital"  # the client is in hospital now (the badge, "in hospital since")
    PLACE = "place"  # the hospital and ward of a stay
    ADMITTED_ON = "admitted_on"
    PAST_STAYS = "past_stays"  # every stay, not only the current or latest: readmissions
    EXPECTED_DISCHARGE = "expected_discharge"  # of the current stay, once set
    LATEST_DISCHARGE = "latest_discharge"  # the date of the latest discharge
    EVERY_DISCHARGE = "every_discharge"  # the discharge date of each stay shown
    DESTINATION = "destination"  # where the client went on discharge


REVEALS: dict[str, frozenset[StayFact]] = {
    Info.STAY_STATUS.value: frozenset({StayFact.IN_HOSPITAL, StayFact.PLACE,
                                       StayFact.ADMITTED_ON, StayFact.PAST_STAYS}),
    Info.DISCHARGE_DATE.value: frozenset({StayFact.EXPECTED_DISCHARGE,
                                          StayFact.LATEST_DISCHARGE}),
}
# Revealed only when a viewer sees both categories.
TOGETHER: frozenset[StayFact] = frozenset({StayFact.EVERY_DISCHARGE, StayFact.DESTINATION})

# Who may open a stay to change it (the buttons; the write itself is authorized).
EDITORS = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR, Role.SITE_LEAD, Role.WARD_STAFF})


@dataclass
class StayView:
    """One stay as this viewer may know it: every fact not revealed is None (or False)."""

    is_open: bool = False
    hospital: str | None = None
    ward: str | None = None
    admitted_on: date | None = None
    expected_discharge_on: date | None = None
    discharged_on: date | None = None
    destination: str | None = None
    public_id: str | None = None  # only for those who may edit it, with the object
    stay: HospitalStay | None = None


def stay_facts(access: ClientAccess) -> frozenset[StayFact]:
    facts: set[StayFact] = set()
    for category, named in REVEALS.items():
        if access.sees(category):
            facts |= named
    if all(access.sees(category) for category in REVEALS):
        facts |= TOGETHER
    return frozenset(facts)


def in_scope(access: ClientAccess, stay: HospitalStay) -> bool:
    return access.hospitals is None or stay.hospital_id in access.hospitals


def stays_in_scope(access: ClientAccess) -> list[HospitalStay]:
    """The client's stays this viewer's hospitals hold, newest first (read once per request
    with the access decision)."""
    return [s for s in access.facts.stays if in_scope(access, s)]


def _newest_first(access: ClientAccess, stays: Iterable[HospitalStay]) -> list[HospitalStay]:
    return sorted((s for s in stays if in_scope(access, s)),
                  key=lambda s: (s.admitted_on, s.pk or 0), reverse=True)


def _discharge_stay(stays: list[HospitalStay]) -> HospitalStay | None:
    """The stay whose discharge dates the discharge date alone reveals: the current stay once
    its expected discharge is set, else the latest discharged one (newest-first input)."""
    current = next((s for s in stays if s.is_open), None)
    if current is not None and current.expected_discharge_on is not None:
        return current
    return next((s for s in stays if s.discharged_on is not None), None)


def _view(access: ClientAccess, stay: HospitalStay, facts: frozenset[StayFact], *,
          latest_discharge: bool) -> StayView:
    view = StayView()
    if StayFact.IN_HOSPITAL in facts:
        view.is_open = stay.is_open
    if StayFact.PLACE in facts:
        view.hospital = stay.hospital.name
        view.ward = stay.ward.name
    if StayFact.ADMITTED_ON in facts:
        view.admitted_on = stay.admitted_on
    if stay.is_open and StayFact.EXPECTED_DISCHARGE in facts:
        view.expected_discharge_on = stay.expected_discharge_on
    if stay.discharged_on is not None and (
            StayFact.EVERY_DISCHARGE in facts
            or (StayFact.LATEST_DISCHARGE in facts and latest_discharge)):
        view.discharged_on = stay.discharged_on
        if StayFact.DESTINATION in facts:
            view.destination = stay.get_discharge_destination_display() or None
    if access.role in EDITORS:
        view.public_id = str(stay.public_id)
        view.stay = stay
    return view


def stay_views(access: ClientAccess, stays: Iterable[HospitalStay]) -> list[StayView] | None:
    """The stays as this viewer may know them (None: no stay category at all).

    With stay status, every stay in scope; with the discharge date alone, at most one entry
    holding only a date (see `_discharge_stay`)."""
    facts = stay_facts(access)
    if not facts:
        return None
    ordered = _newest_first(access, stays)
    latest = next((s for s in ordered if s.discharged_on is not None), None)
    if StayFact.PAST_STAYS not in facts:
        chosen = _discharge_stay(ordered)
        ordered = [chosen] if chosen is not None else []
    return [_view(access, s, facts, latest_discharge=s is latest) for s in ordered]


def known_stay(access: ClientAccess) -> HospitalStay | None:
    """The stay a section about "the current stay" (checklist, discharge line) may speak of:
    with stay status, the open stay or else the latest; with the discharge date alone, the
    stay whose date it reveals; otherwise none."""
    facts = stay_facts(access)
    if not facts:
        return None
    stays = stays_in_scope(access)
    if StayFact.IN_HOSPITAL in facts:
        return next((s for s in stays if s.is_open), stays[0] if stays else None)
    return _discharge_stay(stays)


def open_stay(access: ClientAccess) -> HospitalStay | None:
    """The open stay, only for a viewer who may know the client is in hospital now."""
    if StayFact.IN_HOSPITAL not in stay_facts(access):
        return None
    return next((s for s in stays_in_scope(access) if s.is_open), None)


# The category that tells the ward who the supporter is (decision 0023).
WARD_SEES_SUPPORTER_WITH = Info.STAY_STATUS.value


def ward_sees_supporter(consent: ConsentRecord | None) -> bool:
    """Whether ward staff may know who supports the client under this consent."""
    return consent is not None and WARD_SEES_SUPPORTER_WITH in consent.shared_categories()


def with_peer_support(stays: QuerySet[HospitalStay]) -> QuerySet[HospitalStay]:
    """Annotate each stay with its client's open program status (`peer_status`) and, where
    the client's consent in force lets the ward know, the supporter (`supporter_first`,
    `supporter_last`): subqueries of the one list query, however many rows."""
    open_enrolment = (Enrolment.objects.filter(client_id=OuterRef("client_id"))
                      .exclude(status__in=CLOSED_STATUSES).order_by("-referred_on", "-pk"))
    shares = (ConsentRecord.objects.filter(enrolment_id=OuterRef("enrolment_id"))
              .order_by("-version").values(f"share_{WARD_SEES_SUPPORTER_WITH}")[:1])
    told = (Match.objects.filter(client_id=OuterRef("client_id"), status=Match.Status.ACTIVE)
            .annotate(told=Subquery(shares)).filter(told=True).order_by("-started_on"))
    return stays.annotate(
        peer_status=Subquery(open_enrolment.values("status")[:1]),
        supporter_first=Subquery(told.values("supporter__user__first_name")[:1]),
        supporter_last=Subquery(told.values("supporter__user__last_name")[:1]))


def peer_status_label(status: str | None) -> str:
    return str(EnrolmentStatus(status).label) if status else ""
