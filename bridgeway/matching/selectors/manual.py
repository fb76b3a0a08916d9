"""The manual match page's supporters: who is offered, and each one left out with why.

The site dashboard counts every active supporter with a free place; this page offers fewer
(the site's training, a pair not to match again, what the client requires), so it lists the
others with the reasons, and the two pages can be read together (decision 0023). The rules
are the ones clients.services.match_create enforces, plus the client's required preferences
that the matching engine treats as hard constraints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client, Enrolment, Match
from bridgeway.core.choices import Strength
from bridgeway.supporters.models import SupporterProfile, TrainingRecord
from bridgeway.supporters.selectors import supporters_for_site

REQUIRED = Strength.REQUIRED.value


@dataclass
class LeftOut:
    supporter: SupporterProfile
    reasons: list[Promise] = field(default_factory=list)


@dataclass
class ManualChoice:
    offered: list[SupporterProfile]
    left_out: list[LeftOut]


def _training(site_required: list[int], supporter_ids: list[int],
              on: date) -> tuple[set[int], set[int]]:
    """(supporters holding every required module current on `on`, supporters holding one
    only expired): one query."""
    held: dict[int, set[int]] = {}
    expired: set[int] = set()
    rows = TrainingRecord.objects.filter(module_id__in=site_required,
                                         supporter_id__in=supporter_ids,
                                         completed_on__lte=on).values_list(
        "supporter_id", "module_id", "expires_on")
    for supporter_id, module_id, expires_on in rows:
        if expires_on is None or expires_on >= on:
            held.setdefault(supporter_id, set()).add(module_id)
        else:
            expired.add(supporter_id)
    trained = {s for s, modules in held.items() if modules >= set(site_required)}
    return trained, expired - trained


def manual_choice(enrolment: Enrolment, on: date) -> ManualChoice:
    """Every supporter serving the enrolment's site, offered or left out with the reasons."""
    site, client = enrolment.site, enrolment.client
    supporters = list(supporters_for_site(site).prefetch_related("languages")  # type: ignore[misc]  # annotated by with_capacity
                      .order_by("-free_places", "user__first_name"))
    ids = [s.pk for s in supporters]
    required = list(site.required_training.values_list("id", flat=True))
    trained, expired = _training(required, ids, on) if required else (set(ids), set())
    not_again = set(Match.objects.filter(client=client, do_not_rematch=True)
                    .values_list("supporter_id", flat=True))
    offered: list[SupporterProfile] = []
    left_out: list[LeftOut] = []
    for s in supporters:
        reasons: list[Promise] = []
        if s.status == SupporterProfile.Status.PAUSED:
            reasons.append(_("paused (not taking new clients)"))
        elif s.status != SupporterProfile.Status.ACTIVE:
            reasons.append(_("has left the program"))
        if s.free_places <= 0:  # type: ignore[attr-defined]  # annotated by with_capacity
            reasons.append(_("full: no free place"))
        if s.pk not in trained:
            reasons.append(_("required training expired") if s.pk in expired
                           else _("required training missing"))
        if s.pk in not_again:
            reasons.append(_("this pair was marked not to be matched again"))
        reasons.extend(_preference_gaps(client, s, on))
        if reasons:
            left_out.append(LeftOut(s, reasons))
        else:
            offered.append(s)
    return ManualChoice(offered, left_out)


def _preference_gaps(client: Client, s: SupporterProfile, on: date) -> list[Promise]:
    """The client's required preferences this supporter does not meet."""
    gaps: list[Promise] = []
    if (client.pref_language_strength == REQUIRED and client.pref_language_id
            and client.pref_language_id not in {lang.pk for lang in s.languages.all()}):
        gaps.append(_("does not speak the language the client requires"))
    if (client.pref_gender_strength == REQUIRED and client.pref_gender
            and s.gender != client.pref_gender):
        gaps.append(_("not the gender the client requires"))
    if client.pref_age_strength == REQUIRED and (client.pref_age_min or client.pref_age_max):
        age = s.age_on(on)
        low, high = client.pref_age_min, client.pref_age_max
        if age is None or (low and age < low) or (high and age > high):
            gaps.append(_("outside the age range the client requires"))
    return gaps
