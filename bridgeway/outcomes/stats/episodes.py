"""Episodes of care and what follows each discharge, from plain tables. Pure: no Django.

Input tables hold day numbers (days since 1970-01-01) rather than dates, so that every rule is
integer arithmetic and the same code serves the dashboard, the tests and the validity
simulator (bench/validity.py feeds simulated tables straight into these functions).

* An *episode* is a run of one client's stays where each stay begins on or before the day the
  previous ones ended: a same-day transfer to another ward or hospital, or an overlap (a data
  problem, counted). Length of stay runs from the first admission to the last discharge.
* The data end (`Coverage`) is declared per source. Admissions after it are ignored; a
  discharge after it is not known yet, so the stay is still open at the data end.
* A stay without a discharge that is followed by another admission of the same client has a
  *missing discharge*: its episode has no known end and is left out of every measure (counted).
* After a discharge, follow-up ends 365 days later or at the data end, whichever comes first.
  "Readmitted within N days" is known only for discharges with N days of follow-up, whatever
  happened: a discharge 20 days before the data end has no 30-day flag even if it was
  readmitted on day 5 (counting only the readmitted ones would inflate the rate).
  Measures over the year after (bed-days, cost, days in the community, ED visits) likewise
  exist only for discharges with a full year of follow-up in their source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FOLLOW_UP_DAYS = 365
WINDOWS = (30, 90, 365)
DEFAULT_PER_DIEM = {"acute": 1100.0, "tertiary": 750.0}
STAY_COLUMNS = ["stay_id", "client_id", "hospital_id", "ward_id", "ward_type", "admitted",
                "discharged"]


@dataclass(frozen=True)
class Coverage:
    """Where each source's data end (day numbers, inclusive) and where stay data begin."""

    stays_end: int
    ed_end: int
    stays_start: int | None = None


def per_diem_of(stays: pd.DataFrame, per_diem: pd.DataFrame) -> np.ndarray:
    """The cost of a bed-day for each stay: its hospital's figure for the ward type, else the
    documented default; unknown ward type: NaN (the stay's cost is unknown)."""
    default = stays["ward_type"].map(DEFAULT_PER_DIEM).astype(float)
    if per_diem.empty:
        return default.to_numpy()
    table = per_diem.set_index(["hospital_id", "ward_type"])["amount"].astype(float)
    keys = pd.MultiIndex.from_arrays([stays["hospital_id"], stays["ward_type"]])
    found = pd.Series(table.reindex(keys).to_numpy(), index=stays.index)
    return found.fillna(default).to_numpy()


def prepare_stays(stays: pd.DataFrame, per_diem: pd.DataFrame, cov: Coverage) -> pd.DataFrame:
    """Stays cut at the data end, sorted, with their episode number and data-quality flags."""
    s = stays[stays["admitted"] <= cov.stays_end][STAY_COLUMNS].copy()
    s["discharged"] = s["discharged"].astype(float)
    s.loc[s["discharged"] > cov.stays_end, "discharged"] = np.nan
    s = s.sort_values(["client_id", "admitted", "stay_id"], kind="mergesort").reset_index(drop=True)
    client = s["client_id"].to_numpy()
    same_next = np.r_[client[1:] == client[:-1], False]
    open_ = s["discharged"].isna().to_numpy()
    s["missing_discharge"] = open_ & same_next
    # For chaining, a stay whose discharge is missing ends where it began (the next admission
    # starts a new episode); an open last stay runs on past the data end.
    chain = np.where(open_, np.where(same_next, s["admitted"], np.inf), s["discharged"])
    running = pd.Series(chain).groupby(client).cummax()
    previous = running.groupby(client).shift(1).to_numpy()
    admitted = s["admitted"].to_numpy(dtype=float)
    first = np.isnan(previous)
    s["new_episode"] = first | (admitted > previous)
    s["overlap"] = ~first & (admitted < previous)
    s["episode_no"] = s.groupby("client_id")["new_episode"].cumsum() - 1
    s["per_diem"] = per_diem_of(s, per_diem)
    end = s["discharged"].fillna(float(cov.stays_end))
    s["cost"] = np.where(s["missing_discharge"], np.nan, (end - s["admitted"]) * s["per_diem"])
    return s


