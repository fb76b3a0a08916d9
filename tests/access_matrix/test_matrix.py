"""Walks the URL conf (every include) and runs every matrix row for every persona.

Fails when a URL name has no row, when a row names no URL, when a persona lacks an
expectation, and when any persona gets a status other than the expected one (so an
unexpected allow is always a failure). Anonymous requests must be sent to sign in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import OUT_OF_SCOPE, OUT_OF_SCOPE_NAMESPACES, PERSONAS, Row, collect_rows

ROWS = collect_rows()


def walk(patterns: list[Any], namespace: str = "", route: str = "") -> Iterator[tuple[str, str]]:
    """(namespaced url name or "", route) for every pattern, recursively through includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if ns in OUT_OF_SCOPE_NAMESPACES:
                continue
            yield from walk(pattern.url_patterns, full_ns, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield full, route + str(pattern.pattern)


def project_urls() -> dict[str, str]:
    return dict(walk(get_resolver().url_patterns))


def test_every_url_pattern_is_named():
    unnamed = [route for name, route in walk(get_resolver().url_patterns) if not name]
    assert not unnamed, f"URL patterns without a name cannot get matrix rows: {unnamed}"


def test_every_url_has_a_row():
    urls = project_urls()
    covered = {row.url_name for row in ROWS}
    missing = sorted(name for name in urls if name not in covered and name not in OUT_OF_SCOPE)
    assert not missing, (
        "URLs without an access-matrix row (add them to tests/access_matrix/<app>.py): "
        + ", ".join(f"{n} (/{urls[n]})" for n in missing))


def test_every_row_names_a_url_and_every_persona():
    urls = project_urls()
    stale = sorted({row.url_name for row in ROWS} - set(urls))
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    problems = {row.label: row.problems() for row in ROWS if row.problems()}
    assert not problems, problems


def _resolve(value: Any, world: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if callable(value):
        return value(world)
    return value


def _request(http: HttpClient, row: Row, world: Any) -> int:
    if row.setup is not None:
        row.setup(world)
    path = reverse(row.url_name, kwargs=dict(_resolve(row.kwargs, world)) or None)
    data = dict(_resolve(row.data, world))
    method = getattr(http, row.method.lower())
    response = method(path, data, headers=dict(row.headers))
    return int(response.status_code)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.label}#{i}" for i, r in enumerate(ROWS)])
def test_row(row: Row, world: Any) -> None:
    """Each persona in its own savepoint, so a POST by one does not change the next one's world."""
    got: dict[str, int] = {}
    for persona in [*PERSONAS, "anonymous"]:
        http = HttpClient()
        if persona != "anonymous":
            http.force_login(world.persona(persona))
        with transaction.atomic():
            got[persona] = _request(http, row, world)
            transaction.set_rollback(True)
        if row.setup is not None:  # a setup may have changed the world's instances in memory
            for obj in vars(world).values():
                if hasattr(obj, "refresh_from_db"):
                    obj.refresh_from_db()
    expected = {**{p: row.expect.get(p) for p in PERSONAS}, "anonymous": 302}
    wrong = {p: f"expected {expected[p]}, got {got[p]}" for p in got if got[p] != expected[p]}
    assert not wrong, f"{row.label}: {wrong}"
