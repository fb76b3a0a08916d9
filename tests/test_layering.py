"""Architecture rules checked on the source: views use the access layer; pure cores stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bridgeway"

# Views must read client data through bridgeway.access (STYLE.md rule 3).
FORBIDDEN_MANAGERS = ["Client", "Enrolment", "HospitalStay", "Match", "ConsentRecord"]
VIEW_GLOBS = ["**/views*.py", "**/views/*.py"]

# Plain-Python cores: no Django import (DESIGN.md "Pure cores stay pure"). Data-driven: every
# module matching a glob is checked; a glob that matches nothing yet is simply not checked.
PURE_MODULE_GLOBS = [
    "matching/engine*.py", "matching/engine/*.py", "matching/scoring*.py",
    "safety/rules*.py", "safety/rules/*.py",
    "outcomes/stats*.py", "outcomes/stats/*.py",
]


def view_files() -> list[Path]:
    files = {p for pattern in VIEW_GLOBS for p in PACKAGE.glob(pattern)}
    return sorted(p for p in files if "migrations" not in p.parts)


def pure_files() -> list[Path]:
    return sorted({p for pattern in PURE_MODULE_GLOBS for p in PACKAGE.glob(pattern)})


def test_there_are_views_to_check():
    assert any(p.match("clients/views/*.py") for p in view_files())


def direct_queries(source: str) -> list[str]:
    """Uses of a client model's manager (or raw SQL through any manager) in `source`."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_default_manager", "_base_manager"}
                and isinstance(node.value, ast.Name) and node.value.id in FORBIDDEN_MANAGERS):
            hits.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
        if (isinstance(node, ast.Attribute) and node.attr == "raw"
                and isinstance(node.value, ast.Attribute) and node.value.attr == "objects"):
            hits.append(f".objects.raw (line {node.lineno})")
    return hits


@pytest.mark.parametrize("path", view_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_never_query_client_models_directly(path: Path):
    hits = direct_queries(path.read_text())
    assert not hits, f"{path.relative_to(ROOT)} queries client models directly: {hits}"


def test_the_scanner_catches_direct_queries():
    assert direct_queries("def v(r):\n    return Client.objects.all()\n")
    assert direct_queries("x = Match._default_manager.filter(pk=1)\n")
    assert direct_queries("x = Organisation.objects.raw('select 1')\n")
    assert not direct_queries("x = access.client.enrolments.all()\n")
    assert not direct_queries("x = Ward.objects.all()\n")


def imports_django(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in {"django", "bridgeway"}]
        elif (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
              and node.module.split(".")[0] in {"django", "bridgeway"}):
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", pure_files() or [None],
                         ids=lambda p: str(p.relative_to(ROOT)) if p else "none-yet")
def test_pure_modules_do_not_import_django(path: Path | None):
    if path is None:
        return  # no pure module exists yet; the globs above pick them up when they do
    django_imports = [m for m in imports_django(path) if m.split(".")[0] == "django"]
    assert not django_imports, f"{path.relative_to(ROOT)} imports {django_imports}"
