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


# The runtime: settings; the catalog and the envelope (what a function is, what a call answers); the pipeline of one
# call; the body encoders the catalog names (functions/); the surfaces that serve it (HTTP API, page, snippets,
# OpenAPI, CLI); the factory.
RUNTIME_LAYERS: dict[str, tuple[str, ...]] = {
    "settings": ("runtime.config", "runtime.base.logs", "runtime.base.address_policy"),
    "catalog": (
        "runtime.catalog.envelope",
        "runtime.catalog.wellformed",
        "runtime.catalog.loading",
        "runtime.catalog.arguments",
        "runtime.catalog.suggest",
        "runtime.catalog.describe",
        "runtime.catalog.examples",
    ),
    "pipeline": (
        "runtime.pipeline.netguard",
        "runtime.pipeline.files",
        "runtime.pipeline.mapping",
        "runtime.pipeline.upstream",
        "runtime.pipeline.completion",
        "runtime.pipeline.invoke",
        "runtime.pipeline.all_pages",
        "runtime.pipeline.call_body",
    ),
    "encoders": ("functions",),
    "surfaces": (
        "runtime.api.routes",
        "runtime.api.cors",
        "runtime.openapi.document",
        "runtime.openapi.route",
        "runtime.snippets",
        "runtime.web",
        "runtime.cli.main",
        "runtime.cli.text",
        "runtime.cli.values",
    ),
    "factory": ("runtime.app", "runtime.__main__", "runtime"),
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


def upward_imports(layers: dict[str, tuple[str, ...]], root: Path = ROOT) -> list[str]:
    """Imports that go up, in every package the table names (the runtime's table also holds functions/)."""
    names = list(layers)
    packages = {prefix.split(".")[0] for prefixes in layers.values() for prefix in prefixes}
    wrong = []
    for path in sorted(p for name in sorted(packages) for p in (root / name).rglob("*.py")):
        module = module_name(root, path)
        own = layer_of(module, layers)
        assert own is not None, f"{module} belongs to no layer: add it to the table in {__file__}"
        for imported in imports_of(root, path):
            if imported.split(".")[0] not in packages:
                continue
            target = layer_of(imported, layers)
            assert target is not None, f"{module} imports {imported}, which belongs to no layer"
            if target > own:
                wrong.append(f"{module} ({names[own]}) imports {imported} ({names[target]})")
    return wrong


def test_sandbox_imports_only_go_downward():
    assert upward_imports(SANDBOX_LAYERS) == []


def test_runtime_imports_only_go_downward():
    assert upward_imports(RUNTIME_LAYERS) == []


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
    assert upward_imports(SANDBOX_LAYERS, fake_root) == ["sandbox.store.db (store) imports sandbox.api.rooms (api)"]


@pytest.mark.parametrize(("package", "forbidden"), [("runtime", "sandbox"), ("sandbox", "runtime"), ("functions", "sandbox")])
def test_one_package_never_imports_the_other(package, forbidden):
    imported = {name.split(".")[0] for path in (ROOT / package).rglob("*.py") for name in imports_of(ROOT, path)}
    assert "flask" in imported or package == "functions"
    assert forbidden not in imported
