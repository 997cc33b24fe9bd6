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
    # A sandbox server of its own, started by name (`hipchat-sandbox`, the pytest plugin): above the factory.
    "tools": ("sandbox.launch", "sandbox.cli", "sandbox.testing"),
}


# The runtime, bottom up: settings; the catalog (the envelope's vocabulary and the leaf helpers, the text checks, the
# catalog itself, the argument checks over it); the pipeline of one call (File args and their URL guard, the wire, the
# whole call); the body encoders the catalog names (functions/); the surfaces (snippets, then the HTTP API, OpenAPI,
# the web page and the snippet routes, then the CLI over them); the factory. The catalog and the pipeline are split
# stage by stage so that the circle they once held (arguments -> envelope -> catalog -> arguments) cannot come back:
# a module of a lower stage that reached up would fail here, and any circle at all fails test_no_import_cycles.
RUNTIME_LAYERS: dict[str, tuple[str, ...]] = {
    "settings": ("runtime.config",),
    "base": ("runtime.base",),
    "vocabulary": ("runtime.catalog.envelope", "runtime.catalog.describe", "runtime.catalog.schema"),
    "text checks": ("runtime.catalog.wellformed", "runtime.catalog.jsontext", "runtime.catalog.suggest"),
    "catalog": ("runtime.catalog.loading",),
    "arguments": ("runtime.catalog.arguments", "runtime.catalog.examples", "runtime.catalog"),
    "file args": ("runtime.pipeline.netguard", "runtime.pipeline.files"),
    "wire": ("runtime.pipeline.mapping", "runtime.pipeline.upstream", "runtime.pipeline.completion"),
    "call": ("runtime.pipeline.call_body", "runtime.pipeline.invoke", "runtime.pipeline.all_pages", "runtime.pipeline"),
    "encoders": ("functions",),
    "snippets": ("runtime.snippets",),
    "surfaces": ("runtime.api", "runtime.openapi", "runtime.web", "runtime.snippets.routes"),
    "cli": ("runtime.cli",),
    "factory": ("runtime.app", "runtime.__main__", "runtime.console", "runtime"),
}

# Every package of the project whose imports must form no circle, whatever the layer tables say.
CYCLE_CHECKED = ("runtime", "sandbox", "common", "functions")


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


def import_graph(packages: tuple[str, ...], root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of the packages it imports: at the top, under `if TYPE_CHECKING:` and inside functions."""
    graph: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            imported = imports_of(root, path)
            graph[module_name(root, path)] = {name for name in imported if name.split(".")[0] in packages}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's circles: each strongly connected component of more than one module (or a module importing
    itself), as its sorted members (Tarjan's algorithm, iterative so a deep chain cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next((t for t in targets if t in graph), None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return sorted(found)


def test_no_import_cycles():
    graph = import_graph(CYCLE_CHECKED)
    assert len(graph) > 100
    assert import_cycles(graph) == []


def test_the_cycle_check_catches_a_circle_through_type_checking_and_function_imports(tmp_path):
    """A fake tree: a -> b at the top, b -> c under TYPE_CHECKING, c -> a inside a function; d -> a is no circle."""
    (tmp_path / "runtime").mkdir()
    files = {
        "__init__.py": "",
        "a.py": "from runtime.b import B\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from runtime.c import C\nB = 1\n",
        "c.py": "def f():\n    from runtime import a\n    return a\nC = 1\n",
        "d.py": "import runtime.a\n",
    }
    for name, text in files.items():
        (tmp_path / "runtime" / name).write_text(text)
    graph = import_graph(("runtime",), tmp_path)
    assert graph["runtime.c"] == {"runtime.a"}
    assert import_cycles(graph) == [["runtime.a", "runtime.b", "runtime.c"]]
    (tmp_path / "runtime" / "c.py").write_text("C = 1\n")
    assert import_cycles(import_graph(("runtime",), tmp_path)) == []


def test_the_runtime_table_keeps_the_old_circle_apart(tmp_path):
    """The circle the runtime once had: the envelope naming the catalog's type is an upward import now."""
    (tmp_path / "runtime" / "catalog").mkdir(parents=True)
    for name in ("runtime/__init__.py", "runtime/catalog/__init__.py", "runtime/catalog/loading.py"):
        (tmp_path / name).write_text("")
    (tmp_path / "runtime" / "catalog" / "envelope.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from runtime.catalog.loading import Catalog\n"
    )
    table = {name: tuple(p for p in prefixes if p.startswith("runtime")) for name, prefixes in RUNTIME_LAYERS.items()}
    assert upward_imports(table, tmp_path) == ["runtime.catalog.envelope (vocabulary) imports runtime.catalog.loading (catalog)"]


@pytest.mark.parametrize(("package", "forbidden"), [("runtime", "sandbox"), ("sandbox", "runtime"), ("functions", "sandbox")])
def test_one_package_never_imports_the_other(package, forbidden):
    imported = {name.split(".")[0] for path in (ROOT / package).rglob("*.py") for name in imports_of(ROOT, path)}
    assert "flask" in imported or package == "functions"
    assert forbidden not in imported
