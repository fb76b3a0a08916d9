"""Counts by site, ward type and group, with primary and complementary suppression over every
total the dashboard can show (the whole scope, one site, one ward type). Pure: no Django.

The suppression pattern is computed over the whole scope whatever the filter, so that one
site's view and the all-sites view hide the same cells (otherwise a total in one view minus the
parts shown in another could give a hidden cell away).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import disclosure

WARD_TYPES = ("acute", "tertiary")
COLUMNS = ["site_id", "ward_type", "arm", "clients", "followed", "readmitted", "readmission_rate",
           "mean_los", "mean_bed_days_year", "ed_visits_year"]


def aggregates(cohort: pd.DataFrame, site_ids: list[int], *, arms: tuple[str, str], window: int,
               threshold: int) -> pd.DataFrame:
    """One row per site x ward type x arm (every combination, zeros included)."""
    cells = [(s, wt, a) for s in site_ids for wt in WARD_TYPES for a in arms]
    index = {c: i for i, c in enumerate(cells)}
    frame = cohort[cohort["arm"].isin(arms)]
    g = frame.groupby(["site_id", "ward_type", "arm"])
    flag = f"readmit_{window}"
    clients = g.size()
    known = frame.dropna(subset=[flag]).groupby(["site_id", "ward_type", "arm"])[flag]
    followed, events = known.size(), known.sum()
    lines = ([[index[c] for c in cells if c[2] == a] for a in arms]
             + [[index[(s, wt, a)] for wt in WARD_TYPES] for s in site_ids for a in arms]
             + [[index[(s, wt, a)] for s in site_ids] for wt in WARD_TYPES for a in arms])

    def col(series: pd.Series) -> np.ndarray:
        return np.array([float(series.get(c, 0)) for c in cells])

    n, f, e = col(clients), col(followed), col(events)
    hide_n, _ = disclosure.protect(n, lines, threshold)
    hide_f, _ = disclosure.protect(f, lines, threshold)
    # Non-events are counts too: a small complement hides the events of that cell.
    complement = np.array([disclosure.is_small(fi - ei, threshold)
                           for fi, ei in zip(f, e, strict=True)])
    hide_e, _ = disclosure.protect(e, lines, threshold, also=complement)
    rows: list[dict[str, Any]] = []
    means = g[["los", "bed_days_365"]].mean()
    ed = g["ed_365"].sum(min_count=1)
    for c, i in index.items():
        site, wt, arm = c
        small = hide_n[i] or n[i] < threshold
        rate_hidden = hide_e[i] or hide_f[i] or f[i] == 0
        m = means.loc[c] if c in means.index else None
        rows.append({
            "site_id": site, "ward_type": wt, "arm": arm,
            "clients": disclosure.show(n[i], threshold, hide=bool(hide_n[i])),
            "followed": disclosure.show(f[i], threshold, hide=bool(hide_f[i])),
            "readmitted": disclosure.show(e[i], threshold, hide=bool(hide_e[i])),
            "readmission_rate": (disclosure.hidden_label(threshold) if rate_hidden and f[i]
                                 else None if f[i] == 0 else e[i] / f[i]),
            "mean_los": (disclosure.hidden_label(threshold) if small and n[i]
                         else None if m is None or pd.isna(m["los"]) else float(m["los"])),
            "mean_bed_days_year": (disclosure.hidden_label(threshold) if small and n[i]
                                   else None if m is None or pd.isna(m["bed_days_365"])
                                   else float(m["bed_days_365"])),
            "ed_visits_year": (disclosure.hidden_label(threshold) if small and n[i]
                               else disclosure.show(float(ed.get(c, 0) or 0), threshold)),
        })
    return pd.DataFrame(rows, columns=COLUMNS)
