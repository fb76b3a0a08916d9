"""The demo generator is a tool, not the domain: no domain app imports `bridgeway.demo`.

The demo may import any layer (it writes through the services and the documented bulk paths);
the arrow never points back, so each domain room holds only the domain and deleting the demo
package would break no page, service or command of the program itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "bridgeway"
DEMO = "bridgeway.demo"
# The doors and the project's wiring are not rooms of the domain.
NOT_DOMAIN = {"demo", "web", "api", "interop", "settings", "templates", "static", "locale"}
MAX_LINES = 400


def domain_apps() -> list[Path]:
    return sorted(p.parent for p in PACKAGE.glob("*/apps.py") if p.parent.name not in NOT_DOMAIN)


def module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def demo_imports(source: str, module: list[str], is_package: bool = False) -> list[str]:
    """Imports of bridgeway.demo in `source` (the module's dotted parts resolve relative ones)."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module if is_package else module[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        if any(t == DEMO or t.startswith(DEMO + ".") for t in targets):
            hits.append(f"line {node.lineno}")
    return hits


def test_the_domain_apps_are_found() -> None:
    names = {p.name for p in domain_apps()}
    assert {"core", "audit", "clients", "supporters", "access", "matching", "contacts",
            "safety", "outcomes"} <= names
    assert "demo" not in names


@pytest.mark.parametrize("app", domain_apps(), ids=lambda p: p.name)
def test_no_domain_app_imports_the_demo(app: Path) -> None:
    found = []
    for path in sorted(app.rglob("*.py")):
        hits = demo_imports(path.read_text(encoding="utf-8"), module_of(path),
                            is_package=path.name == "__init__.py")
        found += [f"{path.relative_to(ROOT)} {hit}" for hit in hits]
    assert not found, f"domain code imports the demo tool: {found}"


def test_the_scanner_catches_every_spelling() -> None:
    services = ["bridgeway", "clients", "services"]
    assert demo_imports("import bridgeway.demo.run\n", services)
    assert demo_imports("from bridgeway.demo.context import DEMO_PASSWORD\n", services)
    assert demo_imports("from bridgeway import demo\n", services)
    assert demo_imports("def f():\n    from bridgeway.demo import run\n", services)
    assert demo_imports("from .. import demo\n", services)
    assert demo_imports("from ..demo.run import run_demo\n", services)
    # In bridgeway/clients/__init__.py, `.` is the package itself: `from . import demo` would be
    # bridgeway.clients.demo (not the tool), `from .. import demo` the tool.
    assert not demo_imports("from . import demo\n", ["bridgeway", "clients"], is_package=True)
    assert demo_imports("from .. import demo\n", ["bridgeway", "clients"], is_package=True)
    assert not demo_imports("from bridgeway.clients import services\n", services)
    assert not demo_imports("from bridgeway.demography import x\n", services)
    assert not demo_imports("from .demo_rules import x\n", services)


@pytest.mark.parametrize("path", sorted((PACKAGE / "demo").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_demo_module_stays_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_the_bulk_paths_the_layering_test_allows_exist_and_are_documented() -> None:
    from tests.test_layering import DOCUMENTED_BULK_PATHS

    page = (ROOT / "docs" / "dev" / "demo-data.md").read_text(encoding="utf-8")
    for name in DOCUMENTED_BULK_PATHS:
        assert (ROOT / name).exists(), name
        assert name.removeprefix("bridgeway/demo/") in page, name
