"""The demo's two doors: `demo-data` parses, runs the demo package and reports; `demo-logins`
prints one login per role from the database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bridgeway.audit.models import AuditEvent
from bridgeway.clients.models import Client
from bridgeway.contacts.models import Contact
from bridgeway.demo.context import DEMO_PASSWORD
from bridgeway.demo.run import run_demo

pytestmark = pytest.mark.django_db


def test_command_runs_the_steps_until_the_chosen_one_audits_once_and_respects_if_empty() -> None:
    out = StringIO()
    call_command("demo_data", seed=3, until="foundation", stdout=out)
    text = out.getvalue()
    assert "clients.Client" in text and "seed 3" in text and "foundation" in text
    assert not Contact.objects.exists()  # the steps after it did not run
    event = AuditEvent.objects.get(category="demo_data")
    assert event.actor_username == "system" and "synthetic" in event.detail
    assert "steps:foundation" in event.detail
    clients = Client.objects.count()
    out = StringIO()
    call_command("demo_data", seed=3, if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Client.objects.count() == clients
    assert AuditEvent.objects.filter(category="demo_data").count() == 1


def test_an_unknown_step_is_refused_before_anything_is_written() -> None:
    with pytest.raises(CommandError):
        call_command("demo_data", "--seed", "3", "--until", "no_such_step", stdout=StringIO())
    with pytest.raises(ValueError, match="no_such_step"):
        run_demo(3, until="no_such_step")
    assert not Client.objects.exists()


def test_demo_logins_prints_one_login_per_role() -> None:
    run_demo(1, until="foundation")
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for username in ("sam", "priya", "jordan", "alex", "morgan", "lee", "noor", "admin"):
        assert username in text
    assert DEMO_PASSWORD in text


def test_demo_logins_without_data_says_how_to_load() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "demo-data" in out.getvalue()
