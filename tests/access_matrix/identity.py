"""Access-matrix rows for identifiers, client search and the merge (bridgeway.web.clients)."""

from __future__ import annotations

from typing import Any

from bridgeway.clients.identity import identifier_add
from bridgeway.clients.models import IdentifierKind
from bridgeway.core.actors import Actor
from tests import factories as f

from . import Row, everyone

EDITORS = {"coord_a": 200, "staff_a": 200, "admin": 200}


def _a(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id}


def _with_identifier(w: Any) -> None:
    identifier = identifier_add(actor=Actor(user=w.admin, role="administrator"), client=w.client_a,
                                kind=IdentifierKind.MRN, value="RIV-1", hospital=w.hospital_a)
    w.extra = {"identifier": identifier}


def _identifier(w: Any) -> dict[str, Any]:
    return {"public_id": w.client_a.public_id, "identifier_id": w.extra["identifier"].public_id}


def _with_duplicate(w: Any) -> None:
    w.extra = {"duplicate": f.ClientFactory(given_name="Danny", family_name="Tremblay")}


def _duplicate(w: Any) -> dict[str, Any]:
    return {"public_id": w.extra["duplicate"].public_id}


ROWS = [
    # A privacy officer reads access histories, never a record: no client search.
    Row("clients:search", "GET", data={"q": "tremblay"},
        expect=everyone(200, evaluator=403, privacy_officer=403)),
    Row("clients:search", "GET", data={"q": ""},
        expect=everyone(200, evaluator=403, privacy_officer=403), note="empty"),
    Row("clients:merge", "GET", _a, expect=everyone(403, admin=200)),
    Row("clients:merge", "POST", _duplicate, setup=_with_duplicate,
        data=lambda w: {"survivor": str(w.client_a.public_id), "reason": "Same person"},
        expect=everyone(403, admin=302)),
    Row("clients:identifier_add", "GET", _a, expect=everyone(403, **EDITORS)),
    Row("clients:identifier_add", "POST", _a,
        data=lambda w: {"kind": "mrn", "value": "RIV-77", "hospital": w.hospital_a.pk},
        expect=everyone(403, coord_a=302, staff_a=302, admin=302)),
    Row("clients:identifier_remove", "GET", _identifier, setup=_with_identifier,
        expect=everyone(403, **EDITORS)),
    Row("clients:identifier_remove", "POST", _identifier, setup=_with_identifier,
        expect=everyone(403, coord_a=302, staff_a=302, admin=302)),
]
