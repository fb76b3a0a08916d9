"""A simulator of TDM programs with known effects, for bench/validity.py and the tests. Pure.

It writes the same tables the database holds (stays, referrals with their status history,
sites, wards) and keeps, for every episode, what would have happened with and without the
program, so that any estimate can be checked against its truth. It contains the traps that
misled the first evaluation code:

* *length-biased straddling stays*: admissions keep arriving before the start, so stays that
  cover the start are long ones; some are referred on the first day of the program;
* *readmission before consent*: consent comes days to weeks after referral, sometimes after
  discharge and a readmission; some referrals never consent or decline;
* *usual-care clients enrolled at a later stay*: a client not referred at their index stay can
  be referred at a readmission;
* *confounding by site and ward type*: sites and ward types differ in readmission risk and
  length of stay, and in how often they refer (higher-risk sites refer more);
* *a known change in the time series*: at each site's start, every discharge's 30-day risk
  changes in level and slope (ward-wide changes), on top of the program's own effect; month
  to month the risk moves with an autocorrelated shock shared by all sites;
* stays with a missing discharge, same-day transfers, referrals without a stay recorded,
  and events after the declared data end (which must be ignored).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .episodes import Coverage
from .pipeline import RawData

EPOCH_START = 19000  # day number of the first simulated day (2022-01-08)
MONTH = 30.4375


@dataclass
class Params:
    sites: int = 6
    before_months: int = 40
    after_months: int = 26
    admissions_per_month: dict[str, float] = field(
        default_factory=lambda: {"acute": 9.0, "tertiary": 3.0})
    risk_30: dict[str, float] = field(default_factory=lambda: {"acute": 0.24, "tertiary": 0.18})
    median_los: dict[str, float] = field(default_factory=lambda: {"acute": 16.0, "tertiary": 60.0})
    los_sigma: float = 0.6
    risk_ratio: float = 0.6  # program effect on the 30-day readmission risk
    los_factor: float = 0.65  # program effect on length of stay (multiplicative)
    decline: float = 0.10  # referred but declined: no effect
    its_level: float = -0.15  # relative change in every discharge's risk at the start
    its_slope: float = -0.004  # relative change per month after the start
    its_trend: float = 0.002  # relative change per month before the start
    shock_sd: float = 0.012  # monthly shock on the risk (probability scale), AR(1)
    shock_rho: float = 0.4
    comparison_ward_sites: int = 2  # sites that also declare a comparison ward


@dataclass
class Truth:
    """Per episode (keyed by the episode's first stay id): risks and lengths of stay with and
    without the program, and whether the program reached the episode."""

    episodes: pd.DataFrame  # first_stay_id, p0, p1, los0, los1, effective
    shocks: dict[int, float]


def simulate(rng: np.random.Generator, params: Params | None = None) -> tuple[RawData, Truth]:
    p = params or Params()
    starts = [EPOCH_START + int((p.before_months + k) * MONTH) for k in range(p.sites)]
    last = max(starts) + int(p.after_months * MONTH)
    data_end = last - 20
    months = int((last - EPOCH_START) / MONTH) + 14
    shocks = np.zeros(months)
    shocks[0] = rng.normal(0, p.shock_sd)
    for m in range(1, months):
        shocks[m] = p.shock_rho * shocks[m - 1] + rng.normal(0, p.shock_sd * math.sqrt(1 - p.shock_rho ** 2))
    site_risk = np.exp(rng.normal(0, 0.2, p.sites))
    site_los = np.exp(rng.normal(0, 0.15, p.sites))
    # Riskier sites refer more: confounding that a crude comparison would not undo.
    refer = {"acute": np.clip(0.25 + 0.4 * (site_risk - 0.8), 0.1, 0.7),
             "tertiary": np.clip(0.5 + 0.4 * (site_risk - 0.8), 0.2, 0.9)}
    sites: list[dict[str, Any]] = []
    wards: list[dict[str, Any]] = []
    declared: list[dict[str, Any]] = []
    for i in range(p.sites):
        sites.append({"site_id": i + 1, "hospital_id": 100 + i, "start": float(starts[i]),
                      "in_scope": True})
        for name, wt in (("a1", "acute"), ("a2", "acute"), ("t1", "tertiary"), ("c1", "acute")):
            if name == "c1" and i >= p.comparison_ward_sites:
                continue
            ward_id = (i + 1) * 10 + len([w for w in wards if w["site"] == i])
            wards.append({"ward_id": ward_id, "site": i, "ward_type": wt, "comparison": name == "c1",
                          "risk": math.exp(rng.normal(0, 0.1)), "los": math.exp(rng.normal(0, 0.1))})
            if i < p.comparison_ward_sites:
                declared.append({"site_id": i + 1, "ward_id": ward_id,
                                 "assignment": "comparison" if name == "c1" else "program"})
    stays: list[dict[str, Any]] = []
    refs: list[tuple[Any, ...]] = []
    hist: list[tuple[int, int, str]] = []
    truth: list[tuple[Any, ...]] = []
    state = {"stay": 0, "client": 0, "enrolment": 0}
    for w in wards:
        for m in range(p.before_months + p.sites + p.after_months):
            for _ in range(rng.poisson(p.admissions_per_month[str(w["ward_type"])])):
                day = EPOCH_START + int((m + rng.random()) * MONTH)
                if day < last:
                    _client(rng, p, w, wards, day, starts, refer, site_risk, site_los, shocks,
                            last, state, stays, refs, hist, truth)
    stays_f = pd.DataFrame(stays)
    # A few discharges never recorded (the client's next admission shows they left).
    nxt = stays_f["client_id"].shift(-1) == stays_f["client_id"]
    lost = nxt & (rng.random(len(stays_f)) < 0.003)
    stays_f.loc[lost, "discharged"] = np.nan
    state_hist = pd.DataFrame(hist, columns=["enrolment_id", "day", "status"])
    raw = RawData(
        stays=stays_f,
        sites=pd.DataFrame(sites),
        declared_wards=pd.DataFrame(declared, columns=["site_id", "ward_id", "assignment"]),
        referrals=pd.DataFrame(refs, columns=["enrolment_id", "client_id", "site_id", "stay_id",
                                              "referred", "social"]),
        history=state_hist[state_hist["enrolment_id"] % 10 >= 3],
        current=state_hist.sort_values("day").groupby("enrolment_id").tail(1),
        clients=pd.DataFrame({"client_id": np.arange(1, state["client"] + 1),
                              "birth": -rng.integers(0, 60 * 365, state["client"]).astype(float)
                              + EPOCH_START - 20 * 365,
                              "gender": rng.choice(["man", "woman", "non_binary"],
                                                   state["client"], p=[0.49, 0.48, 0.03])}),
        ed=pd.DataFrame(columns=["client_id", "day", "mental_health"]),
        per_diem=pd.DataFrame(columns=["hospital_id", "ward_type", "amount"]),
        coverage=Coverage(stays_end=data_end, ed_end=data_end, stays_start=EPOCH_START),
    )
    episodes = pd.DataFrame(truth, columns=["first_stay_id", "p0", "p1", "los0", "los1",
                                            "effective", "discharge"])
    return raw, Truth(episodes=episodes, shocks={m: float(s) for m, s in enumerate(shocks)})


def system_factor(p: Params, day: float, start: int) -> float:
    """Ward-wide change in the 30-day risk: a gentle trend, then a level and slope change."""
    rel = (day - start) / MONTH
    if rel < 0:
        return 1 + p.its_trend * rel
    return 1 + p.its_trend * rel + p.its_level + p.its_slope * rel


def _client(rng: np.random.Generator, p: Params, ward: dict[str, Any],
            wards: list[dict[str, Any]], day: int, starts: list[int],
            refer: dict[str, np.ndarray], site_risk: np.ndarray, site_los: np.ndarray,
            shocks: np.ndarray, last: int, state: dict[str, int], stays: list[dict[str, Any]],
            refs: list[tuple[Any, ...]], hist: list[tuple[int, int, str]],
            truth: list[tuple[Any, ...]]) -> None:
    state["client"] += 1
    client = state["client"]
    site = ward["site"]
    start = starts[site]
    frailty = math.exp(rng.normal(-0.045, 0.3))
    referred_before = False
    for _episode in range(40):  # ends when no readmission comes before the end
        wt = ward["ward_type"]
        los0 = max(1, int(round(math.exp(math.log(p.median_los[wt] * site_los[site] * ward["los"])
                                         + rng.normal(0, p.los_sigma)))))
        on_program = not ward["comparison"]
        refer_now = False
        referral_day = day
        if on_program and not referred_before:
            if day >= start:
                refer_now = rng.random() < refer[wt][site]
                referral_day = day + int(rng.integers(0, min(3, los0) + 1))
            elif day + los0 >= start:  # on the ward when the program began
                refer_now = rng.random() < 0.5 * refer[wt][site]
                referral_day = start
        declined = refer_now and rng.random() < p.decline
        effective = refer_now and not declined and day >= start
        los1 = max(1, int(round(los0 * p.los_factor))) if effective else los0
        los = los1 if effective else los0
        discharge = day + los
        base = p.risk_30[wt] * site_risk[site] * ward["risk"] * frailty
        p0 = min(0.9, base * system_factor(p, discharge, start))
        p1 = p0 * p.risk_ratio if effective else p0
        month = int((discharge - EPOCH_START) / MONTH)
        risk = min(max(p1 + (shocks[month] if month < len(shocks) else 0.0), 0.0), 1.0)
        state["stay"] += 1
        first_stay = state["stay"]
        if rng.random() < 0.02 and los >= 4:  # a same-day transfer to another ward mid-stay
            other = next(w for w in wards if w["site"] == site and w is not ward)
            mid = day + los // 2
            stays.append(_stay(first_stay, client, ward, day, mid))
            state["stay"] += 1
            stays.append(_stay(state["stay"], client, other, mid, discharge))
        else:
            stays.append(_stay(first_stay, client, ward, day, discharge))
        truth.append((first_stay, p0, p1, los0, los1, effective, discharge))
        if refer_now:
            referred_before = True
            state["enrolment"] += 1
            e = state["enrolment"]
            stay_id = float(first_stay) if rng.random() < 0.8 else math.nan
            refs.append((e, client, site + 1, stay_id, referral_day,
                         str(rng.choice(["satisfied", "neutral", "unsatisfied", ""]))))
            hist.append((e, referral_day, "referred"))
            if declined:
                hist.append((e, referral_day + int(rng.integers(1, 6)), "declined"))
            elif rng.random() < 0.9:  # consent can come after discharge, even after readmission
                consent = referral_day + int(rng.exponential(10)) + 1
                hist.append((e, consent, "consented"))
                hist.append((e, consent + int(rng.exponential(7)) + 1, "matched"))
        gap = None
        u = rng.random()
        if u < risk:
            gap = int(rng.integers(1, 31))
        elif rng.random() < 0.35:
            gap = 31 + int(rng.exponential(120))
        if gap is None or discharge + gap >= last:
            return
        day = discharge + gap
        same = [w for w in wards if w["site"] == site and not w["comparison"]
                and (w["ward_type"] == wt) == (rng.random() < 0.8)]
        ward = same[int(rng.integers(0, len(same)))] if same else ward


def _stay(stay_id: int, client: int, ward: dict[str, Any], admitted: int, discharged: int
          ) -> dict[str, Any]:
    return {"stay_id": stay_id, "client_id": client, "hospital_id": 100 + ward["site"],
            "ward_id": ward["ward_id"], "ward_type": ward["ward_type"],
            "admitted": admitted, "discharged": float(discharged)}
