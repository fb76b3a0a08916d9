"""Audit tests keep their chain heads in a temporary file and leave SQLite's tables empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .forge import empty_audit_tables


@pytest.fixture(autouse=True)
def head_file(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "audit-head.txt"
    settings.BRIDGEWAY_AUDIT_HEAD_FILE = str(path)
    return path


@pytest.fixture(autouse=True)
def _empty_audit_after_transactional_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """SQLite flushes with DELETE, which the append-only triggers refuse."""
    transactional = "transactional_db" in request.fixturenames
    if transactional:
        # Set up before this fixture, so its flush runs after the emptying below.
        request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if transactional and connection.vendor == "sqlite":
        empty_audit_tables()
