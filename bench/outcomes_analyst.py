"""The baseline of bench/outcomes.py: the evaluation written afresh the way an analyst would,
from Parquet exports of the raw tables, with none of Bridgeway's code. Measures in DuckDB SQL
(window functions), groups in pandas, models with the same libraries the dashboard uses
(lifelines for Kaplan–Meier, log-rank, Cox and its proportional-hazards test; statsmodels
for Newcombe's interval, Mantel–Haenszel, Welch and the AR(1) segmented regressions).

The definitions are those of docs/outcomes.md: first eligible episode admitted after the
site's start, referral during it = program (intention to treat), follow-up to the declared
data end, 30-day flags only with 30 days of follow-up, strata site x ward type, standardised
to the program's clients with variances summed by ward.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

EPISODES = """
CREATE OR REPLACE TABLE s AS
SELECT st.id AS stay_id, st.client_id, st.hospital_id, st.ward_id, w.ward_type,
       (st.admitted_on - DATE '1970-01-01') AS adm,
       CASE WHEN st.discharged_on IS NULL OR st.discharged_on - DATE '1970-01-01' > {end} THEN NULL
            ELSE st.discharged_on - DATE '1970-01-01' END AS dis,
       COALESCE(p.amount, CASE w.ward_type WHEN 'acute' THEN 1100 WHEN 'tertiary' THEN 750 END)
         AS per_diem,
       ps.site_id
FROM stay st JOIN ward w ON w.id = st.ward_id
LEFT JOIN perdiem p ON p.hospital_id = st.hospital_id AND p.ward_type = w.ward_type
LEFT JOIN (SELECT hospital_id, MIN(id) AS site_id FROM site GROUP BY hospital_id) ps
  ON ps.hospital_id = st.hospital_id
WHERE st.admitted_on - DATE '1970-01-01' <= {end};
CREATE OR REPLACE TABLE s2 AS
SELECT *, dis IS NULL AND nxt IS NOT NULL AS missing,
       SUM(CASE WHEN prev_end IS NULL OR adm > prev_end THEN 1 ELSE 0 END)
         OVER (PARTITION BY client_id ORDER BY adm, stay_id ROWS UNBOUNDED PRECEDING) - 1 AS ep_no
