"""Fidelity: "degree of intervention received" per program client and "degree of
implementation" per ward and month, each as a score with its components.

Components for one program episode (the index discharge of an enrolled client):

* matched before discharge — a match of the enrolment started on or before discharge day;
* on-ward contact — a contact that happened ("met") on the ward during the episode;
* first community contact within 7 days — a met contact off the ward on days 0–7 after discharge;
* weekly commitment met — met contact minutes off the ward over the first 12 weeks after
  discharge (fewer if the match ended or data stop earlier; unknown under one week) average
  at least the site's weekly commitment (ProgramSite.weekly_commitment_minutes);
* bridging until the community provider took over — a bridging record (safety app) started by
  discharge and ended by a provider on or after discharge. "Not recorded" (left out of the
  score) at sites that record no bridging at all.

The score is the share of known components met (0–1).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Match
from bridgeway.core.models import ProgramSite
from bridgeway.safety.models import Bridging

from .data import day_number, met_contacts

COMPONENTS = {
    "matched_before_discharge": _("Matched before discharge"),
    "on_ward_contact": _("Met on the ward"),
    "community_within_7": _("First community contact within 7 days"),
    "weekly_commitment": _("Weekly commitment met"),
    "bridging": _("Bridging until a community provider took over"),
}
WEEKS = 12


def episodes_of(program: pd.DataFrame) -> pd.DataFrame:
    """Discharged program index episodes (stats.pipeline's cohort rows) in this module's terms."""
    done = program[program["end"].notna() & program["enrolment_id"].notna()]
    return done.rename(columns={"index_stay_id": "stay_id", "start": "episode_start",
                                "end": "discharge"}).astype({"enrolment_id": "int64"})


def per_client(program: pd.DataFrame, *, cutoff: date) -> pd.DataFrame:
    """One row per program episode: the five components (1/0/NaN) and the score."""
    cols = ["stay_id", "client_id", "site_id", "ward_id", "discharge", *COMPONENTS, "score"]
    if program.empty:
        return pd.DataFrame(columns=cols)
    p = program[["stay_id", "client_id", "site_id", "ward_id", "enrolment_id", "episode_start",
                 "discharge"]].copy()
    cut = day_number(cutoff)
    clients = [int(c) for c in p.client_id.unique()]

    matches = pd.DataFrame(
        [(e, day_number(s), day_number(x) if x else cut) for e, s, x in
         Match.objects.filter(enrolment_id__in=[int(i) for i in p.enrolment_id.unique()])
         .values_list("enrolment_id", "started_on", "ended_on")],
        columns=["enrolment_id", "m_start", "m_end"])
    m = p.merge(matches, on="enrolment_id", how="left")
    m["before"] = m.m_start <= m.discharge
    agg = m.groupby("stay_id").agg(before=("before", "max"), m_end=("m_end", "max"))
    p = p.merge(agg, left_on="stay_id", right_index=True, how="left")
    p["matched_before_discharge"] = p.before.astype(float).fillna(0.0)

    contacts = met_contacts(clients)
    c = p[["stay_id", "client_id", "episode_start", "discharge", "m_end"]].merge(
        contacts, on="client_id", how="inner")
    end = np.minimum(c.m_end.fillna(cut), cut)
    weeks = np.minimum(WEEKS, (np.minimum(end, c.discharge + 7 * WEEKS) - c.discharge) / 7)
    c = c.assign(
        on_ward=c.ward & (c.day >= c.episode_start) & (c.day <= c.discharge),
        community7=(~c.ward) & (c.day >= c.discharge) & (c.day <= c.discharge + 7),
        community_minutes=np.where((~c.ward) & (c.day > c.discharge)
                                   & (c.day <= c.discharge + 7 * weeks), c.minutes, 0),
    )
    by = c.groupby("stay_id").agg(on_ward=("on_ward", "max"), community7=("community7", "max"),
                                  minutes=("community_minutes", "sum"))
    p = p.merge(by, left_on="stay_id", right_index=True, how="left")
    p["on_ward_contact"] = p.on_ward.astype(float).fillna(0.0)
    p["community_within_7"] = p.community7.astype(float).fillna(0.0)
    commitment = dict(ProgramSite.objects.values_list("id", "weekly_commitment_minutes"))
    end = np.minimum(p.m_end.fillna(cut), cut)
    p_weeks = np.minimum(WEEKS, (end - p.discharge) / 7)
    per_week = p.minutes.astype(float).fillna(0.0) / p_weeks.where(p_weeks >= 1)
    target = p.site_id.map(commitment).astype(float)
    p["weekly_commitment"] = np.where(per_week.isna(), np.nan, (per_week >= target).astype(float))

    bridgings = pd.DataFrame(
        [(cl, day_number(s), day_number(e) if e else None) for cl, s, e in
         Bridging.objects.filter(client_id__in=clients)
         .values_list("client_id", "started_on", "established_on")],
        columns=["client_id", "b_start", "b_end"])
    b = p[["stay_id", "client_id", "discharge"]].merge(bridgings, on="client_id", how="inner")
    b["ok"] = (b.b_start <= b.discharge) & b.b_end.notna() & (b.b_end >= b.discharge)
    ok = b.groupby("stay_id")["ok"].max()
    recording_sites = set(p[p.client_id.isin(set(bridgings.client_id))].site_id)
    p["bridging"] = np.where(p.site_id.isin(recording_sites),
                             p.stay_id.map(ok).astype(float).fillna(0.0), np.nan)
    p["score"] = p[list(COMPONENTS)].mean(axis=1, skipna=True)
    return p[cols].reset_index(drop=True)


def quarter_key(day_numbers: pd.Series) -> pd.Series:
    """Day numbers to "YYYY-Qn"."""
    return pd.to_datetime(day_numbers.astype("int64"), unit="D").dt.to_period("Q").astype(str)


def per_ward_quarter(episodes: pd.DataFrame, fidelity: pd.DataFrame) -> pd.DataFrame:
    """Degree of implementation per ward and discharge quarter: reach, score and components.

    `episodes`: the discharged episodes on program wards in the period (ward_id, discharge).
    Reach is the share of them that were program index episodes. Quarters rather than months:
    a ward discharges a handful of people a month, too few to show (disclosure control).
    """
    cols = ["ward_id", "quarter", "discharges", "program", "reach", "score", *COMPONENTS]
    if episodes.empty:
        return pd.DataFrame(columns=cols)
    e = episodes.assign(quarter=quarter_key(episodes.discharge))
    base = e.groupby(["ward_id", "quarter"]).size().rename("discharges").to_frame()
    if fidelity.empty:
        base["program"] = 0
        out = base.reset_index()
        for col in ["reach", "score", *COMPONENTS]:
            out[col] = np.nan
        return out[cols]
    f = fidelity.assign(quarter=quarter_key(fidelity.discharge))
    agg = f.groupby(["ward_id", "quarter"]).agg(
        program=("stay_id", "size"), score=("score", "mean"),
        **{k: (k, "mean") for k in COMPONENTS})
    out = base.join(agg, how="left").reset_index()
    out["program"] = out.program.fillna(0).astype(int)
    out["reach"] = out.program / out.discharges
    return out[cols]
