"""Top navigation: one list of entries, each shown to the roles that use it.

The list lives with the pages (not in each domain app's `ready()`), so a newcomer finds every
menu entry in one place and the domain apps know nothing about menus.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bridgeway.access.policy import roles_of
from bridgeway.core.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # lazy, so the label follows each request's language
    url_name: str
    roles: frozenset[str]
    order: int = 50


EVERYONE = frozenset(Role.values)
SITE_STAFF = frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.COORDINATOR})
EVALUATION = SITE_STAFF | {Role.EVALUATOR}

ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Administration"), "admin_home", frozenset({Role.ADMINISTRATOR}), 5),
    NavItem(_("Imports"), "imports:index", frozenset({Role.ADMINISTRATOR}), 6),
    NavItem(_("Dashboard"), "clients:sites", frozenset({Role.COORDINATOR, Role.SITE_LEAD}), 10),
    NavItem(_("My clients"), "clients:mine", frozenset({Role.PEER_SUPPORTER}), 10),
    NavItem(_("Inpatients"), "clients:ward_home", frozenset({Role.WARD_STAFF}), 10),
    NavItem(_("Enrolment counts"), "clients:evaluation", frozenset({Role.EVALUATOR}), 10),
    NavItem(_("Refer a client"), "clients:refer",
            frozenset({Role.WARD_STAFF, Role.COORDINATOR}), 15),
    NavItem(_("Peer supporters"), "supporters:index",
            frozenset({Role.COORDINATOR, Role.SITE_LEAD}), 20),
    NavItem(_("My caseload"), "contacts:caseload", frozenset({Role.PEER_SUPPORTER}), 20),
    NavItem(_("Matching"), "matching:index",
            frozenset({Role.COORDINATOR, Role.ADMINISTRATOR}), 30),
    NavItem(_("New matches"), "matching:notices", frozenset({Role.PEER_SUPPORTER}), 30),
    NavItem(_("Site contacts"), "contacts:site", SITE_STAFF, 30),
    NavItem(_("Alerts"), "safety:inbox", SITE_STAFF | {Role.PEER_SUPPORTER}, 30),
    NavItem(_("Inbox"), "safety:notifications", EVERYONE, 31),
    NavItem(_("Check in"), "safety:checkin", frozenset({Role.PEER_SUPPORTER}), 32),
    NavItem(_("Supervision"), "safety:supervision",
            frozenset({Role.ADMINISTRATOR, Role.COORDINATOR}), 33),
    NavItem(_("Incidents"), "safety:incidents", SITE_STAFF | {Role.PEER_SUPPORTER}, 34),
    NavItem(_("Groups"), "contacts:groups",
            frozenset({Role.COORDINATOR, Role.PEER_SUPPORTER}), 40),
    NavItem(_("Calendar"), "contacts:calendar", frozenset({Role.PEER_SUPPORTER}), 45),
    NavItem(_("Evaluation"), "outcomes:dashboard", EVALUATION, 70),
    NavItem(_("Feedback"), "outcomes:feedback", EVALUATION, 71),
    NavItem(_("Staff accounts"), "staff:list", frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD}), 80),
    NavItem(_("Access history"), "audit:people",
            frozenset({Role.ADMINISTRATOR, Role.SITE_LEAD, Role.PRIVACY_OFFICER}), 81),
    NavItem(_("My profile"), "supporters:me", frozenset({Role.PEER_SUPPORTER}), 90),
    NavItem(_("Sign-in and security"), "account_security", EVERYONE, 95),
)


def nav_for(user: User) -> list[dict[str, str]]:
    roles = roles_of(user)
    out = []
    for item in sorted(ITEMS, key=lambda i: (i.order, str(i.label))):
        if roles & item.roles:
            try:
                out.append({"label": str(item.label), "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return out
