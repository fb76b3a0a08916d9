"""Access-matrix rows for bridgeway.supporters.urls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bridgeway.core.models import TrainingModule
from bridgeway.supporters.models import TrainingRecord

from . import Row, everyone


def _s(w: Any) -> dict[str, Any]:
    return {"public_id": w.supporter.public_id}


def _module(w: Any) -> None:
    w.extra = {"module": TrainingModule.objects.create(code="core-1", name="Core Essentials 1",
                                                       level=1)}


def _record(w: Any) -> None:
    module = TrainingModule.objects.create(code="core-1", name="Core Essentials 1", level=1)
    w.extra = {"record": TrainingRecord.objects.create(
        supporter=w.supporter, module=module, completed_on=timezone.localdate())}


def _rec(w: Any) -> dict[str, Any]:
    return {"public_id": w.supporter.public_id, "training_id": w.extra["record"].public_id}


def _paused(w: Any) -> None:
    w.supporter.status, w.supporter.status_reason = "paused", "Asked for a break"
    w.supporter.save(update_fields=["status", "status_reason"])


PROFILE = {"employment": "volunteer", "hours_per_week": "5", "max_active_clients": "4",
           "gender": "man", "status": "active", "home_fsa": "n6a"}

ROWS = [
    Row("supporters:index", "GET",
        expect=everyone(403, coord_a=302, coord_b=302, lead_a=302, admin=200)),
    Row("supporters:me", "GET", expect=everyone(403, supporter=302, other_supporter=302)),
    Row("supporters:list", "GET", lambda w: {"site_code": w.site_a.code},
        expect=everyone(403, coord_a=200, lead_a=200, admin=200)),
    Row("supporters:list", "GET", lambda w: {"site_code": "nowhere"}, note="unknown site",
        expect=everyone(404)),
    Row("supporters:detail", "GET", _s,
        expect=everyone(403, coord_a=200, lead_a=200, supporter=200, admin=200)),
    Row("supporters:edit", "GET", _s, expect=everyone(403, coord_a=200, admin=200)),
    Row("supporters:edit", "POST", _s, data=lambda w: {**PROFILE, "sites": [w.site_a.pk]},
        expect=everyone(403, coord_a=302, admin=302)),
    Row("supporters:training_add", "GET", _s, expect=everyone(403, coord_a=200, admin=200)),
    Row("supporters:training_add", "POST", _s, setup=_module,
        data=lambda w: {"module": w.extra["module"].pk,
                        "completed_on": timezone.localdate().isoformat()},
        expect=everyone(403, coord_a=302, admin=302)),
    Row("supporters:new", "GET", lambda w: {"site_code": w.site_a.code},
        expect=everyone(403, coord_a=200, admin=200)),
    Row("supporters:new", "POST", lambda w: {"site_code": w.site_a.code},
        data=lambda w: {**PROFILE, "first_name": "Alex", "last_name": "New",
                        "email": "alex.new@example.org", "username": "alex_new",
                        "preferred_language": "en", "organisation": w.peer_org_a.pk,
                        "sites": [w.site_a.pk]},
        expect=everyone(403, coord_a=302, admin=302)),
    Row("supporters:invite", "POST", _s, expect=everyone(403, coord_a=302, admin=302)),
    Row("supporters:lift_pause", "POST", _s, setup=_paused,
        expect=everyone(403, coord_a=302, admin=302)),
    Row("supporters:training_edit", "GET", _rec, setup=_record,
        expect=everyone(403, coord_a=200, admin=200)),
    Row("supporters:training_edit", "POST", _rec, setup=_record,
        data=lambda w: {"completed_on": timezone.localdate().isoformat()},
        expect=everyone(403, coord_a=302, admin=302)),
]
