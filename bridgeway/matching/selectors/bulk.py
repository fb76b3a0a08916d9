"""The engine's inputs for a run, in bulk: one query per table (sent together in a
PostgreSQL pipeline), rows decoded straight into a `Pool` of numpy columns — no Python object
per client, so a run over tens of thousands of clients spends its time in the solver, not
in the ORM. The same facts as engine_inputs.load_inputs + engine.encode (a test checks it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from numpy.typing import NDArray

from bridgeway.clients.models import Client, Enrolment, Match
from bridgeway.core.models import Interest, Language, PostalArea, ProgramSite
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

from ..engine import KNOWN_GENDERS, ClientColumns, Criteria, Pool, SupporterColumns
from ..engine.bits import without_bits
from ..engine.inputs import NO_GENDER
from .decode import (
    ages,
    fetch_all,
    ids_param,
    int_rows,
    lookup,
    lut,
    m2m_bits,
    opt_float,
    slot_bits,
    sql_days,
    sql_epoch,
    sql_in_ids,
    sql_text,
    uuid_texts,
)


@dataclass
class Columns:
    """A run's inputs as columns, straight from the database (no Python object per client):
    the engine's Pool plus the database ids of its rows."""

    pool: Pool
    enrolment_id: NDArray[np.int64]  # per client row (canonical order)
    site_id: NDArray[np.int64]  # per client row
    client_public_id: list[str]  # per client row (for the audit event)
    supporter_id: NDArray[np.int64]  # per supporter row (canonical order)


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
    e_t, c_t = Enrolment._meta.db_table, Client._meta.db_table
    area_t, s_t = PostalArea._meta.db_table, SupporterProfile._meta.db_table
    through = SupporterProfile.sites.through._meta.db_table
    m_t = Match._meta.db_table
    lt, it = Client.languages.through._meta.db_table, Client.interests.through._meta.db_table
    slt = SupporterProfile.languages.through._meta.db_table
    sit = SupporterProfile.interests.through._meta.db_table
    marks = ", ".join(["%s"] * len(site_ids)) or "NULL"
    required_t = ProgramSite.required_training.through._meta.db_table
    record_t = TrainingRecord._meta.db_table
    # Two rounds of independent queries, each sent together (a pipeline on PostgreSQL: the
    # server runs the later ones while the earlier ones are decoded here). The first finds
    # who is in the run (the waitlist's rows, the sites' supporters); the second reads their
    # rows by id, so no query scans a whole table once per site.
    ids_sql, ids_params = enrolments.order_by().values_list("id", "client_id").query.sql_with_params()
    first = fetch_all([
        (f"SELECT id, name FROM {Language._meta.db_table} ORDER BY name, id", []),  # noqa: S608  # nosec B608 — model table name
        (f"SELECT id, name FROM {Interest._meta.db_table} ORDER BY name, id", []),  # noqa: S608  # nosec B608 — model table name
        # how many training modules each site requires
        (f"SELECT programsite_id, COUNT(*) FROM {required_t} "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"WHERE programsite_id IN ({marks}) GROUP BY programsite_id", site_ids),
        (ids_sql, list(ids_params)),
        (f"SELECT t.supporterprofile_id, t.programsite_id FROM {through} t "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"WHERE t.programsite_id IN ({marks})", site_ids),
    ])
    languages, interests, required_rows, id_rows, member_rows = (next(first) for _ in range(5))
    first.close()
    e_ids_param = ids_param(sorted({int(e) for e, _c in id_rows}))
    c_ids_param = ids_param(sorted({int(c) for _e, c in id_rows}))
    s_ids_param = ids_param(sorted({int(s) for s, _site in member_rows}))
    fetched = fetch_all([
        # how many of each site's required modules each of its supporters holds, valid today
        (f"SELECT r.programsite_id, tr.supporter_id, COUNT(DISTINCT tr.module_id) "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"FROM {required_t} r JOIN {record_t} tr ON tr.module_id = r.trainingmodule_id "
         f"WHERE r.programsite_id IN ({marks}) AND tr.completed_on <= %s "
         f"AND (tr.expires_on IS NULL OR tr.expires_on >= %s) "
         f"AND {sql_in_ids('tr.supporter_id')} "
         f"GROUP BY r.programsite_id, tr.supporter_id", [*site_ids, today, today, s_ids_param]),
        (f"SELECT {sql_text('e.public_id')}, e.id, e.site_id, "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"{sql_epoch('e.waitlisted_since')}, e.priority, e.support_intensity, e.client_id, "
         f"{sql_text('c.public_id')}, {sql_days('c.date_of_birth')}, c.gender, "
         f"{sql_text('c.availability')}, pa.latitude, pa.longitude, c.pref_gender, "
         f"c.pref_gender_strength, c.pref_age_min, c.pref_age_max, c.pref_age_strength, "
         f"c.pref_language_id, c.pref_language_strength "
         f"FROM {e_t} e JOIN {c_t} c ON c.id = e.client_id "
         # the clients by id as well: joined on client_id alone, PostgreSQL hashes the
         # whole client table for each site's ~170 rows
         f"LEFT JOIN {area_t} pa ON pa.fsa = c.home_fsa WHERE {sql_in_ids('e.id')} "
         f"AND {sql_in_ids('c.id')}", [e_ids_param, c_ids_param]),
        (f"SELECT {sql_text('s.public_id')}, s.id, s.status, s.max_active_clients, "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"(SELECT COUNT(*) FROM {m_t} m WHERE m.supporter_id = s.id AND m.status = %s), "
         f"s.hours_per_week, {sql_days('s.date_of_birth')}, s.gender, "
         f"{sql_text('s.availability')}, pa.latitude, pa.longitude, s.employment "
         f"FROM {s_t} s LEFT JOIN {area_t} pa ON pa.fsa = s.home_fsa "
         f"WHERE {sql_in_ids('s.id')}", [str(Match.Status.ACTIVE), s_ids_param]),
        (f"SELECT client_id, language_id FROM {lt} WHERE {sql_in_ids('client_id')}",  # noqa: S608  # nosec B608 — model table names; values are parameters
         [c_ids_param]),
        (f"SELECT client_id, interest_id FROM {it} WHERE {sql_in_ids('client_id')}",  # noqa: S608  # nosec B608 — model table names; values are parameters
         [c_ids_param]),
        (f"SELECT supporterprofile_id, language_id FROM {slt} "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"WHERE {sql_in_ids('supporterprofile_id')}", [s_ids_param]),
        (f"SELECT supporterprofile_id, interest_id FROM {sit} "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"WHERE {sql_in_ids('supporterprofile_id')}", [s_ids_param]),
        (f"SELECT client_id, supporter_id FROM {m_t} WHERE do_not_rematch = %s "  # noqa: S608  # nosec B608 — model table names; values are parameters
         f"AND {sql_in_ids('client_id')}", [True, c_ids_param]),
    ])
    lang_bit = lut([i for i, _n in languages])
    int_bit = lut([i for i, _n in interests])
    lang_names = [n for _i, n in languages]
    lang_name_of = dict(languages)
    need: dict[int, int] = dict(required_rows)
    held = next(fetched)
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
    sup_pos = lut(list(s_ids))

    # site membership, weekly hours (the strictest commitment among the sites served) and
    # training (every site's required training) per supporter
    members = int_rows(member_rows, 2)
    m_sup = lookup(sup_pos, members[:, 0])
    m_site = np.array([site_pos[int(x)] for x in members[:, 1]], dtype=np.int64)
    order = np.lexsort((m_sup, m_site))
    m_sup, m_site = m_sup[order], m_site[order]
    minutes = np.array([max(1, s.weekly_commitment_minutes) for s in sites], dtype=np.int64)
    s_minutes = np.full(n_s, 60, dtype=np.int64)
    if m_sup.size:
        s_minutes[np.unique(m_sup)] = 0
        np.maximum.at(s_minutes, m_sup, minutes[m_site])
    # a membership is trained when its site requires nothing or the supporter holds every
    # module it requires (valid today)
    site_need = np.array([need.get(s.id, 0) for s in sites], dtype=np.int64)
    full = [(site_pos[site_id], int(sup_pos[sid])) for site_id, sid, n in held
            if n >= need.get(site_id, 0) and sid < sup_pos.size and sup_pos[sid] >= 0]
    full_codes = np.array([k * max(n_s, 1) + j for k, j in full], dtype=np.int64)
    untrained = (site_need[m_site] > 0) & ~np.isin(m_site * max(n_s, 1) + m_sup, full_codes)
    s_trained = (np.bincount(m_sup[untrained], minlength=n_s) == 0) & (
        np.bincount(m_sup, minlength=n_s) > 0)
    s_hours = np.array([float(h or 0) for h in hours], dtype=np.float64)
    s_active_n = np.array(active_n, dtype=np.int64)
    by_hours = np.floor(s_hours * 60 / s_minutes).astype(np.int64) - s_active_n

    # many-to-many rows as id pairs -> bitsets
    c_lang = m2m_bits(next(fetched), client_ids, lang_bit, len(languages))
    c_int = m2m_bits(next(fetched), client_ids, int_bit, len(interests))
    s_lang = m2m_bits(next(fetched), sup_ids, lang_bit, len(languages))
    s_int = m2m_bits(next(fetched), sup_ids, int_bit, len(interests))
    av_bits, _slot_names = slot_bits(list(avail) + list(s_avail), list(AVAILABILITY_SLOTS))
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
    known = np.array([g in KNOWN_GENDERS for g in gender_names], dtype=bool)
    c_gender = np.array([g_index[g] for g in genders], dtype=np.int64)
    pref_gender_on = np.array([bool(g) and st != "none" for g, st in zip(pgs, pg_strength,
                                                                          strict=True)], dtype=bool)
    pref_lang_ids = np.array([x if x is not None else -1 for x in plangs], dtype=np.int64)
    pref_lang_on = np.array([x is not None and st != "none" for x, st in zip(
        plangs, pl_strength, strict=True)], dtype=bool)
    age_min, age_max = opt_float(amins), opt_float(amaxs)
    has_range = ~np.isnan(age_min) | ~np.isnan(age_max)
    a_strength_arr = np.array(a_strength, dtype=object)
    site_lang = [k for k, name in enumerate(lang_names) if name == criteria.site_language]
    wait = (now.timestamp() - np.array(since, dtype=np.float64)) / 86400
    clients = ClientColumns(
        key=uuid_texts(keys),
        site=np.array([site_pos[int(x)] for x in e_sites], dtype=np.int64),
        age=ages(dobs, today),
        gender=c_gender,
        gender_disclosed=known[c_gender] if n_c else np.zeros(0, dtype=bool),
        languages=c_lang,
        languages_besides_site=without_bits(c_lang, site_lang),
        speaks_any_language=np.asarray(c_lang.any(axis=1), dtype=bool),
        interests=c_int, availability=c_av,
        lat=opt_float(lats), lon=opt_float(lons),
        wanted_gender=np.array([g_index[g] if g else NO_GENDER for g in pgs], dtype=np.int64),
        wants_gender=pref_gender_on,
        requires_gender=np.array([bool(g) and st == "required" for g, st in zip(
            pgs, pg_strength, strict=True)], dtype=bool),
        age_min=age_min, age_max=age_max,
        wants_age_range=(a_strength_arr != "none") & has_range,
        requires_age_range=(a_strength_arr == "required") & has_range,
        wanted_language=np.where(pref_lang_on, lookup(lang_bit, pref_lang_ids), -1),
        requires_language=np.array([x is not None and st == "required" for x, st in zip(
            plangs, pl_strength, strict=True)], dtype=bool),
        intensive=np.array(intensity, dtype=object) == Enrolment.Intensity.INTENSIVE,
        waiting_days=np.nan_to_num(np.maximum(wait, 0.0), nan=0.0),
        priority=np.array(priority, dtype=bool),
        wanted_language_name=[lang_name_of.get(x, "") if x is not None else "" for x in plangs],
        wanted_gender_name=[g or "" for g in pgs],
    )
    supporters = SupporterColumns(
        key=uuid_texts(s_keys),
        age=ages(s_dobs, today),
        gender=np.array([g_index[g] for g in s_genders], dtype=np.int64),
        languages=s_lang, interests=s_int, availability=s_av,
        lat=opt_float(s_lats), lon=opt_float(s_lons),
        active=np.array(status, dtype=object) == SupporterProfile.Status.ACTIVE,
        trained=s_trained,
        paid=np.array(employment, dtype=object) == SupporterProfile.Employment.PAID,
        free_places=np.array(max_n, dtype=np.int64) - s_active_n,
        free_by_hours=by_hours,
    )
    pool = Pool(
        clients=clients, supporters=supporters, member_site=m_site, member_supporter=m_sup,
        site_codes=[s.code for s in sites], site_names=[s.name for s in sites],
        language_names=lang_names, interest_names=[n for _i, n in interests],
        gender_names=gender_names, forbidden=np.array(forbidden, dtype=np.int64),
    )
    return Columns(pool=pool, enrolment_id=np.array(e_ids, dtype=np.int64),
                   site_id=np.array(e_sites, dtype=np.int64),
                   client_public_id=uuid_texts(c_pids), supporter_id=sup_ids)
