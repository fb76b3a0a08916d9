"""Draws one client's world with a unique marker per sharing category, cheaply.

Every consent-gated fact gets a marker no other data can contain: a token per example in each
text (phone, e-mail, address, background, safety notes, hospital and ward names) and dates
drawn from windows nothing else on a page uses (stay dates at least 25 days ago, expected
discharge 1–45 days ahead; contacts in the last 20 days, appointments 46–120 days ahead, goal
targets 121–200 days ahead; referral, match start and consent are 3–9 days ago or today; a
cover in force runs from 2 days ago to today, a planned one 201–210 days ahead).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.utils import formats, timezone
from hypothesis import strategies as st

from bridgeway.clients.models import ConsentCategory

GATED = [c.value for c in ConsentCategory]
_tokens = itertools.count(10_000)


@dataclass(frozen=True)
class StayPlan:
    admitted_ago: int  # days before today
    length: int | None  # days in hospital; None: still in (only the last stay)
    expected_after: int  # expected discharge, days after admission (past stays) or from today


@dataclass(frozen=True)
class Plan:
    shared: frozenset[str]
    # "matched" (the client's supporter), "former" (match ended), "other"; or the other
    # supporter covering for the matched one (decision 0024): "covering" (today is within the
    # cover), "cover_ahead" (it starts later), "cover_over" (it ended yesterday).
    viewer: str
    stays: tuple[StayPlan, ...]
    contacts: int
    goals: int
    appointments: int
    alerts: tuple[str, ...]
    readmit_by_service: bool  # the last stay comes through stay_admit (notices and e-mail)
    set_expected_by_service: bool
    discharge_by_service: bool


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    n_stays = draw(st.integers(1, 3))
    # Distinct admission days, oldest first, each stay over before the next begins.
    starts = sorted(draw(st.lists(st.integers(60, 900), min_size=n_stays, max_size=n_stays,
                                  unique=True)), reverse=True)
    stays = []
    for i, ago in enumerate(starts):
        last = i == n_stays - 1
        room = (ago - starts[i + 1] - 2) if not last else ago - 25
        # A stay still open was admitted recently enough for an expected discharge within two
        # years of admission (the services refuse a later one).
        still_in = last and ago <= 680 and draw(st.booleans())
        length = None if still_in else draw(st.integers(1, max(1, min(room, 60))))
        # A closed stay's expected discharge is never its real discharge day: the two dates
        # would be one marker, shown with the discharge date while the plan stays hidden.
        expected = (draw(st.integers(1, 45)) if still_in
                    else draw(st.integers(1, 90).filter(lambda e, n=length: e != n)))
        stays.append(StayPlan(admitted_ago=ago, length=length, expected_after=expected))
    return Plan(
        shared=frozenset(draw(st.sets(st.sampled_from(GATED)))),
        viewer=draw(st.sampled_from(["matched", "matched", "matched", "former", "other",
                                     "covering", "covering", "cover_ahead", "cover_over"])),
        stays=tuple(stays),
        contacts=draw(st.integers(0, 2)),
        goals=draw(st.integers(0, 2)),
        appointments=draw(st.integers(0, 2)),
        alerts=tuple(draw(st.lists(st.sampled_from(["readmission", "contact_lapse",
                                                    "no_first_contact"]),
                                   max_size=2, unique=True))),
        readmit_by_service=n_stays > 1 and draw(st.booleans()),
        set_expected_by_service=draw(st.booleans()),
        discharge_by_service=draw(st.booleans()),
    )


def date_texts(day: dt.date) -> list[str]:
    """How a page, a notice or a feed may write this date (English pages, ISO, iCalendar)."""
    return [day.isoformat(), day.strftime("%Y%m%d"), formats.date_format(day),
            formats.date_format(day, "SHORT_DATE_FORMAT"), day.strftime("%b %-d, %Y"),
            day.strftime("%B %-d, %Y"), day.strftime("%-d %b %Y"), day.strftime("%-d %B %Y")]


@dataclass
class Markers:
    token: str
    by_category: dict[str, list[str]] = field(default_factory=dict)
    always: list[str] = field(default_factory=list)  # the supporter's own base (goals, notes…)
    name: str = ""

    @classmethod
    def new(cls) -> Markers:
        token = f"{next(_tokens)}"
        return cls(token=token)


def today() -> dt.date:
    return timezone.localdate()


# What each viewer reaches: the matched supporter's view, or nothing of this client.
SEES_AS_MATCHED = {"matched", "covering"}
SEES_NOTHING = {"other", "cover_ahead", "cover_over"}
# The days (from today) of the cover each covering viewer gets.
COVER_DAYS = {"covering": (-2, 0), "cover_ahead": (201, 210), "cover_over": (-6, -1)}
