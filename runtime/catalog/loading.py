"""The catalog: metadata.json loaded, checked against its schema and its own rules, compiled once."""

from __future__ import annotations

import builtins
import copy
import functools
import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import jsonschema
from jsonschema.protocols import Validator as SchemaValidator

from runtime.catalog import schema
from runtime.catalog.envelope import CallError, UpstreamApi, caller_error
from runtime.catalog.suggest import close_names, did_you_mean
from runtime.catalog.wellformed import printable
from runtime.config import ROOT, bundled

SCHEMA_PATH = bundled("schemas/metadata.schema.json")
FUNCTIONS_DIR = ROOT / "functions"
PRIVATE_PACKAGE_KEYS = ("blocks", "$defs", "upstream", "environmentPrefix")
PRIVATE_BLOCK_KEYS = ("request", "summary")
PRIVATE_ARG_KEYS = ("wire",)


class CatalogError(Exception):
    """The catalog is broken; the message names the entry."""


@dataclass(frozen=True)
class Wire:
    location: str
    name: str

    @functools.cached_property
    def parts(self) -> tuple[str, ...]:
        """A body path split on its dots, once."""
        return tuple(self.name.split("."))


@dataclass(frozen=True)
class Arg:
    name: str
    type: str
    required: bool
    wires: tuple[Wire, ...]
    spec: dict[str, Any]

    @property
    def secret(self) -> bool:
        return self.type == "credentials" or bool(self.spec.get("secret"))

    @property
    def is_file(self) -> bool:
        return self.type == "File"

    @functools.cached_property
    def typed_classes(self) -> frozenset[builtins.type]:
        """The Python classes of a JSON scalar that already has this argument's type (a whole Number: int only)."""
        if self.type in ("String", "credentials"):
            return frozenset({str})
        if self.type == "Number":
            return frozenset({int} if self.spec.get("integer") else {int, float})
        return frozenset({bool}) if self.type == "Boolean" else frozenset()


@dataclass(frozen=True)
class EnvironmentNames:
    """The environment variables snippets and the CLI read a package's secrets from."""

    prefix: str

    @property
    def token(self) -> str:
        return f"{self.prefix}_TOKEN"

    def variable(self, arg: Arg) -> str:
        """<prefix>_TOKEN for the bearer token, else <prefix>_<ARG_NAME> in upper snake case."""
        if any(wire.location == "bearer" for wire in arg.wires):
            return self.token
        return f"{self.prefix}_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", arg.name).upper()


@dataclass(frozen=True)
class Completion:
    source_path: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    encoder: str = "json"
    completion: Completion | None = None


