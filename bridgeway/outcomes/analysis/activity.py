"""Fidelity and program activity (contact hours, drop-outs, waiting times) through disclosure
control: every count under the threshold hidden, and every share or mean resting on one."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import fidelity
from ..stats import disclosure
from ..stats.pipeline import clean


def _share(met: float, known: float, t: int) -> float | None:
    """A share of known cases met, hidden when the met or the not-met are few."""
    if not known or disclosure.events_hidden(met, known, t):
        return None
    return met / known


def fidelity_components(fid: pd.DataFrame, t: int) -> dict[str, Any]:
    n = len(fid)
    comps = []
    for k, label in fidelity.COMPONENTS.items():
        known = int(fid[k].notna().sum()) if n else 0
        met = float(fid[k].sum()) if n else 0.0
        comps.append({"key": k, "label": str(label), "rate": _share(met, known, t),
                      "known": disclosure.show(known, t)})
    score = float(fid["score"].mean()) if n >= t else None
    return clean({"n": disclosure.show(n, t), "components": comps, "score": score})


def fidelity_table(wq: pd.DataFrame, wards: dict[int, str], t: int) -> list[dict[str, Any]]:
    rows = []
    for r in wq.to_dict("records"):
        n, prog = int(r["discharges"]), int(r["program"])
        rows.append(clean({
            "ward": wards.get(int(r["ward_id"]), ""), "quarter": r["quarter"],
            "discharges": disclosure.show(n, t),
            "program": disclosure.show(prog, t, hide=disclosure.events_hidden(prog, n, t)),
            "reach": _share(prog, n, t),
            "score": r["score"] if prog >= t else None}))
    return rows


def contact_hours(rows: list[dict[str, Any]], t: int) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        few = disclosure.is_small(int(r["clients"]), t)
        out.append({"month": r["month"], "hours": None if few else r["hours"],
                    "contacts": disclosure.show(int(r["contacts"]), t, hide=few),
                    "clients": disclosure.show(int(r["clients"]), t)})
    return out


def drop_outs(rows: list[dict[str, Any]], t: int) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        ended, dropped = int(r["ended"]), int(r["dropped_out"])
        out.append({"month": r["month"], "ended": disclosure.show(ended, t),
                    "dropped_out": disclosure.show(
                        dropped, t, hide=disclosure.events_hidden(dropped, ended, t))})
    return out


def waiting(rows: list[dict[str, Any]], t: int) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        few = disclosure.is_small(int(r["matched"]), t)
        out.append({"month": r["month"], "median_days": None if few else r["median_days"],
                    "matched": disclosure.show(int(r["matched"]), t)})
    return out


def chart_number(value: Any) -> float | None:
    """Charts draw numbers only: a hidden count ("<5") is a gap."""
    return value if isinstance(value, int | float) else None
