"""The engine's inputs one record per person (engine.ClientIn / SupporterIn), and a site's
criteria. Used where a few pairs are explained ("why not?", the reason stored when a
proposal is decided); a run loads columns instead (bulk.py).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bridgeway.clients.models import Client, Enrolment, Match
from bridgeway.core.models import Interest, Language, PostalArea, ProgramSite
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

from ..engine import DEFAULT_WEIGHTS, ClientIn, Criteria, SupporterIn
from ..models import MatchingCriteria


def criteria_for_site(site: ProgramSite) -> Criteria:
    row = MatchingCriteria.objects.filter(site=site).first()
    return criteria_from_row(row)


def criteria_from_row(row: MatchingCriteria | None) -> Criteria:
    if row is None:
        return Criteria()
    return Criteria(
        weights={key: float(getattr(row, f"weight_{key}")) for key in DEFAULT_WEIGHTS},
        require_training=row.require_training,
        require_hours=row.require_hours,
        require_shared_language=row.require_shared_language,
        max_distance_km=float(row.max_distance_km) if row.max_distance_km is not None else None,
        age_span_years=float(row.age_span_years),
        distance_span_km=float(row.distance_span_km),
        waiting_span_days=float(row.waiting_span_days),
        site_language=row.site_language,
    )


def _age(dob: date | None, today: date) -> int | None:
    if dob is None:
        return None
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """values_list rows. On PostgreSQL the driver already returns Python types (dates, UUIDs,
    JSON), so skip the ORM's per-row conversion; elsewhere let the ORM convert."""
    if connection.vendor != "postgresql":
        return list(qs)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _slots(value: Any) -> frozenset[str]:
    """Availability from a JSON column (raw PostgreSQL rows give it as text)."""
    if isinstance(value, str):
        value = json.loads(value)
    return frozenset(value) if value else frozenset()