def build_episodes(stays: pd.DataFrame, per_diem: pd.DataFrame, cov: Coverage
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stays with episode ids, episodes): one row per episode with its outcomes."""
    s = prepare_stays(stays, per_diem, cov)
    s["episode_id"] = np.cumsum(s["new_episode"].to_numpy()) - 1
    g = s.groupby("episode_id", sort=True)
    ep = pd.DataFrame({
        "client_id": g["client_id"].first(),
        "episode_no": g["episode_no"].first(),
        "start": g["admitted"].min(),
        "last_discharge": g["discharged"].max(),
        "any_open": s["discharged"].isna().groupby(s["episode_id"]).any(),
        "missing_discharge": g["missing_discharge"].any(),
        "overlap": g["overlap"].any(),
        "stays": g.size(),
        "index_stay_id": g["stay_id"].last(),
        "first_stay_id": g["stay_id"].first(),
        "cost": g["cost"].sum(min_count=1),
    })
    ep.loc[ep["missing_discharge"], "cost"] = np.nan
    ep["end"] = np.where(ep["any_open"] | ep["missing_discharge"], np.nan, ep["last_discharge"])
    ep["open"] = ep["any_open"] & ~ep["missing_discharge"]
    ep["los"] = ep["end"] - ep["start"]
    ep = ep.drop(columns=["any_open", "last_discharge"])
    _follow_up(ep, s, cov)
    return s, ep.reset_index()


def _follow_up(ep: pd.DataFrame, s: pd.DataFrame, cov: Coverage) -> None:
    """Readmission, bed-days and costs after each discharge (in place)."""
    client = ep["client_id"].to_numpy()
    same_next = np.r_[client[1:] == client[:-1], False]
    next_start = np.where(same_next, np.r_[ep["start"].to_numpy()[1:], np.nan], np.nan)
    end = ep["end"].to_numpy()
    follow_end = np.minimum(end + FOLLOW_UP_DAYS, cov.stays_end)
    follow = follow_end - end
    readmitted = ~np.isnan(next_start) & (next_start <= follow_end)
    ep["follow_days"] = follow
    ep["readmitted"] = np.where(np.isnan(end), np.nan, readmitted.astype(float))
    ep["days_to_readmission"] = np.where(readmitted, next_start - end, follow)
    for n in WINDOWS:
        flag = (readmitted & (next_start - end <= n)).astype(float)
        ep[f"readmit_{n}"] = np.where(follow >= n, flag, np.nan)
    full_year = follow >= FOLLOW_UP_DAYS
    # Stays admitted in the year after each discharge of the same client (few per client).
    later = s[["client_id", "admitted", "discharged", "per_diem", "missing_discharge"]]
    base = pd.DataFrame({"episode_id": ep.index, "client_id": client, "end": end})
    base = base[full_year]
    pairs = base.merge(later, on="client_id")
    pairs = pairs[(pairs["admitted"] > pairs["end"])
                  & (pairs["admitted"] <= pairs["end"] + FOLLOW_UP_DAYS)]
    stop = np.minimum(pairs["discharged"].fillna(np.inf), pairs["end"] + FOLLOW_UP_DAYS)
    days = stop - pairs["admitted"]
    pairs = pairs.assign(days=days, cost=days * pairs["per_diem"])
    agg = pairs.groupby("episode_id").agg(bed_days=("days", "sum"), cost=("cost", "sum"),
                                          broken=("missing_discharge", "any"))
    bed = pd.Series(np.where(full_year, 0.0, np.nan), index=ep.index)
    cost = bed.copy()
    bed.loc[agg.index] = agg["bed_days"]
    cost.loc[agg.index] = agg["cost"].astype(float)
    broken = agg.index[agg["broken"]]
    bed.loc[broken] = np.nan
    cost.loc[broken] = np.nan
    ep["bed_days_365"] = bed
    ep["cost_365"] = cost
    ep["community_days_365"] = FOLLOW_UP_DAYS - bed


def ed_visits(ep: pd.DataFrame, ed: pd.DataFrame, cov: Coverage) -> pd.DataFrame:
    """Mental-health ED visits after each discharge, within 30 and 365 days (only where the
    ED data cover the whole window); same-day visits belong to the stay, not after it."""
    out = pd.DataFrame(index=ep.index)
    end = ep["end"].to_numpy()
    known30 = end + 30 <= cov.ed_end
    known365 = end + FOLLOW_UP_DAYS <= cov.ed_end
    out["ed_30"] = np.where(known30, 0.0, np.nan)
    out["ed_365"] = np.where(known365, 0.0, np.nan)
    mh = ed[ed["mental_health"].astype(bool)] if len(ed) else ed
    if mh.empty:
        return out
    base = pd.DataFrame({"row": ep.index, "client_id": ep["client_id"], "end": end})
    base = base[~np.isnan(end)]
    pairs = base.merge(mh[["client_id", "day"]], on="client_id")
    gap = pairs["day"] - pairs["end"]
    pairs = pairs[(gap > 0) & (gap <= FOLLOW_UP_DAYS)].assign(gap=gap)
    n30 = pairs[pairs["gap"] <= 30].groupby("row").size()
    n365 = pairs.groupby("row").size()
    out.loc[n30.index, "ed_30"] = np.where(known30[n30.index], n30, np.nan)
    out.loc[n365.index, "ed_365"] = np.where(known365[n365.index], n365, np.nan)
    return out
