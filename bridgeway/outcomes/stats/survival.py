"""Time-to-event analyses: Kaplan–Meier, log-rank, and Cox models stratified by site with
cluster-robust errors and a proportional-hazards check. Pure: no Django.

Cox (lifelines): a separate baseline hazard per site (strata), so that sites with different
readmission habits are never compared with each other; covariates age (decades), sex, ward
type and prior episodes; standard errors from the robust sandwich summed within wards (clients
of one ward are not independent). The proportional-hazards assumption for the program term
is tested on scaled Schoenfeld residuals against the Kaplan–Meier transform of time
(Grambsch–Therneau, the default of R's cox.zph; lifelines' rank transform lost its power once
the model had strata); a small p-value says the hazard ratio changes over follow-up, and the
report prints it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .base import ALPHA, Estimate

MIN_EVENTS = 5


@dataclass
class Curve:
    label: str
    n: int
    times: list[float]
    survival: list[float | None]
    low: list[float | None]
    high: list[float | None]
    at_risk: list[int]
    median: float | None


def kaplan_meier(durations: Any, events: Any, label: str, *, horizon: int = 365,
                 min_at_risk: int = 0, step: int | None = None) -> Curve:
    """Kaplan–Meier estimate on a 0..horizon day grid. Points where fewer than `min_at_risk`
    people remain at risk are not given (the curve stops): a step there would show one
    person's event."""
    from lifelines import KaplanMeierFitter

    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    if len(d) == 0:
        return Curve(label, 0, [], [], [], [], [], None)
    kmf = KaplanMeierFitter(alpha=ALPHA)
    grid = np.arange(0, horizon + 1, step or (7 if horizon > 120 else 1), dtype=float)
    kmf.fit(d, event_observed=e, timeline=grid, label=label)
    ci = kmf.confidence_interval_survival_function_
    at_risk = [int((d >= t).sum()) for t in grid]
    shown = [n >= min_at_risk for n in at_risk]

    def col(values: Any) -> list[float | None]:
        return [round(float(v), 4) if ok else None for v, ok in zip(values, shown, strict=True)]

    median = kmf.median_survival_time_
    return Curve(label=label, n=len(d), times=[float(t) for t in grid],
                 survival=col(kmf.survival_function_.iloc[:, 0]), low=col(ci.iloc[:, 0]),
                 high=col(ci.iloc[:, 1]), at_risk=at_risk,
                 median=float(median) if np.isfinite(median) else None)


@dataclass(frozen=True)
class LogRank:
    statistic: float
    p_value: float


def logrank(d_a: Any, e_a: Any, d_b: Any, e_b: Any) -> LogRank:
    from lifelines.statistics import logrank_test

    if len(d_a) == 0 or len(d_b) == 0:
        return LogRank(math.nan, math.nan)
    res = logrank_test(np.asarray(d_a, float), np.asarray(d_b, float),
                       event_observed_A=np.asarray(e_a, int), event_observed_B=np.asarray(e_b, int))
    return LogRank(float(res.test_statistic), float(res.p_value))


@dataclass
class CoxResult:
    hazard_ratio: Estimate
    covariates: list[str]
    n: int
    events: int
    strata: int
    clusters: int
    ph_p_value: float | None  # proportional hazards test for the program term
    terms: dict[str, Estimate] = field(default_factory=dict)


def design(frame: pd.DataFrame) -> pd.DataFrame:
    """Covariates: program, age (decades), sex, ward type, prior episodes (capped at 10)."""
    x = pd.DataFrame({
        "program": (frame["arm"] == "program").astype(float),
        "age_decades": frame["age"].astype(float) / 10.0,
        "woman": (frame["gender"] == "woman").astype(float),
        "other_gender": (~frame["gender"].isin(["woman", "man"])).astype(float),
        "tertiary": (frame["ward_type"] == "tertiary").astype(float),
        "prior_episodes": frame["prior_episodes"].astype(float).clip(upper=10),
    }, index=frame.index)
    # A covariate without variation cannot be estimated; leave it out rather than fail.
    keep = [c for c in x.columns if c == "program" or x[c].nunique() > 1]
    return x[keep]


def cox(frame: pd.DataFrame, *, duration: str = "days_to_readmission", event: str = "readmitted",
        strata: str | None = "site_id", cluster: str | None = "ward_id",
        penalizer: float = 0.001, ph_check: bool = True) -> CoxResult | None:
    """Cox proportional hazards of `event` by arm, adjusted and stratified; None if the data
    cannot support it (one arm, fewer than MIN_EVENTS events, no convergence)."""
    from lifelines import CoxPHFitter

    data = frame.dropna(subset=[duration, event])
    if data.empty or data["arm"].nunique() < 2 or int(data[event].sum()) < MIN_EVENTS:
        return None
    x = design(data)
    cols = {"T": data[duration].astype(float).clip(lower=0.5), "E": data[event].astype(int)}
    if strata:
        cols["stratum"] = data[strata].astype(int)
    if cluster:
        cols["cluster"] = data[cluster].astype(int)
    fit_frame = x.assign(**cols)
    n_strata = int(fit_frame["stratum"].nunique()) if strata else 1
    cph = CoxPHFitter(penalizer=penalizer, alpha=ALPHA)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cph.fit(fit_frame, duration_col="T", event_col="E",
                    strata=["stratum"] if strata else None,
                    cluster_col="cluster" if cluster else None, robust=True)
    except Exception:  # noqa: BLE001  # lifelines raises several kinds on non-convergence
        return None
    s = cph.summary
    terms = {str(name): Estimate(float(row["exp(coef)"]), float(row["exp(coef) lower 95%"]),
                                 float(row["exp(coef) upper 95%"]), float(row["p"]))
             for name, row in s.iterrows()}
    ph = _ph_test(cph, fit_frame) if ph_check else None
    return CoxResult(hazard_ratio=terms["program"], covariates=list(x.columns), n=len(fit_frame),
                     events=int(fit_frame["E"].sum()), strata=n_strata,
                     clusters=int(fit_frame["cluster"].nunique()) if cluster else 0,
                     ph_p_value=ph, terms=terms)


def _ph_test(cph: Any, frame: pd.DataFrame) -> float | None:
    from lifelines.statistics import proportional_hazard_test

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = proportional_hazard_test(cph, frame, time_transform="km")
        p = res.summary.loc["program", "p"]
        return float(p.iloc[0] if hasattr(p, "iloc") else p)
    except Exception:  # noqa: BLE001  # a test that cannot be computed is reported as missing
        return None