FROM (SELECT *, MAX(CASE WHEN dis IS NOT NULL THEN dis WHEN nxt IS NOT NULL THEN adm
                         ELSE 1e9 END)
                  OVER (PARTITION BY client_id ORDER BY adm, stay_id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
      FROM (SELECT *, LEAD(adm) OVER (PARTITION BY client_id ORDER BY adm, stay_id) AS nxt
            FROM s));
CREATE OR REPLACE TABLE ep AS
SELECT *, LEAD(start) OVER (PARTITION BY client_id ORDER BY ep_no) AS next_start
FROM (SELECT client_id, ep_no, MIN(adm) AS start, BOOL_OR(missing) AS missing,
             CASE WHEN BOOL_OR(dis IS NULL) THEN NULL ELSE MAX(dis) END AS end_,
             arg_max(stay_id, adm * 1e9 + stay_id) AS index_stay_id,
             CASE WHEN BOOL_OR(missing) THEN NULL
                  ELSE SUM((COALESCE(dis, {end}) - adm) * per_diem) END AS cost
      FROM s2 GROUP BY client_id, ep_no);
CREATE OR REPLACE TABLE outc AS
SELECT ep.*, end_ - start AS los, LEAST(end_ + 365, {end}) - end_ AS follow,
       next_start IS NOT NULL AND next_start <= LEAST(end_ + 365, {end}) AS readm,
       CASE WHEN next_start IS NOT NULL AND next_start <= LEAST(end_ + 365, {end})
            THEN next_start - end_ ELSE LEAST(end_ + 365, {end}) - end_ END AS days_to,
       CASE WHEN LEAST(end_ + 365, {end}) - end_ >= 30 THEN
         CAST(next_start IS NOT NULL AND next_start - end_ <= 30 AS INTEGER) END AS readmit_30,
       CASE WHEN end_ + 365 <= {end} AND NOT COALESCE(y.broken, FALSE) THEN COALESCE(y.bed, 0)
            END AS bed_days_365,
       CASE WHEN end_ + 365 <= {end} AND NOT COALESCE(y.broken, FALSE)
            THEN COALESCE(y.cost_after, 0) END AS cost_365,
       CASE WHEN end_ + 365 <= {ed_end} THEN COALESCE(v.n365, 0) END AS ed_365,
       CASE WHEN end_ + 30 <= {ed_end} THEN COALESCE(v.n30, 0) END AS ed_30
FROM ep
LEFT JOIN (SELECT e.client_id, e.ep_no,
                  SUM(LEAST(COALESCE(x.dis, 1e9), e.end_ + 365) - x.adm) AS bed,
                  SUM((LEAST(COALESCE(x.dis, 1e9), e.end_ + 365) - x.adm) * x.per_diem) AS cost_after,
                  BOOL_OR(x.missing) AS broken
           FROM ep e JOIN s2 x ON x.client_id = e.client_id AND x.adm > e.end_
                                AND x.adm <= e.end_ + 365
           GROUP BY e.client_id, e.ep_no) y USING (client_id, ep_no)
LEFT JOIN (SELECT e.client_id, e.ep_no, COUNT(*) AS n365,
                  COUNT(*) FILTER (WHERE d.visited_on - DATE '1970-01-01' - e.end_ <= 30) AS n30
           FROM ep e JOIN ed d ON d.client_id = e.client_id AND d.mental_health
             AND d.visited_on - DATE '1970-01-01' > e.end_
             AND d.visited_on - DATE '1970-01-01' <= e.end_ + 365
           GROUP BY e.client_id, e.ep_no) v USING (client_id, ep_no);
"""

REFERRALS = """
SELECT en.id AS enrolment_id, en.client_id, en.site_id, en.referred_on - DATE '1970-01-01' AS referred,
       en.social_relationships AS social, x.ep_no, x.ward_id, x.ward_type
FROM enrolment en JOIN s2 x ON x.stay_id = en.stay_id
WHERE en.referred_on - DATE '1970-01-01' <= {end}
UNION ALL
SELECT en.id, en.client_id, en.site_id, en.referred_on - DATE '1970-01-01', en.social_relationships,
       arg_min(x.ep_no, x.adm), arg_min(x.ward_id, x.adm), arg_min(x.ward_type, x.adm)
FROM enrolment en JOIN site si ON si.id = en.site_id
JOIN s2 x ON x.client_id = en.client_id AND x.hospital_id = si.hospital_id
  AND x.adm <= en.referred_on - DATE '1970-01-01'
  AND en.referred_on - DATE '1970-01-01' <= COALESCE(x.dis, {end})
WHERE en.stay_id IS NULL AND en.referred_on - DATE '1970-01-01' <= {end}
GROUP BY ALL
"""


def _dn(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def analyse(paths: dict[str, Path], cutoff: date) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    for name, path in paths.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    cov = con.execute("SELECT source, MIN(complete_up_to) FROM coverage GROUP BY source").fetchall()
    ends = {src: _dn(d) for src, d in cov}
    end, ed_end = ends.get("stays", _dn(cutoff)), ends.get("ed_visits", _dn(cutoff))
    con.execute(EPISODES.format(end=end, ed_end=ed_end))
    outc = con.execute("SELECT * FROM outc").df()
    stays = con.execute("SELECT stay_id, client_id, ward_id, ward_type, site_id, ep_no, adm "
                        "FROM s2 ORDER BY client_id, adm, stay_id").df()
    refs = con.execute(REFERRALS.format(end=end)).df()
    sites = con.execute("SELECT id AS site_id, program_start_date - DATE '1970-01-01' AS start "
                        "FROM site").df()
    clients = con.execute("SELECT id AS client_id, date_of_birth - DATE '1970-01-01' AS birth, "
                          "gender FROM client").df()
    cohort, pop = _groups(outc, stays, refs, sites, clients)
    lo, hi = _dn(date(2023, 1, 1)), _dn(cutoff)
    c = cohort[(cohort.arm != "before") & (cohort.start >= lo) & (cohort.start <= hi)]
    out: dict[str, Any] = {"n_program": int((c.arm == "program").sum()),
                           "n_usual_care": int((c.arm == "usual_care").sum()),
                           "crossovers": int(c.crossover.sum())}
    out |= _models(c[c.end_.notna()])
    out["subgroups"] = _subgroups(c[c.end_.notna()])
    out["its"] = _its(pop, sites, end, ed_end)
    out["fidelity"] = _fidelity(con, c[(c.arm == "program") & c.end_.notna()], _dn(cutoff))
    out["activity"] = con.execute(ACTIVITY).df()
    con.close()
    return out


def _groups(outc: pd.DataFrame, stays: pd.DataFrame, refs: pd.DataFrame, sites: pd.DataFrame,
            clients: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    refs = refs.sort_values(["referred", "enrolment_id"])
    prog_wards = set(zip(refs.site_id, refs.ward_id, strict=True))
    stays = stays.assign(on_prog=[(s, w) in prog_wards
                                  for s, w in zip(stays.site_id, stays.ward_id, strict=True)])
    keys = ["client_id", "ep_no"]
    first_ref = refs.groupby(keys).first()
    on_prog = stays[stays.on_prog].groupby(keys).first()
    first = stays.groupby(keys).first()
    e = outc.set_index(keys)
    for col in ("referred", "social", "enrolment_id"):
        e[col] = first_ref[col].reindex(e.index)
    e["is_ref"] = e["referred"].notna()
    for col in ("ward_id", "ward_type", "site_id"):
        e[col] = (first_ref[col].reindex(e.index).fillna(on_prog[col].reindex(e.index))
                  .fillna(first[col].reindex(e.index)))
    e["eligible"] = e["is_ref"] | e.index.isin(on_prog.index)
    e = e.reset_index().merge(sites.rename(columns={"start": "site_start"}), on="site_id",
                              how="left")
    return _index(e, refs, clients)


def _index(e: pd.DataFrame, refs: pd.DataFrame, clients: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    elig = e[e.eligible & e.site_start.notna()]
    idx = elig[elig.start >= elig.site_start].sort_values(["client_id", "start"]).groupby("client_id").head(1)
    ref_ep = refs.merge(e[["client_id", "ep_no", "start"]], on=["client_id", "ep_no"])
    earliest = ref_ep.groupby("client_id")["start"].min()
    idx = idx[~(idx.client_id.map(earliest) < idx.start)]
    idx = idx[~idx.missing.astype(bool)]
    idx["arm"] = np.where(idx.is_ref, "program", "usual_care")
    latest = ref_ep.groupby("client_id")["start"].max()
    idx["crossover"] = (idx.arm == "usual_care") & (idx.client_id.map(latest) > idx.start)
    pre = elig[(elig.start < elig.site_start) & (elig.start >= elig.site_start - 1096)]
    before = pre.sort_values(["client_id", "start"]).groupby("client_id").head(1)
    before = before[~before.is_ref & ~before.missing.astype(bool)].assign(arm="before", crossover=False)
    cohort = pd.concat([idx, before]).merge(clients, on="client_id", how="left")
    cohort["age"] = (cohort.start - cohort.birth) / 365.25
    return cohort, elig[elig.end_.notna()]


def _standardised(y: pd.Series, prog: pd.Series, stratum: pd.Series, ward: pd.Series,
                  log: bool = False) -> tuple[float, float, float]:
    """Program minus usual care, weighted to the program's strata; variance from influence
    functions summed by ward (t with wards - 1 df)."""
    from scipy import stats

    f = pd.DataFrame({"y": y.astype(float), "t": prog.astype(bool), "s": stratum, "w": ward}).dropna()
    g = f.groupby(["s", "t"])["y"].agg(["mean", "size"]).unstack()
    g = g.dropna()
    f = f[f.s.isin(g.index)]
    n1 = g[("size", True)]
    wts = n1 / n1.sum()
    m1, m0 = float((wts * g[("mean", True)]).sum()), float((wts * g[("mean", False)]).sum())
    mean0 = f.s.map(g[("mean", False)])
    if1 = np.where(f.t, (f.y - m1) / n1.sum(), 0.0)
    if0 = np.where(f.t, (mean0 - m0) / n1.sum(), f.s.map(wts) * (f.y - mean0) / f.s.map(g[("size", False)]))
    infl = (if1 / m1 - if0 / m0) if log else (if1 - if0)
    per_ward = pd.Series(infl, index=f.index).groupby(f.w).sum()
    k = len(per_ward)
    se = float(np.sqrt(k / (k - 1) * (per_ward ** 2).sum()))
    est = np.log(m1 / m0) if log else m1 - m0
    q = stats.t.ppf(0.975, k - 1)
    return est, est - q * se, est + q * se


def _models(d: pd.DataFrame) -> dict[str, Any]:
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.statistics import logrank_test, proportional_hazard_test
    from statsmodels.stats.contingency_tables import StratifiedTable
    from statsmodels.stats.proportion import confint_proportions_2indep
    from statsmodels.stats.weightstats import ttest_ind

    warnings.simplefilter("ignore")
    prog = d.arm == "program"
    strata = d.site_id.astype(int).astype(str) + ":" + d.ward_type
    k = d.dropna(subset=["readmit_30"])
    kp = k.arm == "program"
    out = {"events_program": int(k.readmit_30[kp].sum()), "known_program": int(kp.sum()),
           "events_usual": int(k.readmit_30[~kp].sum()), "known_usual": int((~kp).sum())}
    out["crude_rd"] = confint_proportions_2indep(out["events_program"], out["known_program"],
                                                 out["events_usual"], out["known_usual"],
                                                 method="newcomb")
    ks = strata[k.index]
    out["rd"] = _standardised(k.readmit_30, kp, ks, k.ward_id)
    out["rr"] = _standardised(k.readmit_30, kp, ks, k.ward_id, log=True)
    tabs = [np.array([[g.readmit_30[g.arm == "program"].sum(), (1 - g.readmit_30[g.arm == "program"]).sum()],
                      [g.readmit_30[g.arm != "program"].sum(), (1 - g.readmit_30[g.arm != "program"]).sum()]])
            for _, g in k.groupby(ks) if g.arm.nunique() == 2]
    out["mh_rr"] = StratifiedTable(tabs).riskratio_pooled
    a, b = np.array([x[0, 0] for x in tabs]), np.array([x[1, 0] for x in tabs])
    n1, n0 = np.array([x[0].sum() for x in tabs]), np.array([x[1].sum() for x in tabs])
    out["mh_rd"] = float(((a * n0 - b * n1) / (n1 + n0)).sum() / (n1 * n0 / (n1 + n0)).sum())
    for col in ("los", "cost", "cost_365", "bed_days_365", "ed_365"):
        x = d.dropna(subset=[col])
        xp = x.arm == "program"
        out[col] = _standardised(x[col], xp, strata[x.index], x.ward_id)
        out[f"{col}_welch"] = ttest_ind(x[col][xp], x[col][~xp], usevar="unequal")
    out["gm_los"] = _standardised(np.log(d.los.clip(lower=0.5)), prog, strata, d.ward_id)
    T = d.days_to.astype(float).clip(lower=0.5)
    for part in (prog, ~prog):
        KaplanMeierFitter().fit(T[part], d.readm[part].astype(int), timeline=np.arange(0, 366, 7))
    out["logrank"] = logrank_test(T[prog], T[~prog], d.readm[prog], d.readm[~prog]).p_value
    x = pd.DataFrame({"program": prog.astype(float), "age_decades": d.age / 10,
                      "woman": (d.gender == "woman").astype(float),
                      "tertiary": (d.ward_type == "tertiary").astype(float),
                      "prior_episodes": d.ep_no.clip(upper=10).astype(float),
                      "T": T, "E": d.readm.astype(int), "stratum": d.site_id.astype(int),
                      "cluster": d.ward_id.astype(int)})
    cph = CoxPHFitter(penalizer=0.001).fit(x, "T", "E", strata=["stratum"], cluster_col="cluster",
                                           robust=True)
    out["hr"] = float(cph.hazard_ratios_["program"])
    out["ph_p"] = float(proportional_hazard_test(cph, x, time_transform="km").summary.loc["program", "p"])
    return out


def _subgroups(d: pd.DataFrame) -> list[tuple[float, float, float]]:
    """Lonely / satisfied / all program clients against all usual care, by ward type."""
    out = []
    prog, usual = d[d.arm == "program"], d[d.arm != "program"]
    parts = {"all": prog, "lonely": prog[prog.social.isin(["neutral", "unsatisfied"])],
             "not_lonely": prog[prog.social == "satisfied"]}
    for wt in ("", "acute", "tertiary"):
        for part in parts.values():
            x = pd.concat([part, usual])
            if wt:
                x = x[x.ward_type == wt]
            strata = x.site_id.astype(int).astype(str) + ":" + x.ward_type
            for col in ("readmit_30", "los"):
                k = x.dropna(subset=[col])
                out.append(_standardised(k[col], k.arm == "program", strata[k.index], k.ward_id))
    return out


def _its(pop: pd.DataFrame, sites: pd.DataFrame, end: int, ed_end: int) -> int:
    """Per site and pooled (acute, tertiary) monthly series; AR(1) segmented regressions."""
    import statsmodels.api as sm

    pop = pop[pop.ward_type.isin(["acute", "tertiary"])].copy()
    pop["month"] = pd.to_datetime(pop.end_, unit="D").dt.to_period("M").astype("int64")
    pop["start_month"] = pd.to_datetime(pop.site_start, unit="D").dt.to_period("M").astype("int64")
    pop["rel"] = pop.month - pop.start_month
    last = (pd.Timestamp(min(end, ed_end) - 30, unit="D") - pd.offsets.MonthEnd(0)).to_period("M")
    last_ok = last.ordinal if (last.end_time.normalize() - pd.Timestamp(0)).days + 30 <= min(end, ed_end) \
        else last.ordinal - 1
    pop = pop[(pop.rel >= -36) & (pop.rel < 24) & (pop.month <= last_ok)]
    fits = 0
    groups = [(k, g, "month") for k, g in pop.groupby("site_id")] + \
             [(k, g, "rel") for k, g in pop.groupby("ward_type")]
    for _k, g, key in groups:
        m = g.groupby(key).agg(n=("los", "size"), med=("los", "median"), rate=("readmit_30", "mean"),
                               ed=("ed_30", "mean"))
        m = m.reindex(range(m.index.min(), m.index.max() + 1))
        k0 = int(0 - m.index.min()) if key == "rel" else int(g.start_month.iloc[0] - m.index.min())
        t = np.arange(len(m))
        x = sm.add_constant(np.column_stack([t, t >= k0, (t - k0) * (t >= k0)]).astype(float))
        for col in ("med", "rate", "ed"):
            ok = (m.n >= 5).to_numpy() & m[col].notna().to_numpy()
            if ok[:k0].sum() >= 3 and ok[k0:].sum() >= 3:
                sm.GLSAR(m[col].to_numpy()[ok], x[ok], rho=1).iterative_fit(maxiter=10)
                fits += 1
    return fits


ACTIVITY = """
SELECT 'hours' AS kind, strftime(occurred_at, '%Y-%m') AS month, SUM(duration_minutes) / 60.0 AS value,
       COUNT(*) AS n, COUNT(DISTINCT client_id) AS clients
FROM contact WHERE outcome = 'met' GROUP BY ALL
UNION ALL
SELECT 'ended', strftime(ended_on, '%Y-%m'), COUNT(*), COUNT(*) FILTER (WHERE end_reason IN
       ('dropped_out', 'client_asked', 'withdrew')), 0 FROM match WHERE ended_on IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'waiting', strftime(referred_on, '%Y-%m'), MEDIAN(first - referred_on), COUNT(*), 0
FROM (SELECT en.referred_on, MIN(m.started_on) AS first FROM enrolment en
      JOIN match m ON m.enrolment_id = en.id GROUP BY en.id, en.referred_on) GROUP BY ALL
"""


def _fidelity(con: Any, program: pd.DataFrame, cut: int) -> pd.DataFrame:
    con.register("prog", program[["client_id", "enrolment_id", "start", "end_", "site_id"]]
                 .astype({"enrolment_id": "int64"}))
    return con.execute(f"""
    WITH m AS (SELECT p.client_id, p.enrolment_id, p.end_, p.start, p.site_id,
                      BOOL_OR(x.started_on - DATE '1970-01-01' <= p.end_) AS before,
                      MAX(COALESCE(x.ended_on - DATE '1970-01-01', {cut})) AS m_end
               FROM prog p LEFT JOIN match x ON x.enrolment_id = p.enrolment_id GROUP BY ALL),
    c AS (SELECT m.*, (timezone('America/Toronto', k.occurred_at)::DATE - DATE '1970-01-01') AS day,
                 k.setting = 'ward' AS ward, k.duration_minutes AS minutes
          FROM m JOIN contact k ON k.client_id = m.client_id AND k.outcome = 'met')
    SELECT m.client_id, COALESCE(m.before, FALSE) AS matched,
           BOOL_OR(c.ward AND c.day BETWEEN m.start AND m.end_) AS on_ward,
           BOOL_OR(NOT c.ward AND c.day BETWEEN m.end_ AND m.end_ + 7) AS within7,
           SUM(CASE WHEN NOT c.ward AND c.day > m.end_ AND c.day <= m.end_ + 84 THEN c.minutes END)
             / NULLIF(LEAST(12, (LEAST(COALESCE(m.m_end, {cut}), {cut}) - m.end_) / 7.0), 0) AS per_week,
           BOOL_OR(b.started_on - DATE '1970-01-01' <= m.end_ AND
                   b.established_on - DATE '1970-01-01' >= m.end_) AS bridging
    FROM m LEFT JOIN c USING (client_id, enrolment_id)
    LEFT JOIN bridging b ON b.client_id = m.client_id
    GROUP BY m.client_id, m.enrolment_id, m.before, m.m_end, m.end_
    """).df()


def compare(ev: Any, theirs: dict[str, Any]) -> str:
    """Both sides must find the same groups and events; estimates must agree closely."""
    hl = ev.headline
    rd = hl["readmit"]
    same = {
        "program": hl["n_program"] == theirs["n_program"],
        "usual_care": hl["n_comparison"] == theirs["n_usual_care"],
        "events": (rd["program"]["events"], rd["comparison"]["events"])
        == (theirs["events_program"], theirs["events_usual"]),
        "adjusted_rd": abs(rd["adjusted"]["value"] - theirs["rd"][0]) < 1e-9,
        "adjusted_los": abs(hl["los"]["adjusted"]["value"] - theirs["los"][0]) < 1e-9,
        "cox_hr": abs(hl["cox"]["hazard_ratio"]["value"] - theirs["hr"]) < 1e-6,
        "mantel_haenszel_rd": abs(rd["mh_difference"]["value"] - theirs["mh_rd"]) < 1e-9,
    }
    if not all(same.values()):
        raise AssertionError(f"the two implementations disagree: {same}; ours "
                             f"{hl['n_program']}/{hl['n_comparison']} {rd['adjusted']}, theirs "
                             f"{theirs['n_program']}/{theirs['n_usual_care']} {theirs['rd']}")
    return ", ".join(f"{k} identical" for k in same)
