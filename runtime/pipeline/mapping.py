"""From validated args to the upstream request: path, query, nested body, credentials, encoded body."""

from __future__ import annotations

import base64
import functools
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from runtime.catalog.envelope import invalid_arguments
from runtime.catalog.loading import Function
from runtime.pipeline.files import FileValue

MISSING = object()
# A POST or PUT always carries a JSON body ({} at least): HipChat answers 400 "Invalid content type" without one.
BODILESS = ("GET", "DELETE")
# Each byte of a path segment as written: RFC 3986's unreserved characters as they are, every other byte %XX
# (what urllib.parse.quote(text, safe="") writes, by table: quote's own loop costs a call per byte).
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
SEGMENT_BYTES = tuple(chr(byte) if byte in UNRESERVED else f"%{byte:02X}" for byte in range(256))


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
    body_places = function.body_places
    for name, value in args.items():
        place = body_places.get(name)
        if place is not None:  # most arguments: one place in the JSON body (set_path, inlined: the hot path)
            node = body
            for part in place[0]:
                node = node.get(part) or node.setdefault(part, {})
            node[place[1]] = value if value.__class__ is not FileValue else body_value(value)
            continue
        for wire in function.args[name].wires:
            location = wire.location
            if location == "body":
                set_path(body, wire.name, body_value(value))
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
    return "".join(map(SEGMENT_BYTES.__getitem__, text.encode("utf-8")))


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


# The encoder for what orjson does not write (see json_bytes). No cycle check: a body is built from parsed JSON
# values, which cannot hold one, and its depth is bounded by RUNTIME_MAX_JSON_DEPTH.
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def encode_json(outbound: Outbound) -> Encoded:
    if not outbound.body and outbound.method in BODILESS:
        return Encoded(None, None)
    return Encoded("application/json", json_bytes(outbound.body))


def json_bytes(body: dict[str, Any]) -> bytes:
    """The body as compact UTF-8 JSON: orjson, a tenth of the json module's time (20 of a notification's 100 µs).

    orjson refuses an integer beyond 64 bits (a JSON argument may hold up to 4,300 digits) and nesting past 254
    levels (RUNTIME_MAX_JSON_DEPTH may allow more): the json module writes those bodies, in the same form.
    NaN and infinity never get here: the body readers refuse them (runtime.catalog.jsontext)."""
    try:
        return orjson.dumps(body)
    except TypeError:  # orjson.JSONEncodeError is one
        return JSON_ENCODER.encode(body).encode("utf-8")


@functools.cache
def encoder(name: str) -> Callable[[Outbound], Encoded]:
    if name == "json":
        return encode_json
    return importlib.import_module(f"functions.{name}").encode
