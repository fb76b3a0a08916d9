"""Log lines carry no names: records print by public id, template debug lines drop the
context (bridgeway/core/logs.py). The whole-app check is tests/web/test_canary_name.py."""

from __future__ import annotations

import logging

import pytest
from django.template import Context, Template

from bridgeway.core.logs import WithoutTemplateContext
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_records_print_by_public_id_not_by_name():
    client = f.ClientFactory(given_name="Canaryname", family_name="Canaryfamily")
    user = f.UserFactory(username="canary.user", first_name="Canaryname")
    assert repr(client) == f"<Client {client.public_id}>"
    assert repr(user) == f"<User {user.public_id}>"
    assert "Canary" not in repr([client, user]) and str(client) == "Canaryname Canaryfamily"


def test_a_missing_template_variable_is_logged_without_the_context(caplog):
    client = f.ClientFactory(given_name="Canaryname")
    with caplog.at_level(logging.DEBUG, logger="django.template"):
        Template("{{ client.given_name }}{{ missing }}").render(Context({"client": client}))
    record = next(r for r in caplog.records if "missing" in r.getMessage())
    assert record.exc_info is None and "Canaryname" not in caplog.text
    assert any(isinstance(f, WithoutTemplateContext)
               for f in logging.getLogger("django.template").filters)
