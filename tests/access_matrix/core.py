"""Access-matrix rows for bridgeway.core.urls (landing page and the administrator home)."""

from __future__ import annotations

from . import Row, everyone

ROWS = [
    # "/" sends everyone with a role to the home page of their first role.
    Row("home", "GET", expect=everyone(302)),
    Row("admin_home", "GET", expect=everyone(403, admin=200)),
    Row("admin_home", "GET", data={"username": "staff_a"}, expect=everyone(403, admin=302),
        note="user lookup"),
]
