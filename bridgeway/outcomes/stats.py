"""Statistics for program-vs-usual-care comparisons: thin, typed wrappers over statsmodels,
lifelines and scipy. Pure: no Django import, plain data in and out, so they are unit-tested
and simulated without a database.

Input frames carry one row per client (their first index discharge in the arm) with the
columns produced by measures.compute plus `age` in years:
arm ("program" / "comparison"), readmit_30 (0/1/NaN), los, days_to_readmission, readmitted,
age, gender, ward_type, prior_stays.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    p_value: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


@dataclass(frozen=True)
class Proportion:
    events: int
    n: int
    rate: float
    low: float
    high: float


def proportion(events: int, n: int) -> Proportion:
    """A rate with its Wilson 95 % interval."""
    if n == 0:
        return Proportion(0, 0, math.nan, math.nan, math.nan)
    low, high = proportion_confint(events, n, alpha=ALPHA, method="wilson")
    return Proportion(int(events), int(n), events / n, float(low), float(high))


def risk_difference(events_a: int, n_a: int, events_b: int, n_b: int) -> Estimate:
    """Risk in A minus risk in B, Newcombe's hybrid score interval (good at small counts)."""
    if n_a == 0 or n_b == 0:
        return Estimate(math.nan, math.nan, math.nan)
    low, high = confint_proportions_2indep(events_a, n_a, events_b, n_b, method="newcomb",
                                           compare="diff", alpha=ALPHA)
    return Estimate(events_a / n_a - events_b / n_b, float(low), float(high))


def mean_difference(a: np.ndarray | pd.Series, b: np.ndarray | pd.Series) -> Estimate:
    """Mean of A minus mean of B with a Welch t interval and p-value."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(xa) < 2 or len(xb) < 2:
        return Estimate(math.nan, math.nan, math.nan)
    cm = CompareMeans(DescrStatsW(xa), DescrStatsW(xb))
    low, high = cm.tconfint_diff(alpha=ALPHA, usevar="unequal")
    _, p, _ = cm.ttest_ind(usevar="unequal")
    return Estimate(float(xa.mean() - xb.mean()), float(low), float(high), float(p))


@dataclass
class Curve:
    label: str
    n: int
    times: list[float]
    survival: list[float]
    low: list[float]
    high: list[float]
    median: float | None


def kaplan_meier(durations: Any, events: Any, label: str, horizon: int = 365) -> Curve:
    """Kaplan–Meier estimate of staying out of hospital, on a 0..horizon day grid."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    if len(d) == 0:
        return Curve(label, 0, [], [], [], [], None)
    kmf = KaplanMeierFitter(alpha=ALPHA)
    grid = np.arange(0, horizon + 1, 7 if horizon > 120 else 1, dtype=float)
    kmf.fit(d, event_observed=e, timeline=grid, label=label)
    ci = kmf.confidence_interval_survival_function_
    median = kmf.median_survival_time_
    return Curve(
        label=label, n=len(d), times=[float(t) for t in grid],
        survival=[round(float(v), 4) for v in kmf.survival_function_.iloc[:, 0]],
        low=[round(float(v), 4) for v in ci.iloc[:, 0]],
        high=[round(float(v), 4) for v in ci.iloc[:, 1]],
        median=None if not np.isfinite(median) else float(median),
    )


@dataclass(frozen=True)
class LogRank:
    statistic: float
    p_value: float


def logrank(d_a: Any, e_a: Any, d_b: Any, e_b: Any) -> LogRank:
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
    terms: dict[str, Estimate] = field(default_factory=dict)


def design(frame: pd.DataFrame) -> pd.DataFrame:
    """Covariates for the adjusted model: program, age, sex, ward type, prior admissions."""
    x = pd.DataFrame({
        "program": (frame["arm"] == "program").astype(float),
        "age_decades": frame["age"].astype(float) / 10.0,
        "woman": (frame["gender"] == "woman").astype(float),
        "other_gender": (~frame["gender"].isin(["woman", "man"])).astype(float),
        "tertiary": (frame["ward_type"] == "tertiary").astype(float),
        "prior_stays": frame["prior_stays"].astype(float).clip(upper=10),
    })
    # A covariate without variation cannot be estimated; leave it out rather than fail.
    keep = [c for c in x.columns if c == "program" or x[c].nunique() > 1]
    return x[keep]


