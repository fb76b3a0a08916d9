"""Access-matrix rows for bridgeway.audit.urls (access reports)."""

from __future__ import annotations

import uuid

from . import Row, everyone

ROWS = [
    Row("audit:client_log", "GET", lambda w: {"public_id": w.client_a.public_id},
        expect=everyone(403, coord_a=200, lead_a=200, admin=200)),
    Row("audit:client_log", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown client",
        expect=everyone(403, coord_a=404, coord_b=404, lead_a=404, admin=404)),
    Row("audit:user_log", "GET", lambda w: {"public_id": w.staff_a.public_id},
        expect=everyone(403, admin=200)),
    Row("audit:user_log", "GET", lambda w: {"public_id": uuid.uuid4()}, note="unknown user",
        expect=everyone(403, admin=404)),
]
