"""`bridgeway demo-logins`: one demo login per role, read from the database."""

from __future__ import annotations

from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from bridgeway.demo.context import DEMO_PASSWORD
from bridgeway.demo.logins import present_logins


class Command(BaseCommand):
    help = "Print one demo login per role (all share the demo password)."
    # `make demo` runs `migrate` (which runs the checks) just before; skipping them here
    # avoids importing every view (and the heavy libraries they use) a second time.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper is file-like (write/flush); rich only needs that.
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        logins = present_logins()
        if not logins:
            console.print("No demo users found. Load them with: bridgeway demo-data --seed 1")
            return
        table = Table(title=f"Demo logins — password for all: {DEMO_PASSWORD}")
        table.add_column("role")
        table.add_column("username")
        table.add_column("try first")
        for role, username, note in logins:
            table.add_row(role, username, note)
        console.print(table)
        console.print("Open http://127.0.0.1:8000/ and sign in. All data is synthetic.")
        if not settings.BRIDGEWAY_2FA_ENFORCED:
            console.print("Two-step verification is not enforced with these settings (demo); "
                          "production requires it for administrators, coordinators, site leads "
                          "and evaluators (docs/decisions/0015).")
