"""scripts/security.py: bandit has nothing unexplained; the dependency check evaluates every pin
against OSV data, fails on what it finds and on what it cannot evaluate, and says how old its
data is on every run (decision 0021)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import textwrap
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("security", ROOT / "scripts" / "security.py")
assert spec and spec.loader
security = importlib.util.module_from_spec(spec)
spec.loader.exec_module(security)

GIT = shutil.which("git") or "git"
TODAY = date(2024, 10, 20)   # 30 days after the newest fabricated entry at most
DJANGO_SQL_INJECTION = """\
    id: PYSEC-2021-109
    summary: QuerySet.order_by SQL injection
    aliases: [CVE-2021-35042]
    modified: "2024-09-20T00:00:00Z"
    affected:
    - package: {name: Django, ecosystem: PyPI}
      ranges:
      - type: ECOSYSTEM
        events: [{introduced: "3.1"}, {fixed: "3.1.13"}, {introduced: "3.2"}, {fixed: "3.2.5"}]
      - type: GIT
        repo: https://github.com/django/django
        events: [{introduced: "0"}, {fixed: "0a1b2c3"}]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A fabricated lock file, advisory collection and advisories file."""
    monkeypatch.setattr(security, "ROOT", tmp_path)
    monkeypatch.setattr(security, "LOCK", tmp_path / "requirements.lock")
    monkeypatch.setattr(security, "ADVISORIES", tmp_path / "security" / "advisories.json")
    collection = tmp_path / "osv"
    collection.mkdir()

    class Project:
        def lock(self, *lines: str) -> None:
            security.LOCK.write_text("# pins\n" + "\n".join(lines) + "\n")

        def advisory(self, package: str, text: str) -> None:
            (collection / package).mkdir(exist_ok=True)
            entry_id = text.split("\n")[0].split(": ")[1]
            (collection / package / f"{entry_id}.yaml").write_text(textwrap.dedent(text))

        def fetch(self) -> int:
            return security.fetch(collection, "https://example.org/osv")

        def deps(self, today: date = TODAY, **options) -> int:
            return security.check_deps(today, **{"max_age": 30, **options})

    return Project()


def test_a_missing_file_is_a_failure_not_a_pass(project, capsys):
    project.lock("Django==5.2.19")
    assert project.deps() == 2
    assert "CANNOT CHECK" in capsys.readouterr().out


def test_a_known_vulnerable_pin_is_reported_and_fails(project, capsys):
    project.lock("Django==3.2.0", "asgiref==3.8.1")
    project.advisory("django", DJANGO_SQL_INJECTION)
    assert project.fetch() == 0
    assert project.deps() == 1
    out = capsys.readouterr().out
    assert ("VULNERABLE: django==3.2.0: PYSEC-2021-109 (CVE-2021-35042), fixed in 3.2.5" in out)
    assert "1 vulnerable, 0 not evaluable" in out


def test_the_fixed_release_and_releases_outside_every_range_pass(project, capsys):
    project.advisory("django", DJANGO_SQL_INJECTION)
    for clean in ("3.2.5", "3.1.13", "3.0.14", "4.0"):
        project.lock(f"Django=={clean}")
        assert project.fetch() == 0
        assert project.deps() == 0, clean
    project.lock("Django==3.1.12")
    project.fetch()
    assert project.deps() == 1
    assert "django==3.1.12: PYSEC-2021-109" in capsys.readouterr().out


def test_last_affected_is_included_and_the_next_release_is_not(project):
    project.advisory("pyyaml", """\
        id: PYSEC-2099-1
        modified: "2024-10-01T00:00:00Z"
        affected:
        - package: {name: PyYAML, ecosystem: PyPI}
          ranges:
          - type: ECOSYSTEM
            events: [{introduced: "0"}, {last_affected: "5.3"}]
    """)
    for pinned, expected in (("5.3", 1), ("5.2", 1), ("5.3.1", 0), ("6.0", 0)):
        project.lock(f"PyYAML=={pinned}")
        project.fetch()
        assert project.deps() == expected, pinned


def test_an_explicit_versions_list_is_compared_as_written(project, capsys):
    # `- 1.10` read by a YAML float parser would become 1.1: the pin 1.1 must stay clean.
    project.advisory("amqp", """\
        id: PYSEC-2099-2
        modified: "2024-10-01T00:00:00Z"
        affected:
        - package: {name: amqp, ecosystem: PyPI}
          ranges:
          - {type: GIT, repo: "https://example.org/amqp", events: [{introduced: "0"}]}
          versions:
          - 1.10
          - 2.0.0
    """)
    for pinned, expected in (("1.10", 1), ("2.0", 1), ("1.1", 0), ("2.0.1", 0)):
        project.lock(f"amqp=={pinned}")
        project.fetch()
        assert project.deps() == expected, pinned


@pytest.mark.parametrize("affected, reason", [
    ('ranges: [{type: ECOSYSTEM, events: [{introduced: "0"}, {fixed: "not a version!"}]}]',
     "unparseable version 'not a version!'"),
    ('ranges: [{type: SEMVER, events: [{introduced: "0"}, {fixed: "2.0.0"}]}]',
     "range type 'SEMVER'"),
    ('ranges: [{type: ECOSYSTEM, events: [{introduced: "0"}, {limit: "2.0"}]}]',
     "range event 'limit'"),
    ('ranges: [{type: GIT, repo: "https://example.org/x", events: [{introduced: "0"}]}]',
     "no ECOSYSTEM range and no versions list"),
])
def test_an_entry_that_cannot_be_evaluated_fails(project, capsys, affected, reason):
    project.lock("click==8.5.1")
    project.advisory("click", f"""\
        id: PYSEC-2099-3
        modified: "2024-10-01T00:00:00Z"
        affected:
        - package: {{name: click, ecosystem: PyPI}}
          {affected}
    """)
    assert project.fetch() == 0
    assert project.deps() == 1
    out = capsys.readouterr().out
    assert f"NOT CHECKED: click==8.5.1: PYSEC-2099-3: {reason}" in out
    assert "0 vulnerable, 1 not evaluable" in out


def test_a_pin_absent_from_the_file_or_unparseable_fails(project, capsys):
    project.lock("click==8.5.1")
    project.advisory("django", DJANGO_SQL_INJECTION)
    project.fetch()
    project.lock("click==8.5.1", "Django==not-a-release")
    assert project.deps() == 1
    out = capsys.readouterr().out
    assert "NOT CHECKED: django==not-a-release: not in the advisories file" in out
    project.lock("Django==not-a-release")
    project.fetch()
    assert project.deps() == 1
    assert "unparseable version 'not-a-release' in requirements.lock" in capsys.readouterr().out


def test_a_withdrawn_entry_is_not_a_vulnerability(project):
    project.lock("Django==3.2.0")
    project.advisory("django", DJANGO_SQL_INJECTION + '    withdrawn: "2024-10-02T00:00:00Z"\n')
    project.fetch()
    assert project.deps() == 0


def test_stale_data_fails_with_the_refresh_command_unless_acknowledged_for_a_while(
        project, capsys):
    project.lock("Django==5.2.19")
    project.advisory("django", DJANGO_SQL_INJECTION)
    project.fetch()   # a plain directory is dated by its newest `modified`: 2024-09-20
    assert project.deps() == 0
    assert "ADVISORY DATA: https://example.org/osv" in capsys.readouterr().out
    today = date(2026, 12, 1)
    assert project.deps(today) == 2
    out = capsys.readouterr().out
    assert "of 2024-09-20: 802 DAYS OLD (limit 30)" in out
    assert "CANNOT TRUST" in out and "scripts/security.py fetch --from" in out
    assert project.deps(today, accept_stale_until=date(2027, 2, 28)) == 0
    out = capsys.readouterr().out
    assert "802 DAYS OLD" in out and "STALE DATA, ACKNOWLEDGED UNTIL 2027-02-28" in out
    assert project.deps(today, accept_stale_until=date(2026, 11, 30)) == 2
    assert "expired on 2026-11-30" in capsys.readouterr().out
    assert project.deps(today, accept_stale_until=date(2099, 1, 1)) == 2
    assert "REFUSED" in capsys.readouterr().out


def test_an_acknowledgement_does_not_hide_a_vulnerability(project):
    project.lock("Django==3.2.0")
    project.advisory("django", DJANGO_SQL_INJECTION)
    project.fetch()
    assert project.deps(date(2026, 12, 1), accept_stale_until=date(2027, 1, 1)) == 1


def test_a_git_collection_is_read_at_head_and_dated_by_its_commit(project, tmp_path, capsys):
    project.lock("Django==3.2.0")
    project.advisory("django", DJANGO_SQL_INJECTION)
    repo = tmp_path / "osv"
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_COMMITTER_DATE": "2026-11-25T12:00:00+00:00", "PATH": "/usr/bin:/bin"}
    (repo / "vulns").mkdir()
    (repo / "django").rename(repo / "vulns" / "django")
    for command in (["init", "-q"], ["add", "vulns"], ["commit", "-q", "-m", "osv"]):
        subprocess.run([GIT, "-C", str(repo), *command], env=env, check=True)  # noqa: S603 — git with fixed arguments in a temporary directory
    (repo / "vulns" / "django" / "PYSEC-2021-109.yaml").unlink()   # HEAD is what counts
    bare = tmp_path / "bare.git"
    subprocess.run([GIT, "clone", "-q", "--bare", str(repo), str(bare)], env=env, check=True)  # noqa: S603 — git with fixed arguments in a temporary directory
    for source in (repo, bare):
        assert security.fetch(source, "https://example.org/osv") == 0
        data = json.loads(security.ADVISORIES.read_text())
        assert data["data_date"] == "2026-11-25"
        assert len(data["source"]["commit"]) == 40
        assert [e["id"] for e in data["packages"]["django"]] == ["PYSEC-2021-109"]
        assert project.deps(date(2026, 12, 1)) == 1
        assert "of 2026-11-25: 6 DAYS OLD" in capsys.readouterr().out


def test_the_vendored_file_covers_every_pin_and_names_its_source():
    data = json.loads((ROOT / "security" / "advisories.json").read_text())
    assert len(data["source"]["commit"]) == 40 and data["data_date"]
    outcome = security.evaluate(data["packages"], security.pins())
    assert outcome.not_checked == []


def test_every_nosec_in_the_code_names_its_test_and_says_why():
    assert security.unexplained_nosec(ROOT / "bridgeway") == []
    assert security.NOSEC_EXPLAINED.match(" B608 — table names come from the models")
    assert not security.NOSEC_EXPLAINED.match(" B608")
    assert not security.NOSEC_EXPLAINED.match("")


def test_the_lock_file_pins_are_read():
    real = security.pins()
    assert real["django"] and real["bandit"] == "1.9.4"
