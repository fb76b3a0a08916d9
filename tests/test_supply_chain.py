"""scripts/security.py: bandit has nothing unexplained; the dependency check never passes
silently when it could not check."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("security", ROOT / "scripts" / "security.py")
assert spec and spec.loader
security = importlib.util.module_from_spec(spec)
spec.loader.exec_module(security)


@pytest.fixture
def advisories(tmp_path, monkeypatch):
    path = tmp_path / "advisories.json"
    monkeypatch.setattr(security, "ADVISORIES", path)
    monkeypatch.setattr(security, "ROOT", tmp_path)
    monkeypatch.setattr(security, "pins", lambda: {"django": "5.2.19", "requests": "2.0"})

    def write(packages, fetched="2026-11-20"):
        path.write_text(json.dumps({"fetched": fetched, "packages": packages}))

    return write


CLEAN = {"django": {"version": "5.2.19", "vulnerabilities": []},
         "requests": {"version": "2.0", "vulnerabilities": []}}


def test_a_missing_file_is_a_failure_not_a_pass(advisories, capsys):
    assert security.check_deps(date(2026, 12, 1)) == 2
    assert "CANNOT CHECK" in capsys.readouterr().out


def test_stale_advisories_fail(advisories, capsys):
    advisories(CLEAN, fetched="2026-01-01")
    assert security.check_deps(date(2026, 12, 1)) == 2
    assert "days ago" in capsys.readouterr().out


def test_clean_and_fresh_passes(advisories, capsys):
    advisories(CLEAN)
    assert security.check_deps(date(2026, 12, 1)) == 0
    assert "2 pinned" in capsys.readouterr().out


def test_a_package_missing_from_the_data_or_at_another_version_is_not_checked(advisories,
                                                                             capsys):
    advisories({"django": {"version": "5.2.18", "vulnerabilities": []}})
    assert security.check_deps(date(2026, 12, 1)) == 1
    out = capsys.readouterr().out
    assert "NOT CHECKED: django==5.2.19" in out and "NOT CHECKED: requests==2.0" in out


def test_a_fetch_error_is_not_checked(advisories, capsys):
    advisories(CLEAN | {"requests": {"version": "2.0", "error": "fetch failed: timeout"}})
    assert security.check_deps(date(2026, 12, 1)) == 1
    assert "fetch failed" in capsys.readouterr().out


def test_a_known_vulnerability_fails(advisories, capsys):
    advisories(CLEAN | {"requests": {"version": "2.0", "vulnerabilities": [
        {"id": "PYSEC-0000-1", "fixed_in": ["2.1"]}]}})
    assert security.check_deps(date(2026, 12, 1)) == 1
    assert "VULNERABLE: requests==2.0: PYSEC-0000-1 (fixed in 2.1)" in capsys.readouterr().out


def test_every_nosec_in_the_code_names_its_test_and_says_why():
    assert security.unexplained_nosec(ROOT / "bridgeway") == []
    assert security.NOSEC_EXPLAINED.match(" B608 — table names come from the models")
    assert not security.NOSEC_EXPLAINED.match(" B608")
    assert not security.NOSEC_EXPLAINED.match("")


def test_the_lock_file_pins_are_read():
    real = security.pins()
    assert real["django"] and real["bandit"] == "1.9.4"
