"""The runtime and the sandbox meet only over HTTP: neither imports the other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT


def imported_packages(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("sandbox", "runtime"), ("runtime", "sandbox")])
def test_one_package_never_imports_the_other(package, forbidden):
    assert forbidden not in imported_packages(package)


def test_the_check_sees_imports():
    assert "flask" in imported_packages("sandbox") and Path(ROOT / "sandbox" / "app.py").exists()
