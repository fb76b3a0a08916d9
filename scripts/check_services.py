"""Fail early, with how to fix it, when PostgreSQL or Chromium is missing (tests never skip)."""

from __future__ import annotations

import shutil
import sys

import psycopg

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    problems = []
    url = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        problems.append(
            f"PostgreSQL is not reachable at {url} ({exc.__class__.__name__}).\n"
            "  Start it (e.g. `pg_ctlcluster 15 main start`) or set TEST_DATABASE_URL."
        )
    if not shutil.which("chromium") and not shutil.which(CHROMIUM):
        problems.append(
            "Chromium is missing; the browser tests need it.\n"
            "  Install it with `apt-get install -y chromium` (Debian)."
        )
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
