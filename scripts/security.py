"""Supply-chain checks for `make security` (run by `make test`). Never a silent "all clear".

    python scripts/security.py bandit     bandit over bridgeway/: 0 findings, and every
                                          `# nosec` names its test ids and says why
    python scripts/security.py deps       requirements.lock against security/advisories.json:
                                          fails if the file is missing, older than
                                          BRIDGEWAY_ADVISORIES_MAX_AGE_DAYS (30), misses a
                                          pinned package or version, or lists a vulnerability
                                          for a pinned version
    python scripts/security.py fetch      rebuild security/advisories.json from PyPI's JSON
                                          API (`vulnerabilities` of each pinned release; needs
                                          network; one request per pinned package)

The advisories file is vendored and dated so that the check runs on machines that cannot reach
a vulnerability service, and says so plainly when its data is too old to trust.
"""

from __future__ import annotations

import json
import os
import re
import subprocess  # noqa: S404 — runs bandit from this venv, fixed arguments  # nosec B404 — runs bandit from this venv, fixed arguments, no shell
import sys
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
ADVISORIES = ROOT / "security" / "advisories.json"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
NOSEC_EXPLAINED = re.compile(r"^\s*B\d{3}(?:\s*,\s*B\d{3})*\s*—\s*\S.{8,}")
PYPI = "https://pypi.org/pypi/{name}/{version}/json"


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


def check_deps(today: date | None = None) -> int:
    today = today or datetime.now(UTC).date()
    max_age = int(os.environ.get("BRIDGEWAY_ADVISORIES_MAX_AGE_DAYS", "30"))
    if not ADVISORIES.exists():
        print(f"CANNOT CHECK: {ADVISORIES.relative_to(ROOT)} is missing. Run "
              "`python scripts/security.py fetch` where PyPI is reachable and commit it.")
        return 2
    data = json.loads(ADVISORIES.read_text(encoding="utf-8"))
    fetched = date.fromisoformat(data["fetched"])
    age = (today - fetched).days
    if age > max_age:
        print(f"CANNOT CHECK: the advisories were fetched {fetched} ({age} days ago, more than "
              f"{max_age}). Refresh them with `python scripts/security.py fetch`.")
        return 2
    known: dict[str, dict[str, object]] = data["packages"]
    problems = 0
    for name, version in sorted(pins().items()):
        entry = known.get(name)
        if entry is None or entry.get("version") != version:
            print(f"NOT CHECKED: {name}=={version} is not in the advisories file "
                  "(refresh it after changing requirements.lock).")
            problems += 1
            continue
        if entry.get("error"):
            print(f"NOT CHECKED: {name}=={version}: {entry['error']}")
            problems += 1
            continue
        for vuln in entry.get("vulnerabilities", []):  # type: ignore[union-attr]
            print(f"VULNERABLE: {name}=={version}: {vuln.get('id')} "
                  f"(fixed in {', '.join(vuln.get('fixed_in') or []) or 'no release yet'})")
            problems += 1
    checked = len(pins())
    print(f"dependencies: {checked} pinned, advisories of {fetched} ({age} days old), "
          f"{problems} problem(s).")
    return 1 if problems else 0


def fetch() -> int:
    packages: dict[str, dict[str, object]] = {}
    for name, version in sorted(pins().items()):
        url = PYPI.format(name=name, version=version)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 — a fixed https URL to PyPI  # nosec B310 — a fixed https URL to PyPI's JSON API
                release = json.load(response)
            packages[name] = {"version": version, "vulnerabilities": [
                {"id": v.get("id"), "aliases": v.get("aliases", []),
                 "fixed_in": v.get("fixed_in", []), "summary": (v.get("summary") or "")[:200]}
                for v in release.get("vulnerabilities", [])]}
        except OSError as exc:
            # Recorded, so that `deps` reports this package as not checked.
            packages[name] = {"version": version, "error": f"fetch failed: {exc}"}
    ADVISORIES.parent.mkdir(exist_ok=True)
    ADVISORIES.write_text(json.dumps({
        "fetched": datetime.now(UTC).date().isoformat(),
        "source": "PyPI JSON API, field `vulnerabilities` (OSV data) of each pinned release",
        "packages": packages}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"Wrote {ADVISORIES.relative_to(ROOT)}: {len(packages)} packages.")
    return check_deps()


if __name__ == "__main__":
    commands = {"bandit": run_bandit, "deps": check_deps, "fetch": fetch}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]]())
