"""Architecture rules checked on the source (DESIGN.md "Which way imports run", STYLE.md).

- Imports run down the layers, never up: doors (web, api, interop, management commands,
  tasks) > outcomes > safety > matching, contacts > access > clients, supporters > core,
  audit. Each failure names the file and line.
- No import cycle among Bridgeway's modules: every import counts, those under
  `if TYPE_CHECKING:` and inside functions too, and `from pkg import sub` imports `pkg` (its
  `__init__` runs first) as well as `pkg.sub` (as /work/shared/tools/layering.py counts them).
- No module in bridgeway/ (migrations aside) passes 400 lines.
- Views never query client models directly (STYLE.md rule 3); pure cores import no Django.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bridgeway"
MAX_LINES = 400

# Rank of each domain app: an app imports only apps of a lower rank, or of its own rank in one
# direction only (clients uses supporters, core uses audit; never back). Matching and contacts
# share a rank and use neither each other (DESIGN.md).
RANK = {"core": 0, "audit": 0, "clients": 1, "supporters": 1, "access": 2, "matching": 3,
        "contacts": 3, "safety": 4, "outcomes": 5}
SAME_RANK_DIRECTION = {("clients", "supporters"), ("core", "audit")}
# Packages that are doors: they may import any layer, and no layer imports them.
DOOR_APPS = {"web", "api", "interop", "demo"}
DOOR_PARTS = {"management", "tasks"}
# Infrastructure that wires the project together (settings, root URLs, WSGI, Celery app).
WIRING = {"bridgeway", "bridgeway.urls", "bridgeway.wsgi", "bridgeway.celery", "bridgeway.manage"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def is_door(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and (parts[1] in DOOR_APPS or any(p in DOOR_PARTS for p in parts[2:]))


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if module in WIRING or (len(parts) > 1 and parts[1] == "settings"):
        return "wiring"
    if is_door(module):
        return "door"
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


@dataclass(frozen=True)
class Import:
    source: Path
    line: int
    target: str
    module_level: bool


def imports_of(path: Path) -> Iterator[Import]:
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Statements directly in the module body run at import time; the others (under
    # `if TYPE_CHECKING:`, inside a function) are marked, and count for cycles all the same.
    top_level = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name, id(node) in top_level)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            # `from pkg import sub` runs pkg/__init__.py, then imports the submodule if any.
            if base != module:
                yield Import(path, node.lineno, base, id(node) in top_level)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if _exists(candidate):
                    yield Import(path, node.lineno, candidate, id(node) in top_level)


def _exists(module: str) -> bool:
    relative = Path(*module.split("."))
    return (ROOT / relative.with_suffix(".py")).exists() or (ROOT / relative / "__init__.py").exists()


def upward_imports() -> list[str]:
    problems = []
    for path in source_files():
        here = layer_of(module_name(path))
        for imp in imports_of(path):
            if not imp.target.startswith("bridgeway."):
                continue
            there = layer_of(imp.target)
            where = f"{imp.source.relative_to(ROOT)}:{imp.line} imports {imp.target}"
            if there == "door" and here not in ("door", "wiring"):
                problems.append(f"{where} (a door; only doors and wiring import doors)")
            elif here in RANK and there in RANK and here != there:
                if RANK[there] > RANK[here]:
                    problems.append(f"{where} (up the layers: {here} < {there})")
                elif RANK[there] == RANK[here] and (here, there) not in SAME_RANK_DIRECTION:
                    problems.append(f"{where} ({here} may not import {there}: same layer)")
            elif here in RANK and there == "wiring" and imp.target != "bridgeway":
                problems.append(f"{where} (a domain app imports the project's wiring)")
    return problems


def import_cycles() -> list[list[str]]:
    """Strongly connected components of the import graph (Tarjan), every import counted: a
    cycle under `if TYPE_CHECKING:` or through a function's import is still two modules that
    cannot be read, typed or moved one without the other."""
    modules = {module_name(p): p for p in source_files()}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for imp in imports_of(path):
            if imp.target in modules and imp.target != name:
                graph[name].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


# Modules being split in this wave's open branches (issue 9). The list may only shrink: a
# listed module that is no longer long fails the suite, so the entry must go with the split.
BEING_SPLIT: set[str] = set()


def line_counts() -> dict[str, int]:
    return {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
            for p in source_files()}


def long_modules() -> list[str]:
    return [f"{name}: {n} lines" for name, n in line_counts().items()
            if n > MAX_LINES and name not in BEING_SPLIT]


def test_modules_being_split_are_still_long() -> None:
    counts = line_counts()
    done = sorted(name for name in BEING_SPLIT if counts.get(name, 0) <= MAX_LINES)
    assert not done, f"Split already: remove from BEING_SPLIT: {done}"


def test_imports_run_down_the_layers() -> None:
    problems = upward_imports()
    assert not problems, "Imports against DESIGN.md's order:\n" + "\n".join(problems)


def test_no_import_cycle() -> None:
    cycles = import_cycles()
    assert not cycles, "Import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_module_passes_400_lines() -> None:
    problems = long_modules()
    assert not problems, f"Modules over {MAX_LINES} lines (split by topic):\n" + "\n".join(problems)


def test_views_and_urls_live_under_web() -> None:
    misplaced = [str(p.relative_to(ROOT)) for p in source_files()
                 if layer_of(module_name(p)) in RANK
                 and (p.stem in {"views", "urls", "forms", "panels"} or "views" in p.parts
                      or "templatetags" in p.parts)]
    assert not misplaced, f"Doors inside domain apps (move to bridgeway/web/<area>/): {misplaced}"
    templates = [str(p.relative_to(ROOT)) for p in PACKAGE.glob("*/templates/**/*.html")
                 if p.relative_to(PACKAGE).parts[0] in RANK]
    assert not templates, f"Page templates inside domain apps: {templates}"


# --- the checker itself catches what it should -----------------------------------------------

def test_the_layering_rules_classify_modules() -> None:
    assert layer_of("bridgeway.web.clients.views.client") == "door"
    assert layer_of("bridgeway.matching.management.commands.match") == "door"
    assert layer_of("bridgeway.safety.tasks") == "door"
    assert layer_of("bridgeway.access.policy") == "access"
    assert layer_of("bridgeway.settings.base") == "wiring"
    assert RANK["outcomes"] > RANK["safety"] > RANK["matching"] > RANK["access"] > RANK["clients"]


def test_the_checker_finds_an_upward_import() -> None:
    bad = PACKAGE / "clients" / "_layering_probe.py"
    bad.write_text("from bridgeway.safety import models\n")
    try:
        problems = upward_imports()
    finally:
        bad.unlink()
    assert any("clients/_layering_probe.py:1 imports bridgeway.safety.models" in p for p in problems)


def test_the_checker_finds_a_same_layer_import_the_wrong_way() -> None:
    bad = PACKAGE / "supporters" / "_layering_probe.py"
    bad.write_text("from bridgeway.clients.models import Client\n")
    try:
        problems = upward_imports()
    finally:
        bad.unlink()
    assert any("supporters/_layering_probe.py:1" in p and "same layer" in p for p in problems)


def _cycles_with(probes: dict[str, str]) -> list[list[str]]:
    """import_cycles() with probe files (path under bridgeway/core: source) in the tree."""
    written: list[Path] = []
    try:
        for relative, source in probes.items():
            path = PACKAGE / "core" / relative
            if not path.parent.exists():
                path.parent.mkdir()
                written.append(path.parent)
            path.write_text(source)
            written.append(path)
        return import_cycles()
    finally:
        for path in reversed(written):
            path.rmdir() if path.is_dir() else path.unlink()


def test_the_checker_finds_a_cycle() -> None:
    cycles = _cycles_with({"_cycle_a.py": "from bridgeway.core import _cycle_b\n",
                           "_cycle_b.py": "from bridgeway.core import _cycle_a\n"})
    assert ["bridgeway.core._cycle_a", "bridgeway.core._cycle_b"] in cycles


def test_the_checker_finds_a_cycle_under_type_checking() -> None:
    cycles = _cycles_with({
        "_cycle_a.py": "from bridgeway.core import _cycle_b\n",
        "_cycle_b.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                       "    from ._cycle_a import Thing\n"})
    assert ["bridgeway.core._cycle_a", "bridgeway.core._cycle_b"] in cycles


def test_the_checker_finds_a_cycle_through_a_package() -> None:
    """`from . import sibling` in a module its package's __init__ imports: pkg -> pkg.a -> pkg."""
    cycles = _cycles_with({"_cycle_pkg/__init__.py": "from .a import A\n",
                           "_cycle_pkg/a.py": "from . import b\n\nA = b.B\n",
                           "_cycle_pkg/b.py": "B = 1\n"})
    assert ["bridgeway.core._cycle_pkg", "bridgeway.core._cycle_pkg.a"] in cycles


