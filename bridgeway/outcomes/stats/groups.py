"""Comparison groups defined at the moment of decision. Pure: no Django.

Every client enters the evaluation once, at their *index episode*: the first eligible episode
admitted on or after the program start of its site (one rule for both arms). Eligible: a stay
on one of the site's program wards, or a referral during the episode. Then:

* **program** (intention to treat): referred during the index episode, whatever happened next
  (declined, withdrew, readmitted before consent);
* **usual care**: not referred during the index episode, even if referred at a later stay
  (counted as a *crossover*, never moved to the program arm);
* **straddling**: episodes admitted before the start and discharged after it; shown apart,
  in neither arm (they are longer on average: a stay that covers a date is a long one);
* **before**: the first eligible episode admitted in the 36 months before the start, unless it
  was referred (a straddler caught by the program);
* clients referred at an earlier episode than their index are left out (already exposed).

Status (consented, matched, ...) is the one recorded on the index discharge day, never today's.
Program wards: declared per site by the evaluator, else the wards where referrals were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .episodes import Coverage

BEFORE_MONTHS = 36
KEY = 1_000_000_000  # (site, ward) pairs as one integer key


@dataclass
class Scope:
    sites: pd.DataFrame  # site_id, hospital_id, start (day or NaN), in_scope (bool)
    window: tuple[int, int]  # admissions from, to (day numbers, inclusive)
    declared_wards: pd.DataFrame  # site_id, ward_id, assignment ("program" / "comparison")


@dataclass
class Groups:
    cohort: pd.DataFrame  # index episodes: program and usual care in the window, and before
    straddling: pd.DataFrame
    cluster: pd.DataFrame  # first episodes on program vs comparison wards (empty: none declared)
    episodes: pd.DataFrame  # every episode with its site, ward at decision and referral
    program_wards: dict[int, list[int]]
    counts: dict[str, int] = field(default_factory=dict)


def months_before(day: float, months: int) -> int:
    ts = pd.Timestamp(int(day), unit="D") - pd.DateOffset(months=months)
    return int((ts - pd.Timestamp(0)).days)


def site_of_hospital(sites: pd.DataFrame) -> pd.Series:
    """One program site per hospital (the first created), as everywhere in Bridgeway."""
    return sites.sort_values("site_id").groupby("hospital_id")["site_id"].first()


def link_referrals(refs: pd.DataFrame, s: pd.DataFrame, sites: pd.DataFrame,
                   cov: Coverage) -> pd.DataFrame:
    """Each referral with the stay (and episode) it was made during.

    The enrolment's stay at referral when recorded; otherwise the client's stay at the site's
    hospital that covers the referral day. Referrals after the data end are not known yet.
    """
    r = refs[refs["referred"] <= cov.stays_end].merge(
        sites[["site_id", "hospital_id"]].rename(columns={"hospital_id": "site_hospital"}),
        on="site_id", how="left")
    cols = ["stay_id", "episode_id", "ward_id", "ward_type", "hospital_id"]
    by_stay = r.dropna(subset=["stay_id"]).astype({"stay_id": "int64"}).merge(
        s[cols], on="stay_id", how="inner")
    rest = r[~r["enrolment_id"].isin(by_stay["enrolment_id"])].drop(columns=["stay_id"])
    cand = rest.merge(s[[*cols, "client_id", "admitted", "discharged"]], on="client_id")
    until = cand["discharged"].fillna(float(cov.stays_end))
    cand = cand[(cand["hospital_id"] == cand["site_hospital"]) & (cand["admitted"] <= cand["referred"])
                & (cand["referred"] <= until)]
    by_day = (cand.sort_values(["enrolment_id", "admitted"])
              .groupby("enrolment_id", as_index=False).first())
    keep = ["enrolment_id", "client_id", "site_id", "referred", "social", *cols]
    return pd.concat([by_stay[keep], by_day[keep]], ignore_index=True)


def program_wards(linked: pd.DataFrame, sites: pd.DataFrame, declared: pd.DataFrame
                  ) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(program wards, comparison wards) per site: declared, else where referrals were made."""
    prog: dict[int, list[int]] = {}
    comp: dict[int, list[int]] = {}
    for site_id in sites["site_id"]:
        mine = declared[declared["site_id"] == site_id]
        if len(mine):
            prog[int(site_id)] = sorted(int(w) for w in mine[mine["assignment"] == "program"]["ward_id"])
            comp[int(site_id)] = sorted(int(w) for w in mine[mine["assignment"] == "comparison"]["ward_id"])
        else:
            prog[int(site_id)] = sorted(int(w) for w in
                                        linked[linked["site_id"] == site_id]["ward_id"].unique())
            comp[int(site_id)] = []
    return prog, comp


def _keys(wards: dict[int, list[int]]) -> np.ndarray:
    return np.array([site * KEY + w for site, ws in wards.items() for w in ws], dtype="int64")


