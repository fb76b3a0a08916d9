"""Sign-in under guessing: lockout per account and per address, and the audit of each attempt.

Two attacks through the real sign-in form (Django's LoginView behind django-axes, the audit
receivers, the lockout page), on a fresh database with the production lockout settings:

1. one address, one account: 100 wrong passwords, then the right one;
2. one address, 20 accounts in turn: 100 wrong passwords (5 per account), then every
   account's right password from that address.

It reports after how many failures each lock took hold, how many sign-ins succeeded after
that (target 0), and whether every attempt left exactly one "sign_in_failed" audit event (and
no password in any event). The last line:
    signin: account_locked_after=<n> address_locked_after=<n> success_after_lockout=<n> audited=<n>/<n>

There is no speed target here, so no baseline: the figures are counts. It also prints the
time per refused attempt, for operations (a lockout must stay cheap under a flood).

Run: `.venv/bin/python bench/signin.py` (SQLite in memory; BENCH_DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ATTEMPTS = 100
ACCOUNTS = 20
PASSWORD = "the-right-password-42"  # noqa: S105 — synthetic accounts of this run only


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgeway.settings.test")
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        os.environ.setdefault("BRIDGEWAY_TEST_DB_SUFFIX", "_bench_signin")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    connection.creation.create_test_db(verbosity=0)


def attempt(username: str, password: str, address: str) -> int:
    from django.test import Client

    response = Client().post("/accounts/login/", {"username": username, "password": password},
                             REMOTE_ADDR=address)
    return int(response.status_code)


def main() -> None:
    setup()
    from django.conf import settings

    from bridgeway.audit.models import AuditEvent
    from bridgeway.core.models import User

    users = [User.objects.create_user(username=f"bench_user{i}", password=PASSWORD)
             for i in range(ACCOUNTS + 1)]
    account_limit = settings.AXES_FAILURE_LIMIT
    address_limit = settings.BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES
    print(f"limits: account={account_limit} address={address_limit} "
          f"cool-off={settings.AXES_COOLOFF_TIME}")

    # 1. One account, one address.
    victim = users[0].username
    statuses = [attempt(victim, f"guess-{i}", "203.0.113.10") for i in range(ATTEMPTS)]
    account_locked_after = statuses.index(429) + 1 if 429 in statuses else 0
    right_one = attempt(victim, PASSWORD, "203.0.113.10")
    from_elsewhere = attempt(victim, PASSWORD, "198.51.100.77")
    success_1 = [right_one, from_elsewhere].count(302) + statuses[account_locked_after:].count(302)
    print(f"one account: locked at failure {account_locked_after} of {ATTEMPTS}; then the right "
          f"password: {right_one} (same address), {from_elsewhere} (another address)")

    # 2. Twenty accounts in turn, one address.
    names = [u.username for u in users[1:]]
    start = time.perf_counter()
    statuses2 = [attempt(names[i % ACCOUNTS], f"guess-{i}", "203.0.113.20")
                 for i in range(ATTEMPTS)]
    per_attempt_ms = (time.perf_counter() - start) / ATTEMPTS * 1000
    address_locked_after = statuses2.index(429) + 1 if 429 in statuses2 else 0
    rights = [attempt(name, PASSWORD, "203.0.113.20") for name in names]
    success_2 = rights.count(302) + statuses2[address_locked_after:].count(302)
    print(f"20 accounts: address locked at failure {address_locked_after} of {ATTEMPTS}; then "
          f"the right passwords from it: {rights.count(302)} of {ACCOUNTS} signed in; "
          f"{per_attempt_ms:.1f} ms per attempt")

    # Every attempt audited once; no password in any event.
    tried = ATTEMPTS * 2 + 2 + ACCOUNTS
    failed = AuditEvent.objects.filter(category="sign_in", action="sign_in_failed").count()
    signed_in = AuditEvent.objects.filter(category="sign_in", action="sign_in").count()
    leaked = sum(AuditEvent.objects.filter(detail__contains=text).count()
                 for text in (PASSWORD, "guess-"))
    audited = failed + signed_in
    lockouts = AuditEvent.objects.filter(category="sign_in", action="lockout").count()
    print(f"audit: {failed} failures + {signed_in} sign-ins for {tried} attempts; "
          f"{lockouts} lockout events; events containing a password: {leaked}")
    print(f"signin: account_locked_after={account_locked_after} "
          f"address_locked_after={address_locked_after} "
          f"success_after_lockout={success_1 + success_2} "
          f"audited={audited}/{tried}")


if __name__ == "__main__":
    main()
