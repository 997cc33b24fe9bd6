"""What a snippet sends: the call's args (validated as a call would be), the secrets it reads from the environment, the files it uploads."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from runtime.catalog import arguments, jsontext
from runtime.catalog.envelope import CallError, caller_error, invalid_arguments
from runtime.catalog.examples import example_value
from runtime.catalog.loading import EnvironmentNames, Function

UPLOAD_PREFIX = "@"
INLINE_FILE = re.compile(r"^(data:|https?://)", re.I)


@dataclass(frozen=True)
class Entry:
    """One argument in the snippet: a value written into the code, or a secret read from an environment variable."""

    name: str
    value: Any = None
    env: str | None = None


@dataclass(frozen=True)
class Upload:
    """A File argument given as @<path>: the snippet reads that local file and sends it as a part named after the argument."""

    name: str
    path: str


@dataclass(frozen=True)
class Plan:
    function: str
    description: str
    url: str
    entries: tuple[Entry, ...]
    uploads: tuple[Upload, ...]

    @property
    def secrets(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.env)


def build_plan(function: Function, raw_args: Any, url: str, max_depth: int, environment: EnvironmentNames) -> Plan:
    """The snippet's plan for these args; raises CallError as a call with the same args would (secrets aside).

    Each secret is read from the environment variable the package's environment names for it."""
    if not isinstance(raw_args, dict):
        raise caller_error("JSON_VALIDATION", "args must be a JSON object.", ["args"])
    secrets = {a.name for a in function.args.values() if a.secret and (a.required or a.name in raw_args)}
    prepared = _validate(function, raw_args, secrets, max_depth)
    entries: list[Entry] = []
    uploads: list[Upload] = []
    for arg in function.args.values():
        if arg.name in secrets:
            entries.append(Entry(arg.name, env=environment.variable(arg)))
        elif arg.name in raw_args and arg.name in prepared:
            value = prepared[arg.name]
            _check_writable(arg.name, value)
            if arg.is_file:
                upload = _upload(arg.name, value)
                if upload:
                    uploads.append(upload)
                    continue
            entries.append(Entry(arg.name, value))
    return Plan(function.name, function.summary, url, tuple(entries), tuple(uploads))


def _validate(function: Function, raw_args: dict[str, Any], secrets: set[str], max_depth: int) -> dict[str, Any]:
    """Validate with a catalog example standing in for each secret (its value is never used); secrets that conditional
    requirements call for join the snippet too."""
    for _ in range(len(function.args) + 1):
        trial = {**raw_args, **{name: example_value(function.args[name]) for name in secrets}}
        try:
            return arguments.prepare(function, trial, {}, max_depth)
        except CallError as error:
            wanted = {n for n in error.fields if n in function.args and function.args[n].secret} - secrets
            if error.status_code != "REQUIRED_FIELDS" or not wanted:
                raise
            secrets |= wanted
    raise caller_error("INVALID_ARGUMENTS", "The secret arguments could not be settled.")  # unreachable: each round adds one


def _upload(name: str, value: Any) -> Upload | None:
    if isinstance(value, str) and value.startswith(UPLOAD_PREFIX) and len(value) > 1:
        return Upload(name, value[1:])
    if isinstance(value, str) and INLINE_FILE.match(value):
        return None
    raise invalid_arguments({name: "must be a data: URI, an http(s) URL, or @<path> of a local file for the snippet to upload"})


def _check_writable(name: str, value: Any) -> None:
    """Every value must be writable as UTF-8 source and as JSON: no lone surrogates, no NaN or infinity."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise caller_error("JSON_VALIDATION", f"{name}: {jsontext.NOT_A_NUMBER}.", [name])
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                message = f"{name}: holds a lone UTF-16 surrogate, which no source file can carry."
                raise caller_error("JSON_VALIDATION", message, [name]) from None
