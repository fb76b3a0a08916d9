"""De-identified research extract (CSV and Parquet) and small-cell-suppressed aggregates.

* Pseudonymous ids: HMAC-SHA256 of the client's public id under a key derived from the
  deployment's secret (or BRIDGEWAY_EXPORT_KEY), so the same client keeps the same
  pseudonym across extracts of one deployment but it cannot be reversed without the key.
* Dates are shifted per client by a fixed offset of −182..+182 days drawn from another HMAC of
  the client id: intervals within a client (LOS, days to readmission) are exact, calendar
  dates are not real. Ages are whole years, top-coded at 90.
* No names, dates of birth, health card numbers, contact details, database or public ids.
* Aggregates suppress any count from 1 to 4 (shown "<5"), its complement, and every rate or
  mean computed on fewer than 5 clients.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import uuid
from datetime import date, timedelta

import pandas as pd
from django.conf import settings

from bridgeway.clients.models import Client
from bridgeway.core.models import ProgramSite

from . import analysis, fidelity
from .measures import day_number, from_day_number

SMALL_CELL = 5
SUPPRESSED = "<5"
SHIFT_DAYS = 182
AGE_TOP = 90


def _key() -> bytes:
    secret = getattr(settings, "BRIDGEWAY_EXPORT_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(("bridgeway-export:" + secret).encode()).digest()


def _digest(label: str, public_id: uuid.UUID) -> bytes:
    return hmac.new(_key(), f"{label}:{public_id}".encode(), hashlib.sha256).digest()


def pseudonym(public_id: uuid.UUID) -> str:
    return "P" + _digest("pid", public_id).hex()[:15]


def date_shift(public_id: uuid.UUID) -> int:
    value = int.from_bytes(_digest("shift", public_id)[:4], "big")
    return value % (2 * SHIFT_DAYS + 1) - SHIFT_DAYS


EXTRACT_COLUMNS = [
    "pseudo_id", "site", "ward_type", "arm", "baseline_social_relationships", "gender", "age",
    "prior_stays", "episode_start_shifted", "discharge_shifted", "los", "follow_days",
    "readmitted", "days_to_readmission", "readmit_30", "readmit_90", "readmit_365",
    "bed_days_after", "ed_visits_after", "community_days", "episode_cost", "cost_after",
    *fidelity.COMPONENTS, "fidelity_score",
]


def extract(filters: analysis.Filters) -> pd.DataFrame:
    """One row per index discharge in the period (every arm; with the before-period when that
    is the comparison), de-identified."""
    loaded = analysis.load(filters)
    keep = ((loaded.discharge >= day_number(filters.start))
            & (loaded.discharge <= day_number(filters.end)))
    if filters.comparison == "before":
        keep |= loaded.arm == "before"
    frame = loaded[keep]
    if frame.empty:
        return pd.DataFrame(columns=EXTRACT_COLUMNS)
    fid = fidelity.per_client(frame[frame.arm == "program"], cutoff=filters.cutoff)
    frame = frame.merge(fid[["stay_id", *fidelity.COMPONENTS, "score"]], on="stay_id", how="left")
    public = dict(Client.objects.filter(id__in=[int(i) for i in frame.client_id.unique()])
                  .values_list("id", "public_id"))
    codes = dict(ProgramSite.objects.values_list("id", "code"))
    shift = {cid: timedelta(days=date_shift(pid)) for cid, pid in public.items()}

    def shifted(col: str) -> list[str]:
        return [(from_day_number(d) + shift[c]).isoformat() for c, d in
                zip(frame.client_id, frame[col], strict=True)]

    out = pd.DataFrame({
        "pseudo_id": [pseudonym(public[c]) for c in frame.client_id],
        "site": frame.site_id.map(codes),
        "ward_type": frame.ward_type, "arm": frame.arm,
        "baseline_social_relationships": frame.social.fillna(""),
        "gender": frame.gender,
        "age": (frame.age_days.astype(float) / 365.25).astype(int).clip(upper=AGE_TOP),
        "prior_stays": frame.prior_stays.astype(int).clip(upper=10),
        "episode_start_shifted": shifted("episode_start"),
        "discharge_shifted": shifted("discharge"),
    })
    for col in ["los", "follow_days", "readmitted", "days_to_readmission", "readmit_30",
                "readmit_90", "readmit_365", "bed_days_after", "ed_visits_after",
                "community_days", "episode_cost", "cost_after", *fidelity.COMPONENTS]:
        out[col] = frame[col].to_numpy()
    out["fidelity_score"] = frame["score"].to_numpy()
    for col in ["readmit_30", "readmit_90", "readmit_365", *fidelity.COMPONENTS]:
        out[col] = pd.array(out[col], dtype="Float64").round().astype("Int64")
    return out.sort_values(["site", "pseudo_id", "discharge_shifted"]).reset_index(drop=True)[
        EXTRACT_COLUMNS]


def suppress_count(n: int) -> int | str:
    return SUPPRESSED if 0 < n < SMALL_CELL else int(n)


def aggregates(frame: pd.DataFrame, codes: dict[int, str]) -> pd.DataFrame:
    """Counts and rates per site, ward type and arm (one row per client's first discharge)."""
    rows = []
    first = frame[frame.first_in_arm == 1]
    for (site_id, ward_type, arm), g in first.groupby(["site_id", "ward_type", "arm"]):
        n = len(g)
        known = g.readmit_30.dropna()
        events, k = int(known.sum()), len(known)
        hide_events = 0 < events < SMALL_CELL or 0 < k - events < SMALL_CELL
        rows.append({
            "site": codes.get(int(site_id), ""), "ward_type": ward_type, "arm": arm,
            "clients": suppress_count(n),
            "readmitted_30": SUPPRESSED if hide_events else events,
            "followed_30": suppress_count(k),
            "readmission_rate_30": (SUPPRESSED if hide_events or k < SMALL_CELL
                                    else round(events / k, 4)),
            "mean_los": SUPPRESSED if n < SMALL_CELL else round(float(g.los.mean()), 2),
            "mean_bed_days_after": (SUPPRESSED if n < SMALL_CELL
                                    else round(float(g.bed_days_after.mean()), 2)),
            "ed_visits_after": suppress_count(int(g.ed_visits_after.sum())),
        })
    return pd.DataFrame(rows, columns=["site", "ward_type", "arm", "clients", "readmitted_30",
                                       "followed_30", "readmission_rate_30", "mean_los",
                                       "mean_bed_days_after", "ed_visits_after"])


def aggregate_table(filters: analysis.Filters) -> pd.DataFrame:
    frame = analysis.load(filters)
    period = analysis.in_period(frame, filters.start, filters.end)
    codes = dict(ProgramSite.objects.values_list("id", "code"))
    return aggregates(period, codes)


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_parquet(frame: pd.DataFrame, *, metadata: dict[str, str] | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame.astype({c: "string" for c in frame.columns
                                               if frame[c].dtype == object}),
                                 preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta.update({k.encode(): v.encode() for k, v in (metadata or {}).items()})
    table = table.replace_schema_metadata(meta)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def filename(kind: str, sites: list[ProgramSite], ext: str, day: date) -> str:
    scope = sites[0].code if len(sites) == 1 else "all-sites"
    return f"bridgeway-{kind}-{scope}-{day.isoformat()}.{ext}"
