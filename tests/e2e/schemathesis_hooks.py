"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): most calls carry the stack's real credentials, and no File URL
leaves loopback.

SCHEMATHESIS_ARG_VALUES is a JSON object, argument name -> value, e.g. {"authToken": "..."}: where a generated call has
such an argument as a string, four times in five it is replaced by that value; the fifth keeps the generated one, so that
refused credentials stay covered.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from typing import Any

import schemathesis

from runtime.catalog.examples import example_value
from runtime.catalog.loading import load_catalog
from runtime.config import Settings

CATALOG = load_catalog(Settings().catalog_file)
VALUES: dict[str, Any] = json.loads(os.environ.get("SCHEMATHESIS_ARG_VALUES", "{}"))
URL = re.compile(r"^\s*https?:", re.I)
KEPT_SHARE = 5


def _fix_args(function_name: str, args: Any) -> Any:
    function = CATALOG.find(function_name)
    if function is None or not isinstance(args, dict):
        return args
    for name, value in list(args.items()):
        arg = function.args.get(name)
        if arg is None or not isinstance(value, str):
            continue
        if name in VALUES and zlib.crc32(value.encode("utf-8", "surrogatepass")) % KEPT_SHARE:
            args[name] = VALUES[name]
        elif arg.is_file and URL.match(value):
            args[name] = example_value(arg)  # a data: URI: the runtime would otherwise fetch from arbitrary hosts
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
    elif isinstance(body.get("args"), str):  # multipart: the args travel as JSON text
        try:
            parsed = json.loads(body["args"])
        except ValueError:
            return
        body["args"] = json.dumps(_fix_args(name, parsed))
