"""The audit pages speak the reader's language: every action and category code the services
write has a label, every label is translated, and the French page shows no English code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from bridgeway.access.policy import Action
from bridgeway.web.audit import labels

ROOT = Path(__file__).resolve().parents[2] / "bridgeway"
# Codes passed positionally to a module's own small audit helper (not `action="..."`).
POSITIONAL = {"in_charge", "bridging_start", "bridging_established", "checklist",
              "outreach_open", "outreach_step", "outreach_close", "grant", "deactivate",
              "reactivate", "invite", "revoke", "training", "training_update", "training_delete",
              "sign_in", "sign_out", "sign_in_failed", "lockout", "import", "import_preview",
              "import_rejected", "2fa_enabled", "2fa_removed", "2fa_verified", "2fa_failed",
              "2fa_setup_failed", "2fa_recovery_codes_renewed"}

SAME_IN_FRENCH = {"—", "", "Supervision"}


def _written(pattern: str) -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" not in path.parts:
            found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_written_action_has_a_label():
    codes = _written(r'\baction="([a-z0-9_]+)"') - {"store_true"}
    codes |= {a.value for a in Action} | POSITIONAL
    assert codes - set(labels.ACTIONS) == set()


def test_every_written_category_has_a_label():
    assert _written(r'\bcategory="([a-z_]+)"') - set(labels.CATEGORIES) == set()


@pytest.mark.parametrize("table", ["ACTIONS", "CATEGORIES", "ROLES"])
def test_every_label_is_translated(table):
    untranslated = []
    for code, label in getattr(labels, table).items():
        english = str(label)
        with translation.override("fr"):
            french = str(label)
        if english not in SAME_IN_FRENCH and french == english:
            untranslated.append(code)
    assert not untranslated


def test_the_client_access_page_in_french(world, login):
    client = login("coord_a")
    client.get(reverse("clients:detail", kwargs={"public_id": world.client_a.public_id}))
    page = client.get(reverse("audit:client_log", kwargs={"public_id": world.client_a.public_id}),
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("fr"):
        viewed, coordinator = str(labels.ACTIONS["view"]), labels.role_label("coordinator")
        allowed = translation.gettext("Allowed")
    assert viewed in page and coordinator in page and allowed in page
    for english in (">Viewed", ">Coordinator<", ">Allowed<"):
        assert english not in page
