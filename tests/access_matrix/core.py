"""Access-matrix rows for bridgeway.core.urls (home and the administrator home)."""

from __future__ import annotations

from . import Row, everyone

ROWS = [
    # "/": the landing page.
    Row("home", "GET", expect=everyone(200)),
]