def cox(frame: pd.DataFrame, *, penalizer: float = 0.01) -> CoxResult | None:
    """Cox proportional hazards for time to readmission, adjusted; None if not estimable."""
    if frame.empty or frame["arm"].nunique() < 2 or int(frame["readmitted"].sum()) < 5:
        return None
    x = design(frame)
    data = x.assign(T=frame["days_to_readmission"].astype(float).clip(lower=0.5).to_numpy(),
                    E=frame["readmitted"].astype(int).to_numpy())
    cph = CoxPHFitter(penalizer=penalizer, alpha=ALPHA)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cph.fit(data, duration_col="T", event_col="E")
    except Exception:  # noqa: BLE001  # lifelines raises several kinds on non-convergence
        return None
    s = cph.summary
    terms = {
        name: Estimate(float(row["exp(coef)"]), float(row["exp(coef) lower 95%"]),
                       float(row["exp(coef) upper 95%"]), float(row["p"]))
        for name, row in s.iterrows()
    }
    return CoxResult(hazard_ratio=terms["program"], covariates=list(x.columns), n=len(data),
                     events=int(data["E"].sum()), terms=terms)


@dataclass
class Comparison:
    """Program vs comparison group on the headline outcomes."""

    n_program: int
    n_comparison: int
    readmit_program: Proportion
    readmit_comparison: Proportion
    readmit_difference: Estimate
    los_program_mean: float
    los_comparison_mean: float
    los_difference: Estimate
    bed_days_difference: Estimate | None
    logrank: LogRank
    cox: CoxResult | None
    curves: list[Curve]


def compare(frame: pd.DataFrame, *, window: int = 30) -> Comparison:
    """Compare arm == "program" with every other row (the comparison group)."""
    prog = frame[frame["arm"] == "program"]
    comp = frame[frame["arm"] != "program"]
    col = f"readmit_{window}"
    pk, ck = prog[col].dropna(), comp[col].dropna()
    rp = proportion(int(pk.sum()), len(pk))
    rc = proportion(int(ck.sum()), len(ck))
    rd = risk_difference(int(pk.sum()), len(pk), int(ck.sum()), len(ck))
    los = mean_difference(prog["los"], comp["los"])
    beds = (mean_difference(prog["bed_days_after"], comp["bed_days_after"])
            if "bed_days_after" in frame else None)
    lr = logrank(prog["days_to_readmission"], prog["readmitted"],
                 comp["days_to_readmission"], comp["readmitted"])
    curves = [kaplan_meier(prog["days_to_readmission"], prog["readmitted"], "program"),
              kaplan_meier(comp["days_to_readmission"], comp["readmitted"], "comparison")]
    return Comparison(
        n_program=len(prog), n_comparison=len(comp), readmit_program=rp, readmit_comparison=rc,
        readmit_difference=rd,
        los_program_mean=float(prog["los"].mean()) if len(prog) else math.nan,
        los_comparison_mean=float(comp["los"].mean()) if len(comp) else math.nan,
        los_difference=los, bed_days_difference=beds, logrank=lr, cox=cox(frame), curves=curves,
    )


def simulate_cohort(rng: np.random.Generator, *, n: int, p_control: float, p_program: float,
                    los_control: float, los_effect: float, hazard_ratio: float = 1.0
                    ) -> pd.DataFrame:
    """A synthetic cohort with known effects (for the simulation test and the docs).

    Readmission within 30 days is Bernoulli per arm; LOS is gamma with the arm's mean; time to
    readmission is exponential with the control hazard that gives `p_control` by day 30,
    multiplied by `hazard_ratio` in the program arm, censored at 365 days.
    """
    arm = np.where(rng.random(n) < 0.5, "program", "usual_care")
    prog = arm == "program"
    readmit = rng.random(n) < np.where(prog, p_program, p_control)
    mean_los = np.where(prog, los_control + los_effect, los_control)
    shape = 4.0
    los = rng.gamma(shape, mean_los / shape)
    base_hazard = -math.log(1 - p_control) / 30.0
    hazard = base_hazard * np.where(prog, hazard_ratio, 1.0)
    t = rng.exponential(1.0 / hazard)
    event = t <= 365
    return pd.DataFrame({
        "arm": arm, "readmit_30": readmit.astype(float), "los": los,
        "days_to_readmission": np.minimum(t, 365.0), "readmitted": event.astype(int),
        "bed_days_after": rng.poisson(5, n).astype(float),
        "age": rng.normal(42, 12, n), "gender": np.where(rng.random(n) < 0.5, "man", "woman"),
        "ward_type": np.where(rng.random(n) < 0.6, "acute", "tertiary"),
        "prior_stays": rng.poisson(1.0, n),
    })
