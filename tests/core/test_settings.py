"""Production settings refuse to start without their required values; env helpers parse."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bridgeway.settings.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "bridgeway.example.org",
    "DATABASE_URL": "postgres://bridgeway@db.example.org:5432/bridgeway",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "bridgeway@example.org",
    "BRIDGEWAY_BASE_URL": "https://bridgeway.example.org",
    "BRIDGEWAY_AUDIT_KEYS": "1:" + "k" * 40,
    "BRIDGEWAY_PSEUDONYM_KEY": "p" * 40,
    "BRIDGEWAY_BACKUP_KEYS": "1:" + "b" * 40,
    "BRIDGEWAY_FIELD_KEYS": "1:" + "f" * 40,
}
# Import the production settings in a clean interpreter and report what happened.
PROBE = """
import sys
from django.core.exceptions import ImproperlyConfigured
try:
    import bridgeway.settings.production as s
except ImproperlyConfigured as exc:
    print("IMPROPERLY:" + str(exc)); sys.exit(3)
print("OK", s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES["default"]["ENGINE"], s.SESSION_COOKIE_AGE,
      s.SESSION_COOKIE_SECURE)
"""


def _probe(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    clean.update(env)
    # A fixed command: this interpreter running the constant probe above.
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,  # noqa: S603 — runs this interpreter on a fixed probe
                          capture_output=True, text=True, timeout=60, check=False)


def test_production_settings_load_with_every_required_value() -> None:
    result = _probe(REQUIRED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["OK", "False", "['bridgeway.example.org']",
                                     "django.db.backends.postgresql", "900", "True"]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS",
                                     "BRIDGEWAY_FIELD_KEYS"])
def test_production_settings_refuse_to_load_without(missing: str) -> None:
    env = {k: v for k, v in REQUIRED.items() if k != missing}
    result = _probe(env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"IMPROPERLY:The environment variable {missing} is required." in result.stdout


@pytest.mark.parametrize("reused", ["secret", "audit", "development"])
def test_production_settings_refuse_a_field_key_shared_with_another_secret(reused: str) -> None:
    key = {"secret": REQUIRED["DJANGO_SECRET_KEY"], "audit": "k" * 40,
           "development": "development-only-field-key-never-use-in-production"}[reused]
    result = _probe({**REQUIRED, "BRIDGEWAY_FIELD_KEYS": f"1:{'f' * 40},2:{key}"})
    assert result.returncode == 3, result.stdout + result.stderr
    assert "BRIDGEWAY_FIELD_KEYS must not contain" in result.stdout


def test_env_str_reads_value_default_and_file(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.delenv("BW_TEST", raising=False)
    monkeypatch.delenv("BW_TEST_FILE", raising=False)
    assert env_str("BW_TEST", "fallback") == "fallback"
    with pytest.raises(ImproperlyConfigured, match="BW_TEST is required"):
        env_str("BW_TEST")
    monkeypatch.setenv("BW_TEST", "value")
    assert env_str("BW_TEST") == "value"
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("BW_TEST_FILE", str(secret))
    assert env_str("BW_TEST") == "from-a-file"  # the *_FILE form wins (container secrets)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("YES", True),
                                               ("on", True), ("0", False), ("false", False),
                                               ("No", False), ("off", False)])
def test_env_bool_parses(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("BW_FLAG", raw)
    assert env_bool("BW_FLAG") is expected


def test_env_bool_default_and_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BW_FLAG", raising=False)
    assert env_bool("BW_FLAG", True) is True
    assert env_bool("BW_FLAG", False) is False
    with pytest.raises(ImproperlyConfigured):
        env_bool("BW_FLAG")
    monkeypatch.setenv("BW_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="boolean"):
        env_bool("BW_FLAG", True)


def test_env_int_and_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BW_NUM", raising=False)
    assert env_int("BW_NUM", 15) == 15
    monkeypatch.setenv("BW_NUM", "30")
    assert env_int("BW_NUM", 15) == 30
    monkeypatch.setenv("BW_NUM", "thirty")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("BW_NUM", 15)
    monkeypatch.delenv("BW_HOSTS", raising=False)
    assert env_list("BW_HOSTS", ["a", "b"]) == ["a", "b"]
    monkeypatch.setenv("BW_HOSTS", " one.example.org, two.example.org ,,")
    assert env_list("BW_HOSTS") == ["one.example.org", "two.example.org"]
    with pytest.raises(ImproperlyConfigured):
        monkeypatch.delenv("BW_HOSTS")
        env_list("BW_HOSTS")


@pytest.mark.parametrize("empty", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS",
                                   "EMAIL_HOST", "DEFAULT_FROM_EMAIL", "BRIDGEWAY_BASE_URL"])
@pytest.mark.parametrize("value", ["", "   "])
def test_production_settings_refuse_an_empty_required_value(empty: str, value: str) -> None:
    result = _probe({**REQUIRED, empty: value})
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"IMPROPERLY:The environment variable {empty} is required and {empty} is empty" in (
        result.stdout)


def test_production_settings_refuse_a_host_list_of_only_commas() -> None:
    result = _probe({**REQUIRED, "DJANGO_ALLOWED_HOSTS": " , ,"})
    assert result.returncode == 3
    assert "DJANGO_ALLOWED_HOSTS is required and lists nothing" in result.stdout


def test_production_settings_refuse_a_malformed_database_url_without_echoing_it() -> None:
    result = _probe({**REQUIRED, "DATABASE_URL": "pgsq://bridgeway:hunter2-secret@db/bw"})
    assert result.returncode == 3
    assert "IMPROPERLY:DATABASE_URL is not a database URL" in result.stdout
    assert "hunter2" not in result.stdout + result.stderr


def _check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    # A realistic secret (50+ varied characters), so W009 judges the setting, not the fixture.
    clean.update({**REQUIRED, "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
                  "DJANGO_SETTINGS_MODULE": "bridgeway.settings.production", **extra})
    return subprocess.run(  # noqa: S603 — this interpreter running Django's own check command
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_with_production_settings_gives_no_warning() -> None:
    result = _check_deploy({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_hsts_preload_is_turned_off() -> None:
    result = _check_deploy({"DJANGO_HSTS_PRELOAD": "0", "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "0"})
    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr


@pytest.mark.parametrize("value", ["", "short", "x" * 50, "k" * 40])
def test_production_refuses_a_weak_or_shared_pseudonym_key(value: str) -> None:
    result = _probe(REQUIRED | {"BRIDGEWAY_PSEUDONYM_KEY": value})
    assert result.returncode == 3, result.stdout + result.stderr
    assert "BRIDGEWAY_PSEUDONYM_KEY" in result.stdout
