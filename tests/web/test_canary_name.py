"""The canary name (issue 14, "How well"): a name nobody else has, given to a client and to a
supporter, goes through every page each role reaches, the errors (403, 404, form errors, a 500
provoked on purpose), the sign-in, and every e-mail the app sends (notices, discharge,
invitation, password reset). Every log record of every logger is captured at DEBUG with the
production formatter, exception text included. The name must appear in 0 log lines and
0 e-mail subjects.

The pages are the access matrix's rows (tests/access_matrix/), so a new page is walked once it
has its row. Every request runs in a savepoint that is rolled back, as in the matrix.
"""

from __future__ import annotations

import ast
import logging
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse

from bridgeway.access import record
from bridgeway.clients.models import Match
from bridgeway.core.actors import Actor
from bridgeway.core.services import invitation_send
from tests import factories as f
from tests.access_matrix import PERSONAS, Row, collect_rows
from tests.safety.test_email_subjects import SENDERS

# Letters outside 0-9a-f: the suffix can never turn up inside a UUID or a hash by chance.
SUFFIX = "".join(secrets.choice("ghjkmnpqrstvwxyz") for _ in range(10))
CLIENT_GIVEN, CLIENT_FAMILY = f"Zqxcanary{SUFFIX}", f"Zqxfamily{SUFFIX}"
PEER_FIRST, PEER_LAST = f"Zqxpeer{SUFFIX}", f"Zqxpeerlast{SUFFIX}"
ROWS = collect_rows()


def _leaks(lines: list[str]) -> list[str]:
    return [line[:300] for line in lines if SUFFIX in line.lower()]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("factory"):  # the test's own factories, not the app
            self.lines.append(self.format(record))


def _production_logging_is_the_base_one() -> dict[str, Any]:
    """Production settings inherit LOGGING from base (this test runs with test settings, which
    do too); fail if production ever assigns its own, so this test follows it."""
    source = Path(__file__).resolve().parents[2] / "bridgeway" / "settings" / "production.py"
    assigned = {target.id for node in ast.walk(ast.parse(source.read_text()))
                if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name)}
    assert "LOGGING" not in assigned, "production LOGGING changed: capture it here"
    from bridgeway.settings import base
    assert settings.LOGGING == base.LOGGING
    return base.LOGGING


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every record of every logger at DEBUG, formatted as production formats it."""
    config = _production_logging_is_the_base_one()
    handler = _Lines()
    handler.setFormatter(logging.Formatter(config["formatters"]["plain"]["format"]))
    root = logging.getLogger()
    loggers = [root, *(lg for lg in logging.root.manager.loggerDict.values()
                       if isinstance(lg, logging.Logger))]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    # The console handler would print every DEBUG line of the walk; this handler sees them all.
    quiet = [(h, h.level) for lg in loggers for h in lg.handlers]
    for h, _level in quiet:
        h.setLevel(logging.CRITICAL + 1)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
        if lg is root or not lg.propagate:
            lg.addHandler(handler)
    logging.disable(logging.NOTSET)
    try:
        yield handler.lines
    finally:
        for h, level in quiet:
            h.setLevel(level)
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled
            lg.removeHandler(handler)


def _value(item: Any, world: Any) -> Any:
    return item(world) if callable(item) else item


def _send(http: HttpClient, world: Any, row: Row,
          change: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Any:
    """One request in a savepoint that is rolled back (as in the access matrix)."""
    with transaction.atomic():
        if row.setup is not None:
            row.setup(world)
        kwargs = dict(_value(row.kwargs, world) or {})
        path = reverse(row.url_name, kwargs=kwargs or None)
        body = {k: _value(v, world) for k, v in dict(_value(row.data, world) or {}).items()}
        if change is not None:
            body = change(body)
        response = getattr(http, row.method.lower())(path, body, headers=dict(row.headers))
        transaction.set_rollback(True)
    if row.setup is not None:
        for obj in vars(world).values():
            if hasattr(obj, "refresh_from_db"):
                obj.refresh_from_db()
    return response


def _invalid(data: dict[str, Any]) -> dict[str, Any]:
    """The valid post with impossible dates and the canary in every name or text field: the
    form comes back with errors and the canary in its values."""
    out = {}
    for key, value in data.items():
        text = str(value)
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            out[key] = "2024-02-31"
        elif any(part in key for part in ("name", "note", "text", "detail", "summary")):
            out[key] = f"{CLIENT_GIVEN} {CLIENT_FAMILY}"
        else:
            out[key] = value
    return out


def _canary_world(world: Any) -> None:
    client = world.client_a
    client.given_name, client.family_name = CLIENT_GIVEN, CLIENT_FAMILY
    client.save()
    user = world.supporter.user
    user.first_name, user.last_name = PEER_FIRST, PEER_LAST
    user.username, user.email = f"zqxpeer{SUFFIX}", f"zqxpeer{SUFFIX}@example.org"
    user.save()
    for other in (world.coord_a, world.coord_b, world.lead_a, world.staff_a, world.admin):
        other.email = f"{other.username}@example.org"
        other.save(update_fields=["email"])


def _walk_pages(world: Any) -> tuple[int, int]:
    """Every GET row as every persona (their pages, 403s and 404s), every form posted valid
    and invalid by a persona allowed to post it. (requests, pages showing the canary)."""
    requests = shown = 0
    clients = {}
    for persona in PERSONAS:
        clients[persona] = HttpClient()
        clients[persona].force_login(world.persona(persona))
    for row in ROWS:
        if row.method == "GET":
            for persona in PERSONAS:
                response = _send(clients[persona], world, row)
                requests += 1
                shown += SUFFIX in response.content.decode(errors="replace").lower()
            continue
        poster = next((p for p in PERSONAS if row.expect.get(p) in (200, 302)), None)
        if poster is None:
            continue
        for change in (None, _invalid, lambda valid: {}):
            _send(clients[poster], world, row, change)
            requests += 1
    anonymous = HttpClient()
    assert anonymous.get("/no-such-page/").status_code == 404
    return requests, shown


def _provoke_a_server_error(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug on the client page: Django's own ValueError names the model instance it was
    given. The 500 is logged with that exception's text."""
    def broken(access: Any) -> Any:
        return Match(enrolment=access.client)  # a client where an enrolment belongs

    monkeypatch.setattr(record, "build", broken)
    http = HttpClient(raise_request_exception=False)
    http.force_login(world.coord_a)
    response = http.get(reverse("clients:detail", kwargs={"public_id": world.client_a.public_id}))
    assert response.status_code == 500
    monkeypatch.undo()


