"""Access-matrix rows for cover arrangements (decision 0024): arranging and ending a cover, and
what the covering supporter (`other_supporter`, covering `supporter`'s client A) reaches
before, during and after the cover. The cover rows are written directly (the service refuses
a cover that starts in the past), so each row's dates are exactly the ones it names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bridgeway.clients.covers import Cover

from . import Row, everyone
from .clients import CLIENT_A_READERS
from .contacts import READERS_A, WRITERS_A_POST, _contact_data


def _cover(start: int, end: int) -> Any:
    def setup(w: Any) -> None:
        today = timezone.localdate()
        w.extra = {"cover": Cover.objects.create(
            match=w.match_a, supporter=w.other_supporter, created_by=w.coord_a,
            starts_on=today + timedelta(days=start), ends_on=today + timedelta(days=end))}
    return setup


def _a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id}


def _match_a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id, "match_id": w.match_a.public_id}


def _cover_a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id, "cover_id": w.extra["cover"].public_id}


def _arrange(w: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {"supporter": w.other_supporter.pk, "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat()}


DURING = {**CLIENT_A_READERS, "other_supporter": 200}

ROWS = [
    Row("clients:cover_new", "GET", _match_a, expect=everyone(403, coord_a=200, admin=200)),
    Row("clients:cover_new", "POST", _match_a, data=_arrange,
        expect=everyone(403, coord_a=302, admin=302)),
    Row("clients:cover_end", "POST", _cover_a, setup=_cover(0, 7),
        expect=everyone(403, coord_a=302, admin=302)),
    # The covering supporter reaches client A during the cover only.
    Row("clients:detail", "GET", _a, setup=_cover(1, 7), note="cover starts tomorrow",
        expect=everyone(403, **CLIENT_A_READERS)),
    Row("clients:detail", "GET", _a, setup=_cover(0, 0), note="cover today only",
        expect=everyone(403, **DURING)),
    Row("clients:detail", "GET", _a, setup=_cover(-7, -1), note="cover ended yesterday",
        expect=everyone(403, **CLIENT_A_READERS)),
    Row("contacts:client", "GET", _a, setup=_cover(-3, 3), note="during a cover",
        expect=everyone(403, **{**READERS_A, "other_supporter": 200})),
    Row("contacts:log", "POST", _a, setup=_cover(-1, 1), data=_contact_data,
        note="during a cover", expect=everyone(403, **{**WRITERS_A_POST, "other_supporter": 302})),
]
