"""Plain tables for the pure evaluation code (day numbers for dates), built by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from bridgeway.outcomes.data import day_number as dn
from bridgeway.outcomes.stats.episodes import Coverage
from bridgeway.outcomes.stats.pipeline import RawData

SITE, HOSPITAL, WARD, TERTIARY_WARD, OTHER_WARD = 1, 10, 100, 101, 102
START = date(2024, 1, 1)


class Tables:
    """Stays and referrals added one at a time; `raw()` gives the pipeline's input."""

    def __init__(self) -> None:
        self.stays: list[dict] = []
        self.refs: list[dict] = []
        self.history: list[dict] = []

    def stay(self, client: int, admitted: date, discharged: date | None, *, ward: int = WARD,
             ward_type: str = "acute", hospital: int = HOSPITAL) -> int:
        stay_id = len(self.stays) + 1
        self.stays.append({"stay_id": stay_id, "client_id": client, "hospital_id": hospital,
                           "ward_id": ward, "ward_type": ward_type, "admitted": dn(admitted),
                           "discharged": float(dn(discharged)) if discharged else np.nan})
        return stay_id

    def refer(self, client: int, on: date, stay: int | None, *, statuses: tuple = (),
              social: str = "") -> int:
        e = len(self.refs) + 1
        self.refs.append({"enrolment_id": e, "client_id": client, "site_id": SITE,
                          "stay_id": float(stay) if stay else np.nan, "referred": dn(on),
                          "social": social})
        self.history.append({"enrolment_id": e, "day": dn(on), "status": "referred"})
        for day, status in statuses:
            self.history.append({"enrolment_id": e, "day": dn(day), "status": status})
        return e

    def raw(self, *, data_end: date, ed_end: date | None = None, declared: list[dict] | None = None
            ) -> RawData:
        clients = sorted({s["client_id"] for s in self.stays})
        return RawData(
            stays=pd.DataFrame(self.stays),
            sites=pd.DataFrame([{"site_id": SITE, "hospital_id": HOSPITAL,
                                 "start": float(dn(START)), "in_scope": True}]),
            declared_wards=pd.DataFrame(declared or [], columns=["site_id", "ward_id", "assignment"]),
            referrals=pd.DataFrame(self.refs, columns=["enrolment_id", "client_id", "site_id",
                                                       "stay_id", "referred", "social"]),
            history=pd.DataFrame(self.history, columns=["enrolment_id", "day", "status"]),
            current=pd.DataFrame(columns=["enrolment_id", "day", "status"]),
            clients=pd.DataFrame({"client_id": clients, "birth": float(dn(date(1980, 1, 1))),
                                  "gender": "man"}),
            ed=pd.DataFrame(columns=["client_id", "day", "mental_health"]),
            per_diem=pd.DataFrame(columns=["hospital_id", "ward_type", "amount"]),
            coverage=Coverage(stays_end=dn(data_end), ed_end=dn(ed_end or data_end)))
