"""Imports only go downward: each module's layer may import its own layer and the layers below, never above.

The layers are listed here from the bottom up; a module no layer claims fails the test, so a new module is placed
on purpose. Imports under `if TYPE_CHECKING:` count too: a type named from above is a dependency on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

# (package, its layers from the bottom up: layer name -> module prefixes it holds)
SANDBOX_LAYERS: dict[str, tuple[str, ...]] = {
    "settings": ("sandbox.config",),
    "store": ("sandbox.store",),
    "http": ("sandbox.http",),
    "security": ("sandbox.security",),
    "delivery": ("sandbox.delivery",),
    "model": ("sandbox.model",),
    "api": ("sandbox.api",),
    "admin": ("sandbox.admin",),
    "factory": ("sandbox.app", "sandbox"),
}


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(root: Path, path: Path) -> set[str]:
    """Every module this file imports from its own package (absolute imports; the project uses no relative ones)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            # `from sandbox.http import errors` imports sandbox.http.errors: name the module when the name is one.
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if module_path(root, candidate) else node.module)
    return found


def module_path(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def layer_of(module: str, layers: dict[str, tuple[str, ...]]) -> int | None:
    """The rank of the layer whose longest prefix matches the module."""
    best, rank = -1, None
    for index, prefixes in enumerate(layers.values()):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def upward_imports(package: str, layers: dict[str, tuple[str, ...]], root: Path = ROOT) -> list[str]:
    names = list(layers)
    wrong = []
    for path in sorted((root / package).rglob("*.py")):
        module = module_name(root, path)
        own = layer_of(module, layers)
        assert own is not None, f"{module} belongs to no layer: add it to the table in {__file__}"
        for imported in imports_of(root, path):
            if imported.split(".")[0] != package:
                continue
            target = layer_of(imported, layers)
            assert target is not None, f"{module} imports {imported}, which belongs to no layer"
            if target > own:
                wrong.append(f"{module} ({names[own]}) imports {imported} ({names[target]})")
    return wrong


def test_sandbox_imports_only_go_downward():
    assert upward_imports("sandbox", SANDBOX_LAYERS) == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The check itself: a store module importing the api layer is reported."""
    fake_root = tmp_path
    (fake_root / "sandbox" / "store").mkdir(parents=True)
    (fake_root / "sandbox" / "api").mkdir()
    (fake_root / "sandbox" / "__init__.py").write_text("")
    (fake_root / "sandbox" / "store" / "__init__.py").write_text("")
    (fake_root / "sandbox" / "api" / "__init__.py").write_text("")
    (fake_root / "sandbox" / "api" / "rooms.py").write_text("")
    (fake_root / "sandbox" / "store" / "db.py").write_text("from sandbox.api import rooms\n")
    assert upward_imports("sandbox", SANDBOX_LAYERS, fake_root) == ["sandbox.store.db (store) imports sandbox.api.rooms (api)"]


@pytest.mark.parametrize(("package", "forbidden"), [("runtime", "sandbox"), ("sandbox", "runtime"), ("functions", "sandbox")])
def test_one_package_never_imports_the_other(package, forbidden):
    imported = {name.split(".")[0] for path in (ROOT / package).rglob("*.py") for name in imports_of(ROOT, path)}
    assert "flask" in imported or package == "functions"
    assert forbidden not in imported
