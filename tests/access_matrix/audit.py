"""Access-matrix rows for bridgeway.audit.urls (access reports).

`privacy_officer` is hospital A's privacy officer: they read the access history of the clients
their organisation holds (client_a stayed at hospital A) and of its staff (staff_a), never
another organisation's (client_b, staff_b). More cases in tests/audit/test_reports.py.
"""

from __future__ import annotations

import uuid

from . import Row, everyone

ROWS = [
    Row("audit:people", "GET", None,
        expect=everyone(403, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:people", "GET", None, data={"client": "not-a-uuid"}, note="bad client id",
        expect=everyone(403, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:client_log", "GET", lambda w: {"public_id": w.client_a.public_id},
        expect=everyone(403, coord_a=200, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:client_log", "GET", lambda w: {"public_id": w.client_a.public_id},
        data={"format": "csv", "outcome": "denied", "person": "sam",
              "date_from": "2020-01-01", "date_to": "2030-12-31"}, note="csv, filtered",
        expect=everyone(403, coord_a=200, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:client_log", "GET", lambda w: {"public_id": w.client_a.public_id},
        data={"date_from": "0001-01-01", "date_to": "not a date"}, note="bad dates",
        expect=everyone(403, coord_a=200, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:client_log", "GET", lambda w: {"public_id": w.client_b.public_id},
        note="another hospital's client", expect=everyone(403, coord_b=200, admin=200)),
    Row("audit:client_log", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown client",
        expect=everyone(403, coord_a=404, coord_b=404, lead_a=404, admin=404,
                        privacy_officer=404)),
    Row("audit:user_log", "GET", lambda w: {"public_id": w.staff_a.public_id},
        expect=everyone(403, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:user_log", "GET", lambda w: {"public_id": w.staff_a.public_id},
        data={"format": "csv"}, note="csv",
        expect=everyone(403, lead_a=200, admin=200, privacy_officer=200)),
    Row("audit:user_log", "GET", lambda w: {"public_id": w.staff_b.public_id},
        note="another site's staff", expect=everyone(403, admin=200)),
    Row("audit:user_log", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown user",
        expect=everyone(403, lead_a=404, admin=404, privacy_officer=404)),
]
