"""Hypothesis profiles for the consent properties (docs/privacy.md, "Consent, proven").

`ci` (the default): 500 examples, every surface rendered in each, so every surface gets 500.
`dev`: 60 examples for a quick local run (`HYPOTHESIS_PROFILE=dev`). No deadline: a page
render under a loaded machine is not a finding; the data is rebuilt in each example.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, Phase, settings

from bridgeway.clients.models import Match
from bridgeway.contacts.models import CalendarFeed

_COMMON = {"deadline": None, "derandomize": False, "database": None,
           "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=500, **_COMMON)
settings.register_profile("dev", max_examples=60, **_COMMON)
# Find a failure fast, unshrunk (a slow machine): HYPOTHESIS_PROFILE=quick.
settings.register_profile("quick", max_examples=40, phases=[Phase.generate], **_COMMON)
CONSENT_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")


@pytest.fixture
def viewers(world: Any) -> dict[str, tuple[HttpClient, Any, str]]:
    """The matched supporter and another supporter at the site: signed in, with an e-mail
    address and a live calendar feed each."""
    # The persona client's match ends: the drawn client is the supporter's only client, so a
    # marker on a list page can only be the drawn client's.
    Match.objects.filter(pk=world.match_a.pk).update(status=Match.Status.ENDED)
    out = {}
    for name, profile in (("supporter", world.supporter), ("other", world.other_supporter)):
        profile.user.email = f"{profile.user.username}@example.org"
        profile.user.save(update_fields=["email"])
        http = HttpClient()
        http.force_login(profile.user)
        feed = CalendarFeed.objects.create(supporter=profile)
        out[name] = (http, profile.user, feed.token)
    return out