@dataclass
class Function:
    name: str
    block: dict[str, Any]
    args: dict[str, Arg]
    request: Request
    validator: SchemaValidator = field(repr=False)

    @functools.cached_property
    def fast_check(self) -> schema.FastCheck:
        """The compiled hot-path check; compiled on first use (Catalog.compile_all does them all at start)."""
        return schema.compile_fast_check(cast(Mapping[str, Any], self.validator.schema))

    @property
    def file_args(self) -> list[Arg]:
        return [a for a in self.args.values() if a.is_file]

    @functools.cached_property
    def typed_classes(self) -> dict[str, frozenset[builtins.type]]:
        """Argument name -> the classes of a JSON scalar that already has its type (Arg.typed_classes), in one lookup."""
        return {a.name: a.typed_classes for a in self.args.values() if a.typed_classes}

    @functools.cached_property
    def defaulted_args(self) -> tuple[Arg, ...]:
        """The arguments the catalog gives a default."""
        return tuple(a for a in self.args.values() if "default" in a.spec)

    @functools.cached_property
    def body_places(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Argument name -> (the objects above it, its key), for the arguments whose only wire is in the JSON body."""
        return {
            a.name: (a.wires[0].parts[:-1], a.wires[0].parts[-1])
            for a in self.args.values()
            if len(a.wires) == 1 and a.wires[0].location == "body"
        }

    @property
    def summary(self) -> str:
        """The description every surface shows: the block's clean summary where its own words are broken."""
        return self.block.get("summary", self.block["description"])

    def public_block(self) -> dict[str, Any]:
        """The block as the RapidAPI listing shows it: without the private wire mapping, with the clean description."""
        block = {k: copy.deepcopy(v) for k, v in self.block.items() if k not in PRIVATE_BLOCK_KEYS}
        block["description"] = self.summary
        block["args"] = [{k: v for k, v in a.items() if k not in PRIVATE_ARG_KEYS} for a in block["args"]]
        return block


@dataclass
class Catalog:
    document: dict[str, Any]
    functions: dict[str, Function]
    aliases: dict[str, str]

    @property
    def package(self) -> str:
        return self.document["package"]

    @functools.cached_property
    def upstream(self) -> UpstreamApi:
        return UpstreamApi.of(self.document)

    @functools.cached_property
    def environment(self) -> EnvironmentNames:
        return EnvironmentNames(self.document.get("environmentPrefix", self.package.upper()))

    def find(self, name: str) -> Function | None:
        return self.functions.get(self.aliases.get(name, name))

    def names_like(self, name: str) -> list[str]:
        """The package's functions (and aliases) closest to a misspelt name, best first."""
        return close_names(name, [*self.functions, *self.aliases])

    def function_hint(self, name: str) -> str:
        """'did you mean ...?' among the package's functions and their aliases, or ''."""
        return did_you_mean(name, [*self.functions, *self.aliases])

    def unknown_function(self, name: str) -> CallError:
        """UNKNOWN_FUNCTION, pointing at the package's closest function names."""
        hint = self.function_hint(name)
        text = f"The {self.package} package has no function {printable(name)!r}"
        return caller_error("UNKNOWN_FUNCTION", f"{text}; {hint}" if hint else f"{text}.")

    def compile_all(self) -> None:
        """Compile every function's fast check now, so that no call pays for it (a server does this at start)."""
        for function in self.functions.values():
            _ = function.fast_check

    def listing(self) -> dict[str, Any]:
        doc = {k: copy.deepcopy(v) for k, v in self.document.items() if k not in PRIVATE_PACKAGE_KEYS}
        doc["blocks"] = [f.public_block() for f in self.functions.values()]
        return doc


def load_catalog(path: str | Path) -> Catalog:
    """The catalog at path, compiled once per process for as long as the file is unchanged."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    return _load(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int, _size: int) -> Catalog:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    return build_catalog(document)


def build_catalog(document: dict[str, Any]) -> Catalog:
    _check_schema(document)
    try:
        schema.check_item_schemas(document)
    except jsonschema.SchemaError as exc:
        raise CatalogError(f"catalog: an argument schema is invalid: {exc.message}") from exc
    defs = document.get("$defs", {})
    access = document.get("access", {"tokens": {}, "scopes": {}})
    functions: dict[str, Function] = {}
    aliases: dict[str, str] = {}
    for index, block in enumerate(document["blocks"]):
        where = f"blocks[{index}] ({block['name']})"
        for name in [block["name"], *block.get("aliases", [])]:
            if name in functions or name in aliases:
                raise CatalogError(f"{where}: the name {name!r} is used twice")
        _check_access(block.get("access"), access, where)
        function = _build_function(block, defs, where)
        functions[function.name] = function
        aliases.update({alias: function.name for alias in block.get("aliases", [])})
    return Catalog(document, functions, aliases)


def _check_schema(document: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    first = errors[0]
    location = _describe_location(document, list(first.absolute_path))
    raise CatalogError(f"{location}: {first.message} ({len(errors)} schema error(s) in all)")


def _describe_location(document: dict[str, Any], path: list[Any]) -> str:
    if len(path) >= 2 and path[0] == "blocks" and isinstance(path[1], int):
        blocks = document.get("blocks", [])
        name = blocks[path[1]].get("name", "?") if path[1] < len(blocks) and isinstance(blocks[path[1]], dict) else "?"
        rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[2:])
        return f"blocks[{path[1]}] ({name}){rest}"
    return "catalog" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _check_access(wanted: dict[str, Any] | None, known: dict[str, Any], where: str) -> None:
    """A block's access names only the token kinds and scopes the package's access defines."""
    if wanted is None:
        return
    for kind in ("tokens", "scopes"):
        unknown = [name for name in wanted[kind] if name not in known[kind]]
        if unknown:
            raise CatalogError(f"{where}: access.{kind} names {unknown}, which the package's access.{kind} does not define")


def _build_function(block: dict[str, Any], defs: dict[str, Any], where: str) -> Function:
    args: dict[str, Arg] = {}
    for raw in block["args"]:
        if raw["name"] in args:
            raise CatalogError(f"{where}: argument {raw['name']!r} is declared twice")
        wires = raw["wire"] if isinstance(raw["wire"], list) else [raw["wire"]]
        args[raw["name"]] = Arg(
            name=raw["name"],
            type=raw["type"],
            required=raw["required"],
            wires=tuple(Wire(w["in"], w.get("as", raw["name"])) for w in wires),
            spec=raw,
        )
    request = _build_request(block["request"])
    _check_function(block, args, request, where)
    return Function(block["name"], block, args, request, schema.compile_validator(block, defs))


def _build_request(raw: dict[str, Any]) -> Request:
    completion = None
    if "complete" in raw:
        completion = Completion(raw["complete"]["from"], dict(raw["complete"]["fields"]))
    return Request(raw["method"], raw["path"], raw.get("encoder", "json"), completion)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _check_function(block: dict[str, Any], args: dict[str, Arg], request: Request, where: str) -> None:
    path_args = {w.name: a for a in args.values() for w in a.wires if w.location == "path"}
    wanted = placeholders(request.path)
    if set(path_args) != wanted:
        raise CatalogError(f"{where}: path {request.path!r} has placeholders {sorted(wanted)} but path arguments {sorted(path_args)}")
    for arg in path_args.values():
        if not arg.required:
            raise CatalogError(f"{where}: path argument {arg.name!r} must be required")
    if request.completion and not placeholders(request.completion.source_path) <= wanted:
        raise CatalogError(f"{where}: complete.from {request.completion.source_path!r} uses placeholders the path lacks")
    if request.encoder != "json" and not (FUNCTIONS_DIR / f"{request.encoder}.py").is_file():
        raise CatalogError(f"{where}: encoder {request.encoder!r} has no module functions/{request.encoder}.py")
    if request.method == "GET" and any(w.location == "body" for a in args.values() for w in a.wires):
        raise CatalogError(f"{where}: a GET request cannot carry body arguments")
    named = [name for key, needed in block.get("requires", {}).items() for name in [key, *needed]]
    named += [name for rule in block.get("requiresWhen", []) for name in [rule["arg"], *rule["require"]]]
    named += [name for raw in block["args"] for name in raw.get("defaultWhen", [])]
    for name in named:
        if name not in args:
            raise CatalogError(f"{where}: a requirement names unknown argument {name!r}")
    _check_body_paths(args, where)
    for arg in args.values():
        _check_arg(arg, where)


def _check_body_paths(args: dict[str, Arg], where: str) -> None:
    seen: dict[tuple[str, ...], str] = {}
    for arg in args.values():
        for wire in arg.wires:
            if wire.location != "body":
                continue
            parts = tuple(wire.name.split("."))
            for other, owner in seen.items():
                shorter = min(len(parts), len(other))
                if parts[:shorter] == other[:shorter] and owner != arg.name:
                    raise CatalogError(f"{where}: body paths of {owner!r} and {arg.name!r} overlap ({'.'.join(other)} / {wire.name})")
            seen[parts] = arg.name


TYPE_KEYS = {
    "options": {"String", "credentials"},
    "pattern": {"String", "credentials"},
    "minLength": {"String", "credentials"},
    "maxLength": {"String", "credentials"},
    "allowEmpty": {"String"},
    "minimum": {"Number"},
    "maximum": {"Number"},
    "integer": {"Number"},
    "items": {"Array"},
    "minItems": {"Array"},
    "maxItems": {"Array"},
    "commaSeparated": {"Array"},
    "encoding": {"File"},
    "acceptsBase64": {"File"},
}


def _check_arg(arg: Arg, where: str) -> None:
    for key, types in TYPE_KEYS.items():
        if key in arg.spec and arg.type not in types:
            raise CatalogError(f"{where}: argument {arg.name!r} of type {arg.type} cannot have {key!r}")
    if "pattern" in arg.spec:
        try:
            re.compile(arg.spec["pattern"])
        except re.error as exc:
            raise CatalogError(f"{where}: argument {arg.name!r} has an invalid pattern: {exc}") from exc
    locations = {w.location for w in arg.wires}
    if arg.is_file and not locations <= {"file", "body"}:
        raise CatalogError(f"{where}: File argument {arg.name!r} can only go in a file part or the body")
    if "file" in locations and not arg.is_file:
        raise CatalogError(f"{where}: only a File argument can go in a file part ({arg.name!r})")
    secret_wires = [w for w in arg.wires if w.location == "bearer" or (w.location == "basic" and w.name == "password")]
    if secret_wires and not arg.secret:
        raise CatalogError(f"{where}: argument {arg.name!r} carries a credential but is not secret")
