"""The demo's sign-ins: one per role, the people of SCENARIOS.md."""

from __future__ import annotations

from bridgeway.core.models import User

# (role, username, what to try first).
DEMO_LOGINS: tuple[tuple[str, str, str], ...] = (
    ("Peer support coordinator", "sam",
     "Riverside site: the waitlist (Daniel waits), run matching, end Maya's match"),
    ("Ward staff (nurse)", "priya",
     "Riverside acute ward: refer a client, set Daniel's discharge date"),
    ("Peer supporter", "jordan", "On a phone: My clients; log a contact"),
    ("Peer supporter", "alex", "French-speaking supporter with two free places"),
    ("Site lead", "morgan", "Riverside site: enrolments, outcomes"),
    ("Evaluator", "lee", "Aggregates only: the evaluation dashboard"),
    ("Privacy officer", "noor",
     "Riverside Hospital: who accessed Daniel's record, what Priya accessed (CSV export)"),
    ("Administrator", "admin", "Organisations, accounts, audit; Django admin at /admin/"),
)


def present_logins() -> list[tuple[str, str, str]]:
    """The demo logins whose account exists and is active in this database."""
    present = set(User.objects.filter(username__in=[u for _, u, _ in DEMO_LOGINS],
                                      is_active=True).values_list("username", flat=True))
    return [login for login in DEMO_LOGINS if login[1] in present]