def _int_pairs(qs: QuerySet[Any]) -> list[tuple[int, int]]:
    """Rows of two integer columns, fetched without per-row ORM work (10^5 rows per run)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _many(through: Any, owner: str, owners: QuerySet[Any], name_of: dict[int, str],
          target: str) -> dict[int, frozenset[str]]:
    """owner id -> names of its M2M targets (languages, interests), for owners in a subquery."""
    out: dict[int, set[str]] = defaultdict(set)
    rows = _int_pairs(through.objects.filter(**{f"{owner}__in": owners}).values_list(owner, target))
    for owner_id, target_id in rows:
        out[owner_id].add(name_of[target_id])
    return {k: frozenset(v) for k, v in out.items()}


@dataclass
class Inputs:
    clients: list[ClientIn]
    supporters: list[SupporterIn]
    enrolment_ids: dict[str, int]  # client key -> enrolment id
    supporter_ids: dict[str, int]  # supporter key -> supporter id
    supporter_names: dict[str, str]


def load_inputs(enrolments: QuerySet[Enrolment], sites: list[ProgramSite],
                today: date | None = None, now: datetime | None = None) -> Inputs:
    """The engine's inputs for `enrolments`, and every supporter serving one of `sites`."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    languages = dict(Language.objects.values_list("id", "name"))
    interests = dict(Interest.objects.values_list("id", "name"))
    areas = {fsa: (lat, lon) for fsa, lat, lon in
             PostalArea.objects.values_list("fsa", "latitude", "longitude")}
    site_by_id = {s.id: s for s in sites}
    rows = _rows(enrolments.values_list(
        "id", "public_id", "site_id", "waitlisted_since", "priority", "support_intensity",
        "client_id", "client__date_of_birth", "client__gender", "client__availability",
        "client__home_fsa", "client__pref_gender", "client__pref_gender_strength",
        "client__pref_age_min", "client__pref_age_max", "client__pref_age_strength",
        "client__pref_language_id", "client__pref_language_strength"))
    client_ids = enrolments.values("client_id")
    c_langs = _many(Client.languages.through, "client_id", client_ids, languages, "language_id")
    c_ints = _many(Client.interests.through, "client_id", client_ids, interests, "interest_id")

    sup_qs = SupporterProfile.objects.filter(sites__in=sites).distinct()
    sup_id_qs = SupporterProfile.objects.filter(sites__in=sites).values("id")
    sup_rows = _rows(sup_qs.annotate(
        active_n=Count("matches", filter=Q(matches__status=Match.Status.ACTIVE), distinct=True),
    ).values_list("id", "public_id", "status", "max_active_clients", "active_n", "hours_per_week",
                  "date_of_birth", "gender", "availability", "home_fsa", "employment",
                  "user__first_name", "user__last_name", "user__username"))
    sup_ids = [r[0] for r in sup_rows]
    sup_key = {r[0]: str(r[1]) for r in sup_rows}
    s_sites: dict[int, set[str]] = defaultdict(set)
    for sid, site_id in _int_pairs(SupporterProfile.sites.through.objects.filter(
            programsite_id__in=list(site_by_id)).values_list(
            "supporterprofile_id", "programsite_id")):
        s_sites[sid].add(site_by_id[site_id].code)
    s_langs = _many(SupporterProfile.languages.through, "supporterprofile_id", sup_id_qs,
                    languages, "language_id")
    s_ints = _many(SupporterProfile.interests.through, "supporterprofile_id", sup_id_qs,
                   interests, "interest_id")
    trained = _trained_by_site(sites, sup_ids, today)
    forbidden: dict[int, set[str]] = defaultdict(set)
    for cid, sid in _int_pairs(Match.objects.filter(
            client_id__in=client_ids, do_not_rematch=True).values_list("client_id", "supporter_id")):
        if sid in sup_key:
            forbidden[cid].add(sup_key[sid])

    # Weekly hours per client: the strictest site commitment the supporter serves.
    commitment = {s.code: max(1, s.weekly_commitment_minutes) for s in sites}
    supporters: list[SupporterIn] = []
    names: dict[str, str] = {}
    for (sid, pid, status, max_n, active_n, hours, dob, gender, avail, fsa, employment,
         first, last, username) in sup_rows:
        codes = frozenset(s_sites.get(sid, set()))
        minutes = max((commitment[c] for c in codes), default=60)
        by_hours = math.floor(float(hours or 0) * 60 / minutes) - active_n
        lat, lon = areas.get(fsa or "", (None, None))
        key = str(pid)
        names[key] = f"{first} {last}".strip() or username
        supporters.append(SupporterIn(
            key=key, sites=codes, active=status == SupporterProfile.Status.ACTIVE,
            trained=all(sid in trained[c] for c in codes) if codes else False,
            free_places=max_n - active_n, free_by_hours=by_hours, age=_age(dob, today),
            gender=gender, languages=s_langs.get(sid, frozenset()),
            interests=s_ints.get(sid, frozenset()), availability=_slots(avail),
            lat=lat, lon=lon, paid=employment == SupporterProfile.Employment.PAID))
    clients: list[ClientIn] = []
    enrolment_ids: dict[str, int] = {}
    for (eid, pid, site_id, since, priority, intensity, cid, dob, gender, avail, fsa, pg, pgs,
         amin, amax, ags, plang, pls) in rows:
        site = site_by_id[site_id]
        lat, lon = areas.get(fsa or "", (None, None))
        key = str(pid)
        enrolment_ids[key] = eid
        clients.append(ClientIn(
            key=key, site=site.code, site_name=site.name, age=_age(dob, today), gender=gender,
            languages=c_langs.get(cid, frozenset()), interests=c_ints.get(cid, frozenset()),
            availability=_slots(avail), lat=lat, lon=lon, pref_gender=pg or "",
            pref_gender_strength=pgs, pref_age_min=amin, pref_age_max=amax,
            pref_age_strength=ags, pref_language=languages.get(plang, "") if plang else "",
            pref_language_strength=pls,
            intensive=intensity == Enrolment.Intensity.INTENSIVE,
            waiting_days=max(0.0, (now - since).total_seconds() / 86400) if since else 0.0,
            priority=priority, do_not_rematch=frozenset(forbidden.get(cid, set()))))
    return Inputs(clients, supporters, enrolment_ids, {v: k for k, v in sup_key.items()}, names)


def _trained_by_site(sites: list[ProgramSite], sup_ids: list[int],
                     today: date) -> dict[str, set[int]]:
    """Per site code: supporters holding every training the site requires, valid today."""
    out: dict[str, set[int]] = {}
    required: dict[int, set[int]] = defaultdict(set)
    for site_id, module_id in ProgramSite.required_training.through.objects.filter(
            programsite_id__in=[s.id for s in sites]).values_list("programsite_id",
                                                                   "trainingmodule_id"):
        required[site_id].add(module_id)
    needed = set().union(*required.values()) if required else set()
    held: dict[int, set[int]] = defaultdict(set)
    if needed:
        for sid, module_id in TrainingRecord.objects.filter(
                supporter_id__in=sup_ids, module_id__in=needed, completed_on__lte=today).filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today)).values_list(
                "supporter_id", "module_id"):
            held[sid].add(module_id)
    everyone = set(sup_ids)
    for site in sites:
        need = required.get(site.id, set())
        out[site.code] = everyone if not need else {
            sid for sid, modules in held.items() if need <= modules}
    return out
