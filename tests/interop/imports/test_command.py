"""`bridgeway import <kind> FILE [--dry-run]`: counts on success, every bad row and exit 1 on
refusal, and no name in its output."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bridgeway.clients.models import Client

from .helpers import CLIENTS_HEADER

pytestmark = pytest.mark.django_db


def test_import_dry_run_then_real_then_refused(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "clients.csv"
    good.write_text(CLIENTS_HEADER + "C1,Élise,Côté,1980-02-21,,,,\n", encoding="utf-8")
    before = Client.objects.count()
    out = StringIO()
    call_command("import", "clients", str(good), "--dry-run", "--source", "cli", stdout=out)
    assert "Would write 1 row(s): 1 new" in out.getvalue()
    assert Client.objects.count() == before
    out = StringIO()
    call_command("import", "clients", str(good), "--source", "cli", stdout=out)
    assert "Imported 1 row(s): 1 new" in out.getvalue()
    assert Client.objects.count() == before + 1
    bad = tmp_path / "bad.csv"
    bad.write_text(CLIENTS_HEADER + "C2,Zoë,Roy,1980-02-30,,,,\nC3,=Zoë(),Roy,1980-01-01,,,,\n",
                   encoding="utf-8")
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "clients", str(bad), "--source", "cli", stdout=out)
    assert exit_.value.code == 1
    text = out.getvalue()
    assert "Refused" in text and "This date does not exist." in text
    assert "Zoë" not in text and "Élise" not in text
