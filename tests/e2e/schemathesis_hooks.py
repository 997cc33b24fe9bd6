"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): most calls carry the stack's valid token, and no File URL leaves loopback."""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

import schemathesis

from runtime.catalog import load_catalog
from runtime.config import Settings
from runtime.examples import example_value
from tests.helpers import TOKEN

CATALOG = load_catalog(Settings().catalog_file)
CREDENTIALS = set(CATALOG.document["accounts"]["credentials"])
URL = re.compile(r"^\s*https?:", re.I)
INVALID_TOKEN_SHARE = 5  # one generated token in five is kept, so unauthorised calls stay covered


def _fix_args(function_name: str, args: Any) -> Any:
    function = CATALOG.find(function_name)
    if function is None or not isinstance(args, dict):
        return args
    for name, value in list(args.items()):
        arg = function.args.get(name)
        if arg is None or not isinstance(value, str):
            continue
        if name in CREDENTIALS and zlib.crc32(value.encode("utf-8", "replace")) % INVALID_TOKEN_SHARE:
            args[name] = TOKEN
        elif arg.is_file and URL.match(value):
            args[name] = example_value(arg)  # a data: URI: the runtime would otherwise fetch arbitrary hosts
    return args


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """Runs before every request of every phase (examples, coverage, fuzzing), whatever generated the case."""
    body = case.body
    if not isinstance(body, dict):
        return
    name = case.operation.definition.raw.get("operationId", "")
    if isinstance(body.get("args"), dict):
        _fix_args(name, body["args"])
    elif isinstance(body.get("args"), str):
        try:
            parsed = json.loads(body["args"])
        except ValueError:
            return
        body["args"] = json.dumps(_fix_args(name, parsed))
