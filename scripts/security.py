"""Supply-chain checks for `make security` and `make security-deps` (both run by `make test`).
Never a silent "all clear".

    python scripts/security.py bandit
        bandit over bridgeway/: 0 findings, and every `# nosec` names its test ids and says why
    python scripts/security.py fetch --from PATH [--repository URL]
        build security/advisories.json from an OSV advisory collection: a checkout or bare git
        directory of github.com/pypa/advisory-database (read at HEAD, dated by its commit), or a
        directory of OSV .json/.yaml files (e.g. osv.dev's PyPI/all.zip unpacked, dated by the
        newest `modified`). Keeps every entry naming a package of requirements.lock.
    python scripts/security.py deps [--max-age-days N] [--accept-stale-until YYYY-MM-DD]
        every pin of requirements.lock against the OSV `affected` data in that file. Fails (1)
        on a known vulnerability and on any pin it cannot evaluate (package absent from the
        file, unparseable version or range, unknown range type or event); fails (2) when the
        file is missing, or older than the limit (BRIDGEWAY_ADVISORIES_MAX_AGE_DAYS, 30)
        unless the staleness is acknowledged until a date at most 92 days ahead. The age of
        the data is printed on every run. Policy: docs/decisions/0021-*.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess  # noqa: S404 — runs bandit and git with fixed arguments  # nosec B404 — runs bandit and git with fixed arguments, no shell
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
ADVISORIES = ROOT / "security" / "advisories.json"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
NOSEC_EXPLAINED = re.compile(r"^\s*B\d{3}(?:\s*,\s*B\d{3})*\s*—\s*\S.{8,}")
PYPA_DATABASE = "https://github.com/pypa/advisory-database"
MAX_ACKNOWLEDGEMENT = timedelta(days=92)
REFRESH = ("python scripts/security.py fetch --from <checkout of "
           f"{PYPA_DATABASE}> (docs/operations.md, 'Supply-chain checks')")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[_normal(match[1])] = match[2]
    return found


def unexplained_nosec(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = NOSEC.search(line)
            if match and not NOSEC_EXPLAINED.match(match["rest"]):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    return problems


def run_bandit() -> int:
    result = subprocess.run(  # noqa: S603 — this interpreter's bandit, fixed arguments  # nosec B603 — this interpreter's bandit module, fixed arguments, no shell
        [sys.executable, "-m", "bandit", "-r", "bridgeway", "-x", "bridgeway/*/migrations",
         "-f", "json", "-q"], cwd=ROOT, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"bandit did not run: {result.stderr.strip()[-500:]}", file=sys.stderr)
        return 2
    findings = report["results"]
    skipped = report["metrics"]["_totals"].get("skipped_tests", 0)
    for f in findings:
        print(f"{f['filename']}:{f['line_number']}: {f['test_id']} {f['issue_text']}")
    unexplained = unexplained_nosec(ROOT / "bridgeway")
    for line in unexplained:
        print(f"nosec without test id and reason (`# nosec B### — why`): {line}")
    print(f"bandit: {len(findings)} finding(s), {skipped} justified in place, "
          f"{len(unexplained)} unexplained nosec.")
    return 1 if findings or unexplained else 0


# --- OSV evaluation (https://ossf.github.io/osv-schema/#evaluation) ---------------------------

class CannotEvaluate(Exception):
    """The advisory data says something this check cannot compare a pin against."""


def _version(text: str, what: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise CannotEvaluate(f"unparseable version {text!r} in {what}") from None


def in_range(events: list[dict[str, str]], pinned: Version) -> bool:
    """An ECOSYSTEM range: affected from each `introduced` up to a `fixed` (excluded) or a
    `last_affected` (included), events taken in version order."""
    ordered: list[tuple[Version | None, str]] = []
    for event in events:
        if len(event) != 1:
            raise CannotEvaluate(f"range event {event!r} is not one key")
        ((kind, value),) = event.items()
        if kind not in ("introduced", "fixed", "last_affected"):
            # `limit` and anything newer: not meaningful for a PyPI version, so not guessed at.
            raise CannotEvaluate(f"range event {kind!r}")
        at = None if kind == "introduced" and value == "0" else _version(str(value), "a range")
        ordered.append((at, kind))
    ordered.sort(key=lambda item: (item[0] is not None, item[0] or Version("0")))
    affected = False
    for at, kind in ordered:
        if kind == "introduced" and (at is None or pinned >= at):
            affected = True
        elif at is not None and (kind == "fixed" and pinned >= at
                                 or kind == "last_affected" and pinned > at):
            affected = False
    return affected


def affects(affected: dict[str, Any], raw: str) -> bool:
    """One `affected` entry against a pinned version: its explicit `versions`, or any
    ECOSYSTEM range. GIT ranges name commits, not releases; they count only through the
    `versions` list the database derives from them. An entry with neither cannot be evaluated."""
    pinned = _version(raw, "requirements.lock")
    versions = [str(v) for v in affected.get("versions") or []]
    hit = raw in versions
    for listed in versions:
        # Compared as text above; a release named unparseably cannot equal a parseable pin.
        with contextlib.suppress(InvalidVersion):
            hit = hit or Version(listed) == pinned
    evaluable = bool(versions)
    for one in affected.get("ranges") or []:
        kind = one.get("type")
        if kind == "GIT":
            continue
        if kind != "ECOSYSTEM":
            raise CannotEvaluate(f"range type {kind!r}")
        evaluable = True
        hit = in_range(one.get("events") or [], pinned) or hit
    if not evaluable:
        raise CannotEvaluate("no ECOSYSTEM range and no versions list")
    return hit


def fixed_in(affected: dict[str, Any], raw: str) -> list[str]:
    pinned = Version(raw)
    found = set()
    for one in affected.get("ranges") or []:
        for event in one.get("events") or []:
            with_fix = event.get("fixed")
            if one.get("type") == "ECOSYSTEM" and with_fix:
                try:
                    if Version(str(with_fix)) > pinned:
                        found.add(str(with_fix))
                except InvalidVersion:
                    continue
    return sorted(found, key=Version)


class Outcome(NamedTuple):
    vulnerable: list[str]
    not_checked: list[str]


def evaluate(packages: dict[str, list[dict[str, Any]]], pinned: dict[str, str]) -> Outcome:
    outcome = Outcome([], [])
    for name, raw in sorted(pinned.items()):
        if name not in packages:
            outcome.not_checked.append(f"{name}=={raw}: not in the advisories file (refresh it "
                                       "after changing requirements.lock)")
            continue
        for entry in packages[name]:
            if entry.get("withdrawn"):
                continue
            hits = []
            for affected in entry.get("affected") or []:
                try:
                    if affects(affected, raw):
                        hits.append(affected)
                except CannotEvaluate as exc:
                    outcome.not_checked.append(f"{name}=={raw}: {entry.get('id')}: {exc}")
            if hits:
                fixes = ", ".join(fixed_in(hits[0], raw)) or "no fixed release listed"
                also = f" ({', '.join(entry['aliases'])})" if entry.get("aliases") else ""
                outcome.vulnerable.append(f"{name}=={raw}: {entry.get('id')}{also}, fixed in "
                                          f"{fixes}: {str(entry.get('summary', ''))[:100]}")
    return outcome


# --- The advisories file ------------------------------------------------------------------------

def _git(path: Path, *args: str, stdin: bytes | None = None) -> bytes:
    git = shutil.which("git") or "git"
    result = subprocess.run(  # noqa: S603 — git with fixed arguments and a path we were given  # nosec B603 — git with fixed arguments and the path given, no shell
        [git, "-C", str(path), *args], input=stdin, capture_output=True, check=True)
    return result.stdout


def _is_git(path: Path) -> bool:
    try:
        return _git(path, "rev-parse", "--is-inside-work-tree", "--is-bare-repository") != b""
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False


def _documents_from_git(path: Path) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """Every OSV file under vulns/ at HEAD, read through git so a bare directory works too."""
    names = [n for n in _git(path, "ls-tree", "-r", "--name-only", "HEAD", "vulns")
             .decode().splitlines() if n.endswith((".yaml", ".yml", ".json"))]
    batch = _git(path, "cat-file", "--batch", stdin="".join(f"HEAD:{n}\n" for n in names).encode())
    documents, at = [], 0
    for name in names:
        end = batch.index(b"\n", at)
        size = int(batch[at:end].split()[2])
        documents.append((name, batch[end + 1:end + 1 + size]))
        at = end + 1 + size + 1
    commit, committed = _git(path, "log", "-1", "--format=%H%n%cI", "HEAD").decode().split()
    return documents, {"commit": commit, "commit_date": committed}


def _documents_from_directory(path: Path) -> list[tuple[str, bytes]]:
    return [(str(f.relative_to(path)), f.read_bytes()) for f in sorted(path.rglob("*"))
            if f.suffix in (".yaml", ".yml", ".json") and f.is_file()]


def _summary(entry: dict[str, Any]) -> str:
    text = entry.get("summary") or (entry.get("details") or "").strip().split("\n")[0]
    return " ".join(str(text).split())[:200]


def build(documents: list[tuple[str, bytes]],
          pinned: dict[str, str]) -> tuple[dict[str, list[Any]], str]:
    """The entries naming each pinned package, and the newest `modified` of all entries."""
    packages: dict[str, list[Any]] = {name: [] for name in pinned}
    newest = ""
    for filename, raw in documents:
        try:
            # The base loader keeps every scalar as text: `- 1.10` in a versions list stays
            # "1.10" (a YAML float would make it 1.1), dates stay as written.
            entry = yaml.load(raw, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))  # noqa: S506 — the base loader builds only str, list and dict  # nosec B506 — BaseLoader builds only str, list and dict, never objects
        except yaml.YAMLError as exc:
            raise CannotEvaluate(f"{filename} is not OSV YAML/JSON: {exc}") from None
        if not isinstance(entry, dict) or "affected" not in entry:
            raise CannotEvaluate(f"{filename} is not an OSV entry")
        newest = max(newest, str(entry.get("modified") or ""))
        by_package: dict[str, list[Any]] = {}
        for affected in entry["affected"] or []:
            package = affected.get("package") or {}
            name = _normal(str(package.get("name", "")))
            if str(package.get("ecosystem", "")).split(":")[0] == "PyPI" and name in pinned:
                by_package.setdefault(name, []).append(
                    {"ranges": affected.get("ranges") or [], "versions": affected.get("versions") or []})
        for name, affected_list in by_package.items():
            kept = {"id": entry.get("id"), "aliases": entry.get("aliases") or [],
                    "summary": _summary(entry), "published": entry.get("published"),
                    "modified": entry.get("modified"), "affected": affected_list}
            if entry.get("withdrawn"):
                kept["withdrawn"] = entry["withdrawn"]
            packages[name].append(kept)
    for entries in packages.values():
        entries.sort(key=lambda e: str(e["id"]))
    return packages, newest


def fetch(source: Path, repository: str) -> int:
    if not source.is_dir():
        print(f"CANNOT FETCH: {source} is not a directory.")
        return 2
    if _is_git(source):
        documents, origin = _documents_from_git(source)
        data_date = datetime.fromisoformat(origin["commit_date"]).astimezone(UTC).date()
        origin["dated_by"] = "the commit date of HEAD"
    else:
        documents, origin = _documents_from_directory(source), {}
        origin["dated_by"] = "the newest `modified` of any entry (no git history to date it)"
        data_date = date.min
    if not documents:
        print(f"CANNOT FETCH: no OSV files in {source}.")
        return 2
    pinned = pins()
    try:
        packages, newest = build(documents, pinned)
    except CannotEvaluate as exc:
        print(f"CANNOT FETCH: {exc}")
        return 2
    if data_date == date.min:
        if not newest:
            print("CANNOT FETCH: no entry says when it was modified, so the data has no date.")
            return 2
        data_date = datetime.fromisoformat(newest.replace("Z", "+00:00")).date()
    ADVISORIES.parent.mkdir(exist_ok=True)
    ADVISORIES.write_text(json.dumps({
        "format": "OSV entries of each package pinned in requirements.lock; see "
                  "scripts/security.py and docs/decisions/0021",
        "source": {"repository": repository, **origin, "files_read": len(documents)},
        "data_date": data_date.isoformat(), "built": datetime.now(UTC).date().isoformat(),
        "packages": packages}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    found = sum(len(e) for e in packages.values())
    print(f"Wrote {ADVISORIES.relative_to(ROOT)}: {len(documents)} OSV files read, {found} "
          f"entries for {len(packages)} pinned packages, data of {data_date}.")
    return 0


def check_deps(today: date | None = None, *, max_age: int | None = None,
               accept_stale_until: date | None = None) -> int:
    today = today or datetime.now(UTC).date()
    if max_age is None:
        max_age = int(os.environ.get("BRIDGEWAY_ADVISORIES_MAX_AGE_DAYS", "30"))
    if not ADVISORIES.exists():
        print(f"CANNOT CHECK: {ADVISORIES.relative_to(ROOT)} is missing. Build it with {REFRESH}.")
        return 2
    data = json.loads(ADVISORIES.read_text(encoding="utf-8"))
    data_date = date.fromisoformat(data["data_date"])
    age = (today - data_date).days
    source = data.get("source", {})
    print(f"ADVISORY DATA: {source.get('repository', '?')} at "
          f"{str(source.get('commit') or '(no commit)')[:12]}, of {data_date}: {age} DAYS OLD "
          f"(limit {max_age}).")
    if age > max_age:
        if accept_stale_until is None:
            print(f"CANNOT TRUST: the advisory data is {age} days old, more than {max_age}. "
                  f"Refresh it with {REFRESH}, or acknowledge the staleness until a date "
                  "(--accept-stale-until, at most 92 days ahead).")
            return 2
        if accept_stale_until < today:
            print(f"CANNOT TRUST: the acknowledgement of stale data expired on "
                  f"{accept_stale_until}. Refresh the data with {REFRESH}, or renew it.")
            return 2
        if accept_stale_until - today > MAX_ACKNOWLEDGEMENT:
            print(f"REFUSED: an acknowledgement until {accept_stale_until} is more than "
                  f"{MAX_ACKNOWLEDGEMENT.days} days ahead; renew it more often than that.")
            return 2
        print(f"STALE DATA, ACKNOWLEDGED UNTIL {accept_stale_until}: advisories published after "
              f"{data_date} are NOT checked; a pin released after that date is checked only "
              "against older advisories.")
    outcome = evaluate(data["packages"], pins())
    for line in outcome.vulnerable:
        print(f"VULNERABLE: {line}")
    for line in outcome.not_checked:
        print(f"NOT CHECKED: {line}")
    problems = len(outcome.vulnerable) + len(outcome.not_checked)
    print(f"dependencies: {len(pins())} pinned, {len(outcome.vulnerable)} vulnerable, "
          f"{len(outcome.not_checked)} not evaluable, against advisory data of {data_date} "
          f"({age} days old).")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("bandit")
    deps = commands.add_parser("deps")
    deps.add_argument("--max-age-days", type=int, default=None)
    deps.add_argument("--accept-stale-until", type=date.fromisoformat, default=None)
    fetching = commands.add_parser("fetch")
    fetching.add_argument("--from", dest="source", type=Path, required=True)
    fetching.add_argument("--repository", default=PYPA_DATABASE)
    args = parser.parse_args(argv)
    if args.command == "bandit":
        return run_bandit()
    if args.command == "fetch":
        return fetch(args.source, args.repository)
    return check_deps(max_age=args.max_age_days, accept_stale_until=args.accept_stale_until)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
