"""`bridgeway demo-logins`: one demo login per role, read from the database."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from bridgeway.core.demo import DEMO_PASSWORD
from bridgeway.core.models import User

# (role, username, what to try first): the people of SCENARIOS.md.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("Peer support coordinator", "sam",
     "Riverside site: the waitlist (Daniel waits), run matching, end Maya's match"),
    ("Ward staff (nurse)", "priya",
     "Riverside acute ward: refer a client, set Daniel's discharge date"),
    ("Peer supporter", "jordan", "On a phone: My clients; log a contact"),
    ("Peer supporter", "alex", "French-speaking supporter with two free places"),
    ("Site lead", "morgan", "Riverside site: enrolments, outcomes"),
    ("Evaluator", "lee", "Aggregates only: the evaluation dashboard"),
    ("Administrator", "admin", "Organisations, accounts, audit; Django admin at /admin/"),
]


class Command(BaseCommand):
    help = "Print one demo login per role (all share the demo password)."
    # `make demo` runs `migrate` (which runs the checks) just before; skipping them here
    # avoids importing every view (and the heavy libraries they use) a second time.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper is file-like (write/flush); rich only needs that.
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        present = set(User.objects.filter(username__in=[u for _, u, _ in DEMO_LOGINS],
                                           is_active=True).values_list("username", flat=True))
        if not present:
            console.print("No demo users found. Load them with: bridgeway demo-data --seed 1")
            return
        table = Table(title=f"Demo logins — password for all: {DEMO_PASSWORD}")
        table.add_column("role")
        table.add_column("username")
        table.add_column("try first")
        for role, username, note in DEMO_LOGINS:
            if username in present:
                table.add_row(role, username, note)
        console.print(table)
        console.print("Open http://127.0.0.1:8000/ and sign in. All data is synthetic.")