# --- views read through the access layer; pure cores stay pure ---------------------------------

# Views must read client data through bridgeway.access (STYLE.md rule 3).
FORBIDDEN_MANAGERS = ["Client", "Enrolment", "HospitalStay", "Match", "ConsentRecord", "Cover"]
# The demo's documented bulk paths write synthetic history with bulk_create, which needs the
# managers; what each guarantees, and why it may, is in docs/dev/demo-data.md.
DOCUMENTED_BULK_PATHS = {"bridgeway/demo/foundation/write.py", "bridgeway/demo/outcomes.py"}

# Plain-Python cores: no Django import (DESIGN.md "Pure cores stay pure").
PURE_MODULE_GLOBS = [
    "matching/engine*.py", "matching/engine/*.py", "matching/scoring*.py",
    "safety/rules*.py", "safety/rules/*.py",
    "outcomes/stats*.py", "outcomes/stats/*.py",
]


def door_files() -> list[Path]:
    return [p for p in source_files() if layer_of(module_name(p)) == "door"]


def pure_files() -> list[Path]:
    return sorted({p for pattern in PURE_MODULE_GLOBS for p in PACKAGE.glob(pattern)})


def test_there_are_views_to_check() -> None:
    assert any(p.match("web/clients/views/*.py") for p in door_files())


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


@pytest.mark.parametrize("path", [p for p in door_files()
                                  if str(p.relative_to(ROOT)) not in DOCUMENTED_BULK_PATHS],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_doors_never_query_client_models_directly(path: Path) -> None:
    hits = direct_queries(path.read_text())
    assert not hits, f"{path.relative_to(ROOT)} queries client models directly: {hits}"


def test_the_scanner_catches_direct_queries() -> None:
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


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_do_not_import_django(path: Path) -> None:
    django_imports = [m for m in imports_django(path) if m.split(".")[0] == "django"]
    assert not django_imports, f"{path.relative_to(ROOT)} imports {django_imports}"