def decide(s: pd.DataFrame, ep: pd.DataFrame, refs: pd.DataFrame, scope: Scope,
           cov: Coverage) -> Groups:
    """Episodes with their site, ward at decision and referral; then the groups."""
    sites = scope.sites
    linked = link_referrals(refs, s, sites, cov)
    prog, comp = program_wards(linked, sites, scope.declared_wards)
    hsite = site_of_hospital(sites)
    s = s.assign(site_id=s["hospital_id"].map(hsite))
    key = s["site_id"].fillna(-1).astype("int64") * KEY + s["ward_id"].astype("int64")
    s = s.assign(on_program=key.isin(_keys(prog)), on_comparison=key.isin(_keys(comp)))

    first_ref = (linked.sort_values(["referred", "enrolment_id"])
                 .groupby("episode_id").first())
    e = ep.set_index("episode_id")
    cols = ["ward_id", "ward_type", "site_id"]
    on_prog = s[s["on_program"]].groupby("episode_id")[cols].first()
    on_comp = s[s["on_comparison"]].groupby("episode_id")[cols].first()
    first = s.groupby("episode_id")[cols].first()
    decision = first.copy()
    decision.update(on_comp)
    decision.update(on_prog)
    ref = first_ref[["ward_id", "ward_type", "site_id"]]
    decision.update(ref)
    e = e.join(decision)
    e = e.join(first_ref[["enrolment_id", "referred", "social"]])
    e["is_referred"] = e["enrolment_id"].notna()
    e["cluster_arm"] = np.where(e.index.isin(on_prog.index) | e["is_referred"], "program_ward",
                                np.where(e.index.isin(on_comp.index), "comparison_ward", ""))
    e["eligible"] = e.index.isin(on_prog.index) | e["is_referred"]
    start_of = sites.set_index("site_id")["start"]
    in_scope = set(sites.loc[sites["in_scope"].astype(bool), "site_id"].astype(int))
    e["site_start"] = e["site_id"].map(start_of)
    e["in_scope"] = e["site_id"].isin(in_scope) & e["site_start"].notna()
    e = e.reset_index()
    return _groups(e, linked, prog, comp, scope, cov)


def _first(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["client_id", "start", "episode_id"]).groupby("client_id").head(1)


def _groups(e: pd.DataFrame, linked: pd.DataFrame, prog: dict[int, list[int]],
            comp: dict[int, list[int]], scope: Scope, cov: Coverage) -> Groups:
    lo, hi = scope.window
    counts: dict[str, int] = {}
    elig = e[e["eligible"] & e["in_scope"]]
    in_period = elig[elig["start"] >= elig["site_start"]]
    index = _first(in_period)
    # Referred at an episode before the index one (a straddler, another site): already exposed.
    earlier = linked.merge(index[["client_id", "start"]], on="client_id")
    ref_start = earlier["episode_id"].map(e.set_index("episode_id")["start"])
    exposed = set(earlier.loc[ref_start < earlier["start"], "client_id"])
    counts["referred_before_index"] = int(index["client_id"].isin(exposed).sum())
    index = index[~index["client_id"].isin(exposed)]
    counts["missing_discharge_index"] = int(index["missing_discharge"].sum())
    index = index[~index["missing_discharge"]]
    index = index.assign(arm=np.where(index["is_referred"], "program", "usual_care"))
    later = linked.merge(index.loc[index["arm"] == "usual_care", ["client_id", "start"]],
                         on="client_id")
    later_start = later["episode_id"].map(e.set_index("episode_id")["start"])
    crossed = set(later.loc[later_start > later["start"], "client_id"])
    index["crossover"] = index["client_id"].isin(crossed) & (index["arm"] == "usual_care")
    index = index[(index["start"] >= lo) & (index["start"] <= hi)]
    counts["crossovers"] = int(index["crossover"].sum())

    straddling = elig[(elig["start"] < elig["site_start"])
                      & ((elig["end"] >= elig["site_start"]) | elig["open"])]
    lows = {d: months_before(d, BEFORE_MONTHS) for d in elig["site_start"].dropna().unique()}
    pre_lo = elig["site_start"].map(lows)
    if cov.stays_start is not None:
        pre_lo = pre_lo.clip(lower=cov.stays_start)
    pre = elig[(elig["start"] >= pre_lo) & (elig["start"] < elig["site_start"])]
    before = _first(pre)
    counts["before_referred_straddlers"] = int(before["is_referred"].sum())
    before = before[~before["is_referred"] & ~before["missing_discharge"]].assign(
        arm="before", crossover=False)

    cluster = pd.DataFrame()
    if any(comp.values()):
        cl = e[(e["cluster_arm"] != "") & e["in_scope"] & (e["start"] >= e["site_start"])
               & (e["start"] >= lo) & (e["start"] <= hi) & ~e["missing_discharge"]]
        cluster = _first(cl)
        cluster = cluster[cluster["site_id"].isin([k for k, v in comp.items() if v])]
    return Groups(cohort=pd.concat([index, before], ignore_index=True),
                  straddling=straddling.reset_index(drop=True), cluster=cluster,
                  episodes=e, program_wards=prog, counts=counts)


def status_at(cohort: pd.DataFrame, history: pd.DataFrame, current: pd.DataFrame) -> pd.Series:
    """Each program row's enrolment status on its index discharge day (the data end while still
    in hospital), from the status history (enrolment_id, day, status); an enrolment without
    history counts its current status (enrolment_id, status, day) from the day it was set.
    Before any recorded change the status is "referred"."""
    rows = pd.DataFrame({"row": cohort.index, "enrolment_id": cohort["enrolment_id"],
                         "day": cohort["end"].fillna(np.inf)}).dropna(subset=["enrolment_id"])
    rows["enrolment_id"] = rows["enrolment_id"].astype("int64")
    known = current[~current["enrolment_id"].isin(history["enrolment_id"])]
    hist = pd.concat([history[["enrolment_id", "day", "status"]],
                      known[["enrolment_id", "day", "status"]]], ignore_index=True)
    m = rows.merge(hist.rename(columns={"day": "changed"}), on="enrolment_id")
    m = m[m["changed"] <= m["day"]]
    last = m.sort_values(["row", "changed"], kind="mergesort").groupby("row")["status"].last()
    out = pd.Series("", index=cohort.index, dtype=object)
    out.loc[rows["row"].to_numpy()] = "referred"
    out.loc[last.index] = last
    return out
