"""Access-matrix rows for bridgeway.supporters.urls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bridgeway.core.models import TrainingModule

from . import Row, everyone


def _s(w: Any) -> dict[str, Any]:
    return {"public_id": w.supporter.public_id}


def _module(w: Any) -> None:
    w.extra = {"module": TrainingModule.objects.create(code="core-1", name="Core Essentials 1",
                                                       level=1)}


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
    Row("supporters:edit", "POST", _s, data=PROFILE,
        expect=everyone(403, coord_a=302, admin=302)),
    Row("supporters:training_add", "GET", _s, expect=everyone(403, coord_a=200, admin=200)),
    Row("supporters:training_add", "POST", _s, setup=_module,
        data=lambda w: {"module": w.extra["module"].pk,
                        "completed_on": timezone.localdate().isoformat()},
        expect=everyone(403, coord_a=302, admin=302)),
]