def _sign_in_failures(world: Any) -> None:
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        http.post(reverse("login"), {"username": world.supporter.user.username,
                                     "password": f"wrong-{CLIENT_GIVEN}"})
    http.post(reverse("login"), {"username": CLIENT_GIVEN, "password": "x"})


def _send_every_email(world: Any, capture: Any) -> list[str]:
    subjects: list[str] = []
    for send in SENDERS:  # notices: discharge, expected discharge, stay, alerts, incidents...
        with transaction.atomic():
            with capture(execute=True):
                send(world)
            subjects += [m.subject for m in mail.outbox]
            mail.outbox.clear()
            transaction.set_rollback(True)
        for obj in vars(world).values():
            if hasattr(obj, "refresh_from_db"):
                obj.refresh_from_db()
    invited = f.UserFactory(username=f"zqxinvite{SUFFIX}", first_name=PEER_FIRST,
                            last_name=CLIENT_FAMILY, email=f"zqxinvite{SUFFIX}@example.org")
    invited.set_unusable_password()
    invited.save()
    invitation_send(actor=Actor(user=world.admin, role="administrator"), user=invited)
    HttpClient().post(reverse("password_reset"), {"email": world.supporter.user.email})
    return subjects + [m.subject for m in mail.outbox]


# Logs and subjects are written by the app, not the database: once, in the SQLite pass.
@pytest.mark.one_pass
def test_the_canary_name_reaches_no_log_line_and_no_email_subject(
        world, log_lines, django_capture_on_commit_callbacks, monkeypatch):
    _canary_world(world)
    requests, shown = _walk_pages(world)
    _provoke_a_server_error(world, monkeypatch)
    _sign_in_failures(world)
    subjects = _send_every_email(world, django_capture_on_commit_callbacks)

    # The walk did meet the canary and did log: the zero below is not an empty test.
    assert requests > 1000 and shown >= 20, (requests, shown)
    assert any("Internal Server Error" in line for line in log_lines)
    assert any("Forbidden" in line for line in log_lines)
    assert any("Not Found" in line for line in log_lines)
    assert len(subjects) >= len(SENDERS) + 2, subjects
    print(f"canary: {requests} requests, {shown} pages showing it, {len(log_lines)} log lines, "
          f"{len(subjects)} e-mails")
    assert _leaks(log_lines) == []
    assert _leaks(subjects) == []
