"""Reads for matching: the engine's inputs (in bulk, for speed) and scoped lists for pages.

Loading is done with a handful of flat queries (values lists, no per-row queries) so a run
over tens of thousands of clients spends its time in the solver, not in the ORM.
"""

from __future__ import annotations

import itertools
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from numpy.typing import NDArray

from bridgeway.access.policy import clients_for_user
from bridgeway.clients.models import Client, Enrolment, EnrolmentStatus, Match
from bridgeway.core.models import Interest, Language, PostalArea, ProgramSite, User
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

from . import engine
from .criteria import DEFAULT_WEIGHTS, Criteria
from .engine import ClientIn, SupporterIn
from .models import MatchingCriteria, MatchNotice, Proposal

MATCHABLE = (EnrolmentStatus.CONSENTED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.ON_HOLD)


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


def waitlist(site: ProgramSite) -> QuerySet[Enrolment]:
    """The site's waitlist: waitlisted enrolments without an active match, priority first."""
    return (Enrolment.objects.filter(site=site, status=EnrolmentStatus.WAITLISTED)
            .exclude(matches__status=Match.Status.ACTIVE)
            .select_related("client").order_by("-priority", "waitlisted_since", "id"))


def waitlist_for_user(user: User, site: ProgramSite) -> list[Enrolment]:
    allowed = clients_for_user(user).values("id")
    return list(waitlist(site).filter(client_id__in=allowed))


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


# --------------------------------------------------------------------------- columns


@dataclass
class Columns:
    """A run's inputs as columns, straight from the database (no Python object per client):
    the engine's Encoded plus the database ids of its rows."""

    enc: engine.Encoded
    enrolment_id: NDArray[np.int64]  # per client row (canonical order)
    site_id: NDArray[np.int64]  # per client row
    client_public_id: list[str]  # per client row (for the audit event)
    supporter_id: NDArray[np.int64]  # per supporter row (canonical order)


def _fetch(sql: str, params: list[Any] | tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fetch_all(statements: list[tuple[str, list[Any] | tuple[Any, ...]]]
               ) -> Generator[list[tuple[Any, ...]], None, None]:
    """Rows of each statement, in order. On PostgreSQL all statements are sent at once in
    pipeline mode, so the server works on the next ones while the caller decodes a result."""
    if connection.vendor != "postgresql":
        for sql, params in statements:
            yield _fetch(sql, params)
        return
    connection.ensure_connection()
    pg = connection.connection
    with pg.pipeline():
        cursors = []
        for sql, params in statements:
            cursor = pg.cursor()
            cursor.execute(sql, params)
            cursors.append(cursor)
        for cursor in cursors:
            yield cursor.fetchall()
            cursor.close()


def _int_rows(rows: list[tuple[Any, ...]], width: int) -> NDArray[np.int64]:
    """Rows of integers as an (n, width) array (fromiter: no per-row array conversion)."""
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64,
                       count=len(rows) * width)
    return flat.reshape(-1, width)


def _sql_text(column: str) -> str:
    return f"{column}::text" if connection.vendor == "postgresql" else column


