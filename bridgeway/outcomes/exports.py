"""De-identified research extract (CSV and Parquet) and small-cell-suppressed aggregates.

* One row per client: their first discharged episode admitted in the period.
* Pseudonymous ids: HMAC-SHA256 of the client's public id under BRIDGEWAY_PSEUDONYM_KEY, a key
  the administrator holds apart from SECRET_KEY, so the same client keeps the same pseudonym
  across extracts of one deployment but it cannot be reversed without the key.
* Dates are shifted per client by a fixed offset of −182..+182 days drawn from another HMAC of
  the client id, then given as months: intervals within a client (days to readmission) are
  exact, calendar dates are neither real nor precise. Ages are whole years, top-coded at 90.
* k-anonymity (default k = 5, BRIDGEWAY_EXTRACT_K) on site, gender, age, ward type and length
  of stay: generalised to bands and small classes suppressed (stats/kanon.py); what was done is
  reported on the extract page and in the README inside the download.
* No names, dates of birth, health card numbers, contact details, database or public ids.
* Aggregates: counts under the disclosure threshold shown as "<5", with complementary
  suppression over the totals the dashboard shows (stats.tables), and every rate or mean
  computed on a hidden count hidden too.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from django.conf import settings

from bridgeway.clients.models import Client
from bridgeway.core.models import ProgramSite
from bridgeway.core.spreadsheet import safe_frame

from . import analysis, fidelity
from .data import from_day_number
from .stats import kanon

SHIFT_DAYS = 182
AGE_TOP = 90


def _key() -> bytes:
    # Not SECRET_KEY: whoever holds the pseudonym key can link pseudonyms back to clients, so
    # it is given to the administrator alone (production refuses SECRET_KEY and the dev key).
    secret: str = settings.BRIDGEWAY_PSEUDONYM_KEY
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
    "prior_stays", "admission_month_shifted", "discharge_month_shifted", "los", "follow_days",
    "readmitted", "days_to_readmission", "readmit_30", "readmit_90", "readmit_365",
    "bed_days_after", "ed_visits_after", "community_days", "episode_cost", "cost_after",
    *fidelity.COMPONENTS, "fidelity_score",
]


@dataclass(frozen=True)
class Extract:
    frame: pd.DataFrame
    disclosure: kanon.Outcome


def extract(filters: analysis.Filters, *, k: int | None = None) -> Extract:
    """One row per client: the first discharged episode admitted in the period at the chosen
    sites (every group; with the before-period when that is the comparison), de-identified and
    k-anonymous on the quasi-identifiers."""
    k = max(k or 0, settings.BRIDGEWAY_EXTRACT_K)  # a caller may ask for more, never less
    episodes = _episodes(filters)
    first = episodes.sort_values(["pseudo_id", "admission_month_shifted"]).drop_duplicates(
        "pseudo_id", keep="first")
    frame, outcome = kanon.anonymise(
        first, k=k, max_suppressed=settings.BRIDGEWAY_EXTRACT_MAX_SUPPRESSED_PERCENT / 100)
    frame["admission_month_shifted"] = frame["admission_month_shifted"].str[:7]
    frame["discharge_month_shifted"] = frame["discharge_month_shifted"].str[:7]
    frame = frame.sort_values(["site", "pseudo_id"]).reset_index(drop=True)[EXTRACT_COLUMNS]
    return Extract(frame, outcome)


def _episodes(filters: analysis.Filters) -> pd.DataFrame:
    """One row per discharged episode, de-identified but not yet generalised (dates shifted,
    as full dates, so a client's first episode can be chosen)."""
    result, raw = analysis.compute(filters)
    e = result.prepared.groups.episodes
    cohort = result.prepared.cohort
    lo, hi = filters.options().window
    keep = (e["in_scope"] & e["eligible"] & e["site_id"].isin(filters.site_ids)
            & e["end"].notna() & (e["start"] >= lo) & (e["start"] <= hi))
    if filters.comparison == "before":
        keep |= e["episode_id"].isin(cohort.loc[cohort["arm"] == "before", "episode_id"])
    frame = e[keep].merge(raw.clients, on="client_id", how="left")
    if filters.ward_type:
        frame = frame[frame["ward_type"] == filters.ward_type]
    if frame.empty:
        return pd.DataFrame(columns=EXTRACT_COLUMNS)
    arm = cohort.set_index("episode_id")["arm"]
    straddling = set(result.prepared.groups.straddling["episode_id"])
    frame["arm"] = frame["episode_id"].map(arm).fillna(
        frame["episode_id"].map(lambda i: "straddling" if i in straddling else "other"))
    fid = fidelity.per_client(fidelity.episodes_of(frame[frame["arm"] == "program"]),
                              cutoff=filters.today)
    frame = frame.merge(fid[["stay_id", *fidelity.COMPONENTS, "score"]],
                        left_on="index_stay_id", right_on="stay_id", how="left")
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
        "age": ((frame.start - frame.birth) / 365.25).astype(int).clip(upper=AGE_TOP),
        "prior_stays": frame.episode_no.astype(int).clip(upper=10),
        "admission_month_shifted": shifted("start"),
        "discharge_month_shifted": shifted("end"),
    })
    renamed = {"bed_days_after": "bed_days_365", "ed_visits_after": "ed_365",
               "community_days": "community_days_365", "episode_cost": "cost",
               "cost_after": "cost_365"}
    for col in ["los", "follow_days", "readmitted", "days_to_readmission", "readmit_30",
                "readmit_90", "readmit_365", "bed_days_after", "ed_visits_after",
                "community_days", "episode_cost", "cost_after", *fidelity.COMPONENTS]:
        out[col] = frame[renamed.get(col, col)].to_numpy()
    out["fidelity_score"] = frame["score"].to_numpy()
    for col in ["readmitted", "readmit_30", "readmit_90", "readmit_365", *fidelity.COMPONENTS]:
        out[col] = pd.array(out[col], dtype="Float64").round().astype("Int64")
    return out[EXTRACT_COLUMNS]


AGGREGATE_COLUMNS = ["site", "ward_type", "arm", "clients", "readmitted", "followed",
                     "readmission_rate", "mean_los", "mean_bed_days_year", "ed_visits_year"]


def aggregate_table(ev: analysis.Evaluation) -> pd.DataFrame:
    """Counts per site x ward type x group, small cells and their complements suppressed (the
    same pattern as the dashboard: stats.tables)."""
    codes = {s.id: s.code for s in ev.filters.scope}
    rows = [r | {"site": codes.get(int(r["site_id"]), "")} for r in ev.results["aggregates"]]
    frame = pd.DataFrame(rows, columns=["site_id", *AGGREGATE_COLUMNS])
    for col in ("readmission_rate", "mean_los", "mean_bed_days_year"):
        frame[col] = [round(v, 4) if isinstance(v, float) else v for v in frame[col]]
    return frame[AGGREGATE_COLUMNS]


def to_csv(frame: pd.DataFrame) -> bytes:
    # No cell a spreadsheet would execute (core.spreadsheet): names and notes are free text.
    # CRLF rows (RFC 4180): a CR inside a cell is then quoted, never read as a row break.
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


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
