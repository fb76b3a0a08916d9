"""The audit keys: their own setting, never SECRET_KEY; production refuses missing or weak ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bridgeway.settings.env import env_keyring

ROOT = Path(__file__).resolve().parents[2]
KEY_1 = "k1-" + "a" * 40
KEY_2 = "k2-" + "b" * 40
PRODUCTION = {
    "DJANGO_SECRET_KEY": "s" * 50,
    "DJANGO_ALLOWED_HOSTS": "bridgeway.example.org",
    "DATABASE_URL": "postgres://bridgeway@db.example.org:5432/bridgeway",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "bridgeway@example.org",
    "BRIDGEWAY_BASE_URL": "https://bridgeway.example.org",
    "BRIDGEWAY_AUDIT_KEYS": f"1:{KEY_1}",
    # The other keys production requires, each its own (settings/production.py refuses reuse).
    "BRIDGEWAY_FIELD_KEYS": "1:" + "f" * 44,
    "BRIDGEWAY_PSEUDONYM_KEY": "p" * 44,
    "BRIDGEWAY_BACKUP_KEYS": "1:" + "k" * 44,
}
PROBE = """
import sys
from django.core.exceptions import ImproperlyConfigured
try:
    import bridgeway.settings.production as s
except ImproperlyConfigured as exc:
    print("IMPROPERLY:" + str(exc)); sys.exit(3)
print("OK", sorted(s.BRIDGEWAY_AUDIT_KEYS))
"""


def _production(**changes: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env.update(PRODUCTION)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    # A fixed command: this interpreter running the constant probe above.
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,  # noqa: S603 — constant probe
                          capture_output=True, text=True, timeout=60, check=False)


def test_keyring_parses_epochs(monkeypatch) -> None:
    monkeypatch.setenv("AUDIT_KEYS_TEST", f"1:{KEY_1}, 2:{KEY_2}")
    assert env_keyring("AUDIT_KEYS_TEST") == {1: KEY_1, 2: KEY_2}


def test_keyring_reads_a_file(monkeypatch, tmp_path) -> None:
    secret = tmp_path / "audit_keys"
    secret.write_text(f"3:{KEY_1}\n")
    monkeypatch.setenv("AUDIT_KEYS_TEST_FILE", str(secret))
    assert env_keyring("AUDIT_KEYS_TEST") == {3: KEY_1}


@pytest.mark.parametrize(("raw", "message"), [
    ("", "is empty"),
    ("   ", "is empty"),
    (KEY_1, "<epoch>:<key>"),
    (f"0:{KEY_1}", "<epoch>:<key>"),
    ("1:short", "shorter than 32"),
    (f"1:{KEY_1},1:{KEY_2}", "epoch 1 is given twice"),
])
def test_keyring_refuses_bad_values_without_showing_the_key(monkeypatch, raw, message) -> None:
    monkeypatch.setenv("AUDIT_KEYS_TEST", raw)
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        env_keyring("AUDIT_KEYS_TEST")
    assert "a" * 40 not in str(caught.value) and "b" * 40 not in str(caught.value)


def test_production_loads_with_its_own_audit_key() -> None:
    result = _production(BRIDGEWAY_AUDIT_KEYS=f"1:{KEY_1},2:{KEY_2}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK [1, 2]"


@pytest.mark.parametrize(("value", "message"), [
    (None, "BRIDGEWAY_AUDIT_KEYS is required"),
    ("", "BRIDGEWAY_AUDIT_KEYS is empty"),
    ("1:" + "s" * 50, "must not contain DJANGO_SECRET_KEY"),
    ("1:development-only-audit-key-never-use-in-production", "development audit key"),
])
def test_production_refuses_a_missing_empty_or_borrowed_audit_key(value, message) -> None:
    result = _production(BRIDGEWAY_AUDIT_KEYS=value)
    assert result.returncode == 3, result.stdout + result.stderr
    assert message in result.stdout


def test_production_refuses_an_empty_head_file() -> None:
    result = _production(BRIDGEWAY_AUDIT_HEAD_FILE="")
    assert result.returncode == 3
    assert "BRIDGEWAY_AUDIT_HEAD_FILE is empty" in result.stdout