def _sql_days(column: str) -> str:
    """A date as days since 1970-01-01 (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _sql_epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::float8"
    return f"((julianday({column}) - 2440587.5) * 86400.0)"


def _uuid_text(value: Any) -> str:
    """PostgreSQL gives uuid::text; SQLite stores 32 hex digits."""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def _uuid_texts(values: tuple[Any, ...]) -> list[str]:
    if connection.vendor == "postgresql":  # already uuid::text
        return list(values)
    return [_uuid_text(v) for v in values]


def _slot_bits(texts: list[Any], slots: list[str]) -> tuple[NDArray[np.uint64], list[str]]:
    """Availability (JSON text lists of day-part slots) as bitsets, decoded with vectorised
    substring search (pyarrow) for the known slots; rows holding anything else are decoded
    one by one and their slots added to the vocabulary."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array([t if isinstance(t, str) else (json.dumps(t) if t else None) for t in texts],
                   type=pa.string())
    n = len(texts)
    bits = np.zeros(n, dtype=np.uint64)
    for j, slot in enumerate(slots):
        hit = pc.fill_null(pc.match_substring(arr, f'"{slot}"'), False)
        bits |= np.asarray(hit.to_numpy(zero_copy_only=False), dtype=np.uint64) << np.uint64(j)
    quotes = np.asarray(pc.fill_null(pc.count_substring(arr, '"'), 0).to_numpy(
        zero_copy_only=False), dtype=np.int64)
    names = list(slots)
    odd = np.flatnonzero(np.bitwise_count(bits).astype(np.int64) * 2 != quotes)
    if odd.size:
        extra: dict[str, int] = {}
        rows: list[set[str]] = []
        for i in odd.tolist():
            value = texts[i]
            items = set(json.loads(value) if isinstance(value, str) else (value or []))
            rows.append(items)
            for item in sorted(items - set(names)):
                extra.setdefault(item, len(names) + len(extra))
        names += list(extra)
        out = np.zeros((n, max(1, (len(names) + 63) // 64)), dtype=np.uint64)
        out[:, 0] = bits
        vocab = {name: k for k, name in enumerate(names)}
        for i, items in zip(odd.tolist(), rows, strict=True):
            out[i] = 0
            for item in items:
                k = vocab[item]
                out[i, k // 64] |= np.uint64(1) << np.uint64(k % 64)
        return out, names
    return bits[:, None], names


def _lut(ids: list[int], values: list[int] | None = None) -> NDArray[np.int64]:
    """Lookup array: id -> value (default: position in `ids`), -1 for unknown ids."""
    out = np.full((max(ids) + 1) if ids else 1, -1, dtype=np.int64)
    if ids:
        out[np.array(ids, dtype=np.int64)] = (np.arange(len(ids)) if values is None
                                              else np.array(values, dtype=np.int64))
    return out


def _lookup(lut: NDArray[np.int64], ids: NDArray[np.int64]) -> NDArray[np.int64]:
    ok = (ids >= 0) & (ids < lut.size)
    out = np.full(ids.size, -1, dtype=np.int64)
    out[ok] = lut[ids[ok]]
    return out


def _m2m_bits(rows: list[tuple[Any, ...]], owner_ids: NDArray[np.int64],
              target_bit: NDArray[np.int64], n_bits: int) -> NDArray[np.uint64]:
    """Bitsets per owner row from (owner id, target id) rows (owners may repeat)."""
    pairs = _int_rows(rows, 2)
    uniq, inverse = np.unique(owner_ids, return_inverse=True)
    pos = np.searchsorted(uniq, pairs[:, 0])
    pos = np.minimum(pos, max(uniq.size - 1, 0))
    known = (uniq.size > 0) & (uniq[pos] == pairs[:, 0]) if uniq.size else np.zeros(
        pairs.shape[0], dtype=bool)
    bits = engine.bits_from_pairs(pos[known], _lookup(target_bit, pairs[known, 1]),
                                  uniq.size, n_bits)
    out: NDArray[np.uint64] = bits[inverse]
    return out


def _ages(days: tuple[Any, ...], today: date) -> NDArray[np.float64]:
    """Age in whole years on `today` from dates of birth as day numbers (NaN when unknown)."""
    day_numbers = np.array(days, dtype=np.float64)
    known = ~np.isnan(day_numbers)
    d = np.where(known, day_numbers, 0).astype(np.int64).astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    before = (month > today.month) | ((month == today.month) & (day > today.day))
    age = (today.year - year - before).astype(np.float64)
    age[~known] = np.nan
    return age


def _opt_float(values: tuple[Any, ...]) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)  # None -> NaN


def load_columns(enrolments: QuerySet[Enrolment], sites: list[ProgramSite], criteria: Criteria,
                 today: date | None = None, now: datetime | None = None) -> Columns:
    """The engine's inputs for `enrolments` and every supporter serving one of `sites`, as
    columns: one query per table (M2M rows as id pairs), decoded with numpy."""
    from bridgeway.core.choices import AVAILABILITY_SLOTS

    today = today or timezone.localdate()
    now = now or timezone.now()
    sites = sorted(sites, key=lambda s: s.code)
    site_pos = {s.id: k for k, s in enumerate(sites)}
    site_ids = [s.id for s in sites]
    languages = list(Language.objects.order_by("name", "id").values_list("id", "name"))
    interests = list(Interest.objects.order_by("name", "id").values_list("id", "name"))
    lang_bit = _lut([i for i, _n in languages])
    int_bit = _lut([i for i, _n in interests])
    lang_names = [n for _i, n in languages]
    lang_name_of = dict(languages)

    e_t, c_t = Enrolment._meta.db_table, Client._meta.db_table
    area_t, s_t = PostalArea._meta.db_table, SupporterProfile._meta.db_table
    through = SupporterProfile.sites.through._meta.db_table
    m_t = Match._meta.db_table
    lt, it = Client.languages.through._meta.db_table, Client.interests.through._meta.db_table
    slt = SupporterProfile.languages.through._meta.db_table
    sit = SupporterProfile.interests.through._meta.db_table
    sub_sql, sub_params = enrolments.order_by().values("id").query.sql_with_params()
    client_sub = f"SELECT e2.client_id FROM {e_t} e2 WHERE e2.id IN ({sub_sql})"  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
    marks = ", ".join(["%s"] * len(site_ids)) or "NULL"
    sup_sub = f"SELECT t.supporterprofile_id FROM {through} t WHERE t.programsite_id IN ({marks})"  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
    trained_sets = _trained_at_sites(sites, sup_sub, site_ids, today)
    # Independent queries, sent together (a pipeline on PostgreSQL: the server runs the
    # later ones while the earlier ones are decoded here).
    fetched = _fetch_all([
        (f"SELECT {_sql_text('e.public_id')}, e.id, e.site_id, "  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         f"{_sql_epoch('e.waitlisted_since')}, e.priority, e.support_intensity, e.client_id, "
         f"{_sql_text('c.public_id')}, {_sql_days('c.date_of_birth')}, c.gender, "
         f"{_sql_text('c.availability')}, pa.latitude, pa.longitude, c.pref_gender, "
         f"c.pref_gender_strength, c.pref_age_min, c.pref_age_max, c.pref_age_strength, "
         f"c.pref_language_id, c.pref_language_strength "
         f"FROM {e_t} e JOIN {c_t} c ON c.id = e.client_id "
         f"LEFT JOIN {area_t} pa ON pa.fsa = c.home_fsa WHERE e.id IN ({sub_sql})", sub_params),
        (f"SELECT {_sql_text('s.public_id')}, s.id, s.status, s.max_active_clients, "  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         f"(SELECT COUNT(*) FROM {m_t} m WHERE m.supporter_id = s.id AND m.status = %s), "
         f"s.hours_per_week, {_sql_days('s.date_of_birth')}, s.gender, "
         f"{_sql_text('s.availability')}, pa.latitude, pa.longitude, s.employment "
         f"FROM {s_t} s LEFT JOIN {area_t} pa ON pa.fsa = s.home_fsa "
         f"WHERE s.id IN ({sup_sub})", [str(Match.Status.ACTIVE), *site_ids]),
        (f"SELECT t.supporterprofile_id, t.programsite_id FROM {through} t "  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         f"WHERE t.programsite_id IN ({marks})", site_ids),
        (f"SELECT client_id, language_id FROM {lt} WHERE client_id IN ({client_sub})",  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         sub_params),
        (f"SELECT client_id, interest_id FROM {it} WHERE client_id IN ({client_sub})",  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         sub_params),
        (f"SELECT supporterprofile_id, language_id FROM {slt} "  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         f"WHERE supporterprofile_id IN ({sup_sub})", site_ids),
        (f"SELECT supporterprofile_id, interest_id FROM {sit} "  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         f"WHERE supporterprofile_id IN ({sup_sub})", site_ids),
        (f"SELECT client_id, supporter_id FROM {m_t} WHERE do_not_rematch = %s "  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
         f"AND client_id IN ({client_sub})", [True, *sub_params]),
    ])
    rows = next(fetched)
    # canonical order: by key (32 hex digits on SQLite sort like the dashed text)
    rows.sort(key=itemgetter(0))
    cols: list[tuple[Any, ...]] = (list(zip(*rows, strict=True)) if rows
                                    else [() for _ in range(20)])
    (keys, e_ids, e_sites, since, priority, intensity, c_ids, c_pids, dobs, genders, avail,
     lats, lons, pgs, pg_strength, amins, amaxs, a_strength, plangs, pl_strength) = cols
    n_c = len(rows)
    client_ids = np.array(c_ids, dtype=np.int64)

    s_rows = next(fetched)
    s_rows.sort(key=itemgetter(0))
    s_cols: list[tuple[Any, ...]] = (list(zip(*s_rows, strict=True)) if s_rows
                                      else [() for _ in range(12)])
    (s_keys, s_ids, status, max_n, active_n, hours, s_dobs, s_genders, s_avail, s_lats, s_lons,
     employment) = s_cols
    n_s = len(s_rows)
    sup_ids = np.array(s_ids, dtype=np.int64)
    sup_pos = _lut(list(s_ids))

    # site membership, weekly hours (the strictest commitment among the sites served) and
    # training (every site's required training) per supporter
    members = _int_rows(next(fetched), 2)
    m_sup = _lookup(sup_pos, members[:, 0])
    m_site = np.array([site_pos[int(x)] for x in members[:, 1]], dtype=np.int64)
    order = np.lexsort((m_sup, m_site))
    m_sup, m_site = m_sup[order], m_site[order]
    minutes = np.array([max(1, s.weekly_commitment_minutes) for s in sites], dtype=np.int64)
    s_minutes = np.full(n_s, 60, dtype=np.int64)
    if m_sup.size:
        s_minutes[np.unique(m_sup)] = 0
        np.maximum.at(s_minutes, m_sup, minutes[m_site])
    untrained = np.array([
        trained_sets[k] is not None and int(s_ids[j]) not in (trained_sets[k] or set())
        for j, k in zip(m_sup.tolist(), m_site.tolist(), strict=True)], dtype=bool)
    s_trained = (np.bincount(m_sup[untrained], minlength=n_s) == 0) & (
        np.bincount(m_sup, minlength=n_s) > 0)
    s_hours = np.array([float(h or 0) for h in hours], dtype=np.float64)
    s_active_n = np.array(active_n, dtype=np.int64)
    by_hours = np.floor(s_hours * 60 / s_minutes).astype(np.int64) - s_active_n

    # many-to-many rows as id pairs -> bitsets
    c_lang = _m2m_bits(next(fetched), client_ids, lang_bit, len(languages))
    c_int = _m2m_bits(next(fetched), client_ids, int_bit, len(interests))
    s_lang = _m2m_bits(next(fetched), sup_ids, lang_bit, len(languages))
    s_int = _m2m_bits(next(fetched), sup_ids, int_bit, len(interests))
    av_bits, slot_names = _slot_bits(list(avail) + list(s_avail), list(AVAILABILITY_SLOTS))
    c_av, s_av = av_bits[:n_c], av_bits[n_c:]

    # do-not-re-match pairs
    forbidden_rows = next(fetched)
    fetched.close()
    rows_of: dict[int, list[int]] = defaultdict(list)
    for i, cid in enumerate(client_ids.tolist()):
        rows_of[cid].append(i)
    forbidden = sorted({i * n_s + int(sup_pos[sid]) for cid, sid in forbidden_rows
                        if sid < sup_pos.size and sup_pos[sid] >= 0 for i in rows_of[cid]})

    # genders, preferences
    gender_names = sorted(set(genders) | set(s_genders) | {g for g in pgs if g})
    g_index = {g: k for k, g in enumerate(gender_names)}
    known = np.array([g in engine.KNOWN_GENDERS for g in gender_names], dtype=bool)
    c_gender = np.array([g_index[g] for g in genders], dtype=np.int64)
    pref_gender_on = np.array([bool(g) and st != "none" for g, st in zip(pgs, pg_strength,
                                                                          strict=True)], dtype=bool)
    pref_lang_ids = np.array([x if x is not None else -1 for x in plangs], dtype=np.int64)
    pref_lang_on = np.array([x is not None and st != "none" for x, st in zip(
        plangs, pl_strength, strict=True)], dtype=bool)
    age_min, age_max = _opt_float(amins), _opt_float(amaxs)
    has_range = ~np.isnan(age_min) | ~np.isnan(age_max)
    a_strength_arr = np.array(a_strength, dtype=object)
    site_lang = [k for k, name in enumerate(lang_names) if name == criteria.site_language]
    c_other = c_lang.copy()
    for k in site_lang:
        c_other[:, k // 64] &= ~(np.uint64(1) << np.uint64(k % 64))
    wait = (now.timestamp() - np.array(since, dtype=np.float64)) / 86400
    enc = engine.Encoded(
        c_key=_uuid_texts(keys), s_key=_uuid_texts(s_keys),
        c_site=np.array([site_pos[int(x)] for x in e_sites], dtype=np.int64),
        m_site=m_site, m_sup=m_sup,
        site_codes=[s.code for s in sites], site_names=[s.name for s in sites],
        c_age=_ages(dobs, today), s_age=_ages(s_dobs, today),
        c_gender=c_gender, s_gender=np.array([g_index[g] for g in s_genders], dtype=np.int64),
        c_gender_known=known[c_gender] if n_c else np.zeros(0, dtype=bool),
        c_lang=c_lang, s_lang=s_lang, c_int=c_int, s_int=s_int, c_av=c_av, s_av=s_av,
        c_lat=_opt_float(lats), c_lon=_opt_float(lons),
        s_lat=_opt_float(s_lats), s_lon=_opt_float(s_lons),
        c_pref_gender=np.array([g_index[g] if g else -3 for g in pgs], dtype=np.int64),
        c_pref_gender_req=np.array([bool(g) and st == "required" for g, st in zip(
            pgs, pg_strength, strict=True)], dtype=bool),
        c_pref_gender_on=pref_gender_on,
        c_age_min=age_min, c_age_max=age_max,
        c_age_req=(a_strength_arr == "required") & has_range,
        c_age_on=(a_strength_arr != "none") & has_range,
        c_pref_lang=np.where(pref_lang_on, _lookup(lang_bit, pref_lang_ids), -1),
        c_pref_lang_req=np.array([x is not None and st == "required" for x, st in zip(
            plangs, pl_strength, strict=True)], dtype=bool),
        c_has_lang=np.asarray(c_lang.any(axis=1), dtype=bool),
        c_other_lang=c_other,
        c_intensive=np.array(intensity, dtype=object) == Enrolment.Intensity.INTENSIVE,
        c_wait=np.nan_to_num(np.maximum(wait, 0.0), nan=0.0),
        c_priority=np.array(priority, dtype=bool),
        s_active=np.array(status, dtype=object) == SupporterProfile.Status.ACTIVE,
        s_trained=s_trained,
        s_paid=np.array(employment, dtype=object) == SupporterProfile.Employment.PAID,
        s_free=np.array(max_n, dtype=np.int64) - s_active_n,
        s_free_hours=by_hours,
        forbidden=np.array(forbidden, dtype=np.int64),
        lang_names=lang_names, interest_names=[n for _i, n in interests],
        gender_names=gender_names,
        c_pref_lang_name=[lang_name_of.get(x, "") if x is not None else "" for x in plangs],
        c_pref_gender_name=[g or "" for g in pgs],
    )
    del slot_names
    return Columns(enc=enc, enrolment_id=np.array(e_ids, dtype=np.int64),
                   site_id=np.array(e_sites, dtype=np.int64),
                   client_public_id=_uuid_texts(c_pids), supporter_id=sup_ids)


def _trained_at_sites(sites: list[ProgramSite], sup_sub: str, site_ids: list[int],
                      today: date) -> list[set[int] | None]:
    """Per site (in `sites` order): the supporters holding every training it requires, valid
    today; None when the site requires none."""
    required: dict[int, set[int]] = defaultdict(set)
    for site_id, module_id in ProgramSite.required_training.through.objects.filter(
            programsite_id__in=site_ids).values_list("programsite_id", "trainingmodule_id"):
        required[site_id].add(module_id)
    held: dict[int, set[int]] = defaultdict(set)
    if required:
        with connection.cursor() as cursor:
            records = TrainingRecord.objects.filter(
                module_id__in=set().union(*required.values()), completed_on__lte=today).filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today)).values_list(
                "supporter_id", "module_id")
            sql, params = records.query.sql_with_params()
            cursor.execute(f"SELECT * FROM ({sql}) r WHERE r.supporter_id IN ({sup_sub})",  # noqa: S608  # nosec B608 — table and column names come from model metadata or constants; values are query parameters
                           [*params, *site_ids])
            for sid, module_id in cursor.fetchall():
                held[sid].add(module_id)
    return [None if not required.get(site.id) else
            {sid for sid, modules in held.items() if required[site.id] <= modules}
            for site in sites]


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


# --------------------------------------------------------------------------- pages


def proposals_for_user(user: User, site: ProgramSite) -> QuerySet[Proposal]:
    """Open proposals at `site` for clients the user may see."""
    allowed = clients_for_user(user).values("id")
    return (Proposal.objects.filter(site=site, status=Proposal.Status.PROPOSED,
                                    enrolment__client_id__in=allowed)
            .select_related("enrolment__client", "supporter__user", "run")
            .order_by("-enrolment__priority", "enrolment__waitlisted_since", "id"))


def proposal_by_public_id(public_id: uuid.UUID | str) -> Proposal | None:
    try:
        return (Proposal.objects.select_related("enrolment__client", "supporter__user", "site",
                                                "run", "match")
                .filter(public_id=public_id).first())
    except (ValueError, TypeError):
        return None


def match_by_public_id(public_id: uuid.UUID | str) -> Match | None:
    return (Match.objects.select_related("client", "supporter__user", "site", "enrolment")
            .filter(public_id=public_id).first())


def match_history(client: Client) -> QuerySet[Match]:
    return client.matches.select_related("supporter__user", "site").order_by("-started_on", "-id")


def active_matches_for_user(user: User, site: ProgramSite) -> QuerySet[Match]:
    allowed = clients_for_user(user).values("id")
    return (Match.objects.filter(site=site, status=Match.Status.ACTIVE, client_id__in=allowed)
            .select_related("client", "supporter__user").order_by("client__family_name", "id"))


def notices_for(supporter: SupporterProfile) -> QuerySet[MatchNotice]:
    return MatchNotice.objects.filter(supporter=supporter).select_related(
        "match__client", "match__site")


def supporters_at_site(site: ProgramSite) -> QuerySet[SupporterProfile]:
    return SupporterProfile.objects.filter(sites=site).select_related("user")


def explain_proposals(proposals: list[Proposal], alternatives: int = 3) -> dict[int, dict[str, Any]]:
    """Per proposal: its reason in words and its next best alternatives (supporter key, name,
    score, reason), derived from today's records with the site's criteria — one columnar
    load and one scoring per site, however many proposals a page shows. A decided proposal
    keeps the reason stored when it was decided."""
    from django.utils.translation import gettext

    from . import explain

    out: dict[int, dict[str, Any]] = {}
    by_site: dict[int, list[Proposal]] = defaultdict(list)
    for p in proposals:
        by_site[p.site_id].append(p)
    for group in by_site.values():
        site = group[0].site
        criteria = criteria_for_site(site)
        cols = load_columns(Enrolment.objects.filter(pk__in=[p.enrolment_id for p in group]),
                            [site], criteria)
        enc = cols.enc
        sc = engine.score_encoded(enc, criteria)
        row_of = {int(e): i for i, e in enumerate(cols.enrolment_id.tolist())}
        sup_of = {int(s): j for j, s in enumerate(cols.supporter_id.tolist())}
        pairs: list[tuple[Proposal, int, int]] = [
            (p, row_of[p.enrolment_id], sup_of.get(p.supporter_id, -1)) for p in group
            if p.enrolment_id in row_of]
        known = [(p, i, j) for p, i, j in pairs if j >= 0]
        texts = explain.reasons_for(enc, np.array([i for _p, i, _j in known], dtype=np.int64),
                                    np.array([j for _p, _i, j in known], dtype=np.int64),
                                    criteria, gettext) if known else []
        reason_of = {p.pk: text for (p, _i, _j), text in zip(known, texts, strict=True)}
        alt_pairs = {p.pk: engine.next_best(sc, i, j, alternatives) for p, i, j in pairs}
        flat = [a for alts in alt_pairs.values() for a in alts]
        alt_texts = dict(zip(flat, explain.reasons_for_pairs(sc, flat, criteria, gettext)
                             if flat else [], strict=True))
        ids = {int(cols.supporter_id[int(sc.ps[a])]) for a in flat}
        names = {s.pk: str(s) for s in SupporterProfile.objects.filter(pk__in=ids)
                 .select_related("user")}
        for p in group:
            rows = []
            for a in alt_pairs.get(p.pk, []):
                j = int(sc.ps[a])
                rows.append({"supporter": enc.s_key[j],
                             "name": names.get(int(cols.supporter_id[j]), ""),
                             "score": round(float(sc.score[a]), 2), "reason": alt_texts[a]})
            out[p.pk] = {"reason": p.reason or reason_of.get(p.pk, ""), "alts": rows}
    return out


def why_not(proposal: Proposal, supporter_key: str, *, tr: Any) -> tuple[
        str, str | None, str, dict[str, float]] | None:
    """Why was this supporter not proposed? (name, blocking code, sentence, points)."""
    from . import explain

    inputs = load_inputs(Enrolment.objects.filter(pk=proposal.enrolment_id), [proposal.site])
    target = next((s for s in inputs.supporters if s.key == supporter_key), None)
    if target is None or not inputs.clients:
        return None
    name = inputs.supporter_names[target.key]
    if target.key == str(proposal.supporter.public_id):
        return name, None, tr("This is the proposed supporter."), {}
    code, text, points = explain.why_not(
        inputs.clients[0], target, criteria_for_site(proposal.site),
        proposed_score=proposal.score, proposed_points=proposal.contributions, tr=tr)
    return name, code, text, points
