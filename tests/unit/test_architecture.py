"""Layering (DESIGN §3): the domain and the API never import the UI framework, and the domain
never imports a web framework either."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "avrentals"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("domain", {"reflex", "fastapi", "starlette"}), ("api", {"reflex"})],
)
def test_layer_does_not_import(package: str, forbidden: set[str]) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules found under avrentals/{package}"
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_modules(f) & forbidden)
        for f in files
        if imported_modules(f) & forbidden
    }
    assert offenders == {}


def test_domain_never_imports_adapters() -> None:
    for f in (ROOT / "domain").rglob("*.py"):
        text = f.read_text()
        assert "avrentals.ui" not in text and "avrentals.api" not in text, f
