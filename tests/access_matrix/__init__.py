"""The access matrix: every URL (and method) x persona -> expected HTTP status.

Each app contributes `tests/access_matrix/<app>.py` with a module-level `ROWS` list. A row is
a `Row(...)` (preferred) or the short tuple form
`(url_name, method, kwargs_factory_or_None, {persona: status, ...})`. See README.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.conftest import World

PERSONAS: tuple[str, ...] = ("coord_a", "coord_b", "lead_a", "supporter", "other_supporter",
                             "staff_a", "staff_b", "evaluator", "admin", "privacy_officer")
ALLOWED_STATUSES = frozenset({200, 204, 302, 400, 403, 404, 405})
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})

# URL names that are public or out of scope of the matrix, and why. Nothing else is skipped.
OUT_OF_SCOPE: dict[str, str] = {
    "login": "public sign-in page",
    "logout": "sign-out (POST only, no data)",
    "set_language": "i18n language switcher (works signed out, changes no data)",
    # Calendar apps cannot sign in: the feed is reached by a secret, revocable token only,
    # so anonymous requests get the feed or 404, never the sign-in redirect the matrix
    # expects. tests/contacts/test_calendar.py covers every persona and anonymous requests.
    "contacts:calendar_feed": "public iCalendar feed reached by secret token",
    # Signed-out pages by design (someone who cannot sign in uses them); covered with every
    # case in tests/core/test_passwords.py and tests/core/test_invitations.py.
    "invitation_accept": "public: first password from a single-use invitation token",
    "password_reset": "public: ask for a reset link (rate-limited, same answer for all)",
    "password_reset_done": "public: 'check your e-mail' page",
    "password_reset_confirm": "public: new password from a single-use reset token",
    "password_reset_complete": "public: 'password changed' page",
}
# Whole namespaces skipped: the Django admin has its own permission system (is_staff).
OUT_OF_SCOPE_NAMESPACES: dict[str, str] = {
    "admin": "Django admin: reference data, guarded by is_staff/permissions",
}

Factory = Callable[["World"], Mapping[str, Any]]
Data = Factory | Mapping[str, Any] | None


@dataclass(frozen=True)
class Row:
    """One request, tried once per persona (each in a fresh savepoint of the same world).

    url_name: namespaced name, e.g. "clients:detail".
    method:   "GET" or "POST" (or PUT/PATCH/DELETE).
    kwargs:   World -> URL kwargs (or None for URLs without arguments). It runs inside the
              persona's savepoint, so it may create extra objects it needs.
    expect:   status for EVERY persona in PERSONAS (200, 204, 302, 400, 403, 404, 405).
    data:     POST body or GET query: a dict or World -> dict (None: empty).
    headers:  extra request headers, e.g. {"HX-Request": "true"} for htmx fragments.
    note:     why this row exists (shown in test ids when several rows share a URL).
    setup:    World -> None, run first inside each persona's savepoint; it may create objects
              and keep them on the world (e.g. `w.extra = {...}`) for `kwargs` and `data`.
    """

    url_name: str
    method: str = "GET"
    kwargs: Factory | None = None
    expect: Mapping[str, int] = field(default_factory=dict)
    data: Data = None
    headers: Mapping[str, str] = field(default_factory=dict)
    note: str = ""
    setup: Callable[[World], None] | None = None

    def problems(self) -> list[str]:
        out = []
        missing = [p for p in PERSONAS if p not in self.expect]
        extra = [p for p in self.expect if p not in PERSONAS]
        if missing:
            out.append(f"no expectation for {missing}")
        if extra:
            out.append(f"unknown personas {extra}")
        bad = {p: s for p, s in self.expect.items() if s not in ALLOWED_STATUSES}
        if bad:
            out.append(f"unexpected statuses {bad}")
        if self.method.upper() not in METHODS:
            out.append(f"unknown method {self.method}")
        return out

    @property
    def label(self) -> str:
        return f"{self.url_name}[{self.method}]" + (f"({self.note})" if self.note else "")


RowLike = Row | tuple[Any, ...]


def as_row(item: RowLike) -> Row:
    """Accept Row(...) or the tuple form (url_name, method, kwargs, expect[, data])."""
    if isinstance(item, Row):
        return item
    url_name, method, kwargs, expect, *rest = item
    return Row(url_name=url_name, method=method, kwargs=kwargs, expect=expect,
               data=rest[0] if rest else None)



def everyone(default: int, **overrides: int) -> dict[str, int]:
    """{persona: default} for all personas, with per-persona overrides."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    return {p: overrides.get(p, default) for p in PERSONAS}


def row_modules() -> list[str]:
    """Every module of this package except the test module itself."""
    names = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("test_") or info.name.startswith("_"):
            continue
        names.append(f"{__name__}.{info.name}")
    return sorted(names)


def collect_rows() -> list[Row]:
    rows: list[Row] = []
    for module_name in row_modules():
        module = importlib.import_module(module_name)
        items: Iterable[RowLike] = getattr(module, "ROWS", [])
        rows.extend(as_row(item) for item in items)
    return rows
