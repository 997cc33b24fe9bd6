"""From validated args to the upstream request: path, query, nested body, credentials, encoded body."""

from __future__ import annotations

import base64
import functools
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from runtime.catalog.envelope import invalid_arguments
from runtime.catalog.loading import Function
from runtime.pipeline.files import FileValue

MISSING = object()
# A POST or PUT always carries a JSON body ({} at least): HipChat answers 400 "Invalid content type" without one.
BODILESS = ("GET", "DELETE")


@dataclass
class Outbound:
    """An upstream request before its body is encoded."""

    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)
    files: dict[str, FileValue] = field(default_factory=dict)
    bearer: str | None = None
    basic: tuple[str, str] | None = None
    segments: dict[str, str] = field(default_factory=dict)


@dataclass
class Encoded:
    """A body ready to send: its Content-Type and bytes (None: no body)."""

    content_type: str | None
    data: bytes | None


def build(function: Function, args: dict[str, Any]) -> Outbound:
    path_values: dict[str, str] = {}
    query: list[tuple[str, str]] = []
    body: dict[str, Any] = {}
    files: dict[str, FileValue] = {}
    bearer = None
    basic: dict[str, str] = {}
    for name, value in args.items():
        for wire in function.args[name].wires:
            location = wire.location
            if location == "body":  # set_path, inlined: the hot path of a call with many body arguments
                node, parts = body, wire.parts
                for part in parts[:-1]:
                    node = node.get(part) or node.setdefault(part, {})
                node[parts[-1]] = value if value.__class__ is not FileValue else body_value(value)
            elif location == "path":
                path_values[wire.name] = path_segment(name, value)
            elif location == "query":
                query.append((wire.name, query_value(value)))
            elif location == "bearer":
                bearer = value
            elif location == "file":
                files[wire.name] = value
            elif location == "basic":
                basic[wire.name] = value
    return Outbound(
        method=function.request.method,
        path=function.request.path.format(**path_values),
        query=query,
        body=body,
        files=files,
        bearer=bearer,
        basic=(basic.get("username", ""), basic.get("password", "")) if basic else None,
        segments=path_values,
    )


def path_segment(arg_name: str, value: Any) -> str:
    """A value percent-encoded as exactly one path segment: '/', '?', '#' and '%' cannot change the path."""
    text = str(value)
    if text in (".", ".."):
        # HTTP clients collapse dot segments, which would move the request to another resource.
        raise invalid_arguments({arg_name: f"{text!r} cannot name a resource"})
    return quote(text, safe="")


def query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def body_value(value: Any) -> Any:
    """A File in a JSON body travels as base64 (the catalog marks such arguments encoding: base64)."""
    if value.__class__ is FileValue:
        return base64.b64encode(value.data).decode("ascii")
    return value


def set_path(document: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = document
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def get_path(document: Any, dotted: str) -> Any:
    node = document
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def encode(function: Function, outbound: Outbound) -> Encoded:
    return encoder(function.request.encoder)(outbound)


def encode_json(outbound: Outbound) -> Encoded:
    if not outbound.body and outbound.method in BODILESS:
        return Encoded(None, None)
    return Encoded("application/json", json.dumps(outbound.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@functools.cache
def encoder(name: str) -> Callable[[Outbound], Encoded]:
    if name == "json":
        return encode_json
    return importlib.import_module(f"functions.{name}").encode
