"""Settings dataclasses read from the environment: each field's metadata names its variable ("env") and says what it is
("help"); a "unit" ("seconds" or "bytes") or "choices" narrows what it takes, and a "minimum" is the least value a
number may have (where 0 would switch the thing off or break it). A value that cannot be read, or is below its
minimum, is refused with one line naming the variable, the value and what the setting takes: it never falls back to
the default.

What each kind takes (the README's tables say it per setting, from `takes`):
- booleans: true/false, 1/0 or yes/no, in any case; any other word (`ture`, `on`) is refused.
- whole numbers: digits, 0 or more (or the setting's minimum or more).
- sizes in bytes: a whole number, or one with K, M or G (binary: 1K = 1024, 25M = 26214400).
- durations in seconds: a number, or one with ms, s, m or h (`500ms`, `1.5m`); a whole-seconds setting refuses fractions.
- lists: comma-separated, trimmed and lower-cased, empty items dropped.
- text: anything; with "choices", one of them in any case (read as the choice is written).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, fields, replace
from typing import Any, TypeVar

T = TypeVar("T")

BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
WHOLE = re.compile(r"\d+")
SIZE = re.compile(r"(\d+)\s*(?:([kmg])(?:i?b)?|b)?", re.I)
SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?", re.I)
DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


class SettingError(ValueError):
    """A variable whose value cannot be read; its message is the one line the server stops with."""

    def __init__(self, env: str, raw: str, takes: str) -> None:
        super().__init__(f"{env}={json.dumps(raw, ensure_ascii=False)} cannot be read; it takes {takes}")
        self.env = env


def takes(f: Field[Any]) -> str:
    """What the field's variable takes, in words: the README's "Takes" column and the error's end."""
    kind, unit, choices, minimum = type(f.default), f.metadata.get("unit"), f.metadata.get("choices"), f.metadata.get("minimum")
    at_least = f", at least {minimum:g}" if minimum is not None else ""
    if kind is bool:
        return "true or false (also 1/0, yes/no)"
    if unit == "bytes":
        return f"bytes: a whole number, or with K, M or G (1K = 1024){at_least}"
    if unit == "seconds":
        written = "a whole number, or with s, m or h (5m)" if kind is int else "a number, or with ms, s, m or h (500ms)"
        return f"seconds: {written}{at_least}"
    if kind is int:
        return f"a whole number ({minimum if minimum is not None else 0} or more)"
    if kind is tuple:
        return "a comma-separated list"
    if choices:
        return " or ".join(choices)
    return "text"


def _whole(raw: str) -> int | None:
    return int(raw) if WHOLE.fullmatch(raw) else None


def _bytes(raw: str) -> int | None:
    match = SIZE.fullmatch(raw)
    return int(match.group(1)) * SIZE_UNITS[(match.group(2) or "").lower()] if match else None


def _seconds(raw: str) -> float | None:
    match = DURATION.fullmatch(raw)
    return float(match.group(1)) * DURATION_UNITS[(match.group(2) or "s").lower()] if match else None


def _boolean(raw: str) -> bool | None:
    return BOOLEANS.get(raw.lower())


def parse(f: Field[Any], raw: str) -> Any:
    """The variable's text as the field's value; SettingError when it is not one of what the field takes (or is below
    the field's minimum)."""
    kind, unit, choices = type(f.default), f.metadata.get("unit"), f.metadata.get("choices")
    text = raw.strip()
    if kind is tuple:
        return tuple(part.strip().lower() for part in text.split(",") if part.strip())
    if kind is str:
        if not choices:
            return raw
        chosen = [choice for choice in choices if choice.lower() == text.lower()]
        if not chosen:
            raise SettingError(f.metadata["env"], raw, takes(f))
        return chosen[0]
    readers: dict[str | None, Callable[[str], Any]] = {"bytes": _bytes, "seconds": _seconds}
    value = (_boolean if kind is bool else readers.get(unit, _whole))(text)
    if kind is int and isinstance(value, float):
        value = int(value) if value.is_integer() else None
    minimum = f.metadata.get("minimum")
    if value is None or (minimum is not None and value < minimum):
        raise SettingError(f.metadata["env"], raw, takes(f))
    convert: Callable[[Any], Any] = kind  # every setting has a default: its type is the setting's
    return convert(value)


def from_env(cls: type[T], environ: Mapping[str, str] | None = None, **overrides: Any) -> T:
    """The settings from the environment (unset or empty variables keep their defaults), then the overrides."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(cls):  # type: ignore[arg-type]
        raw = environ.get(f.metadata["env"])
        if raw:
            values[f.name] = parse(f, raw)
    settings = cls(**values)
    return replace(settings, **overrides) if overrides else settings  # type: ignore[type-var]


def describe(cls: type) -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting: the README's tables."""
    rows = []
    for f in fields(cls):
        default = ",".join(f.default) if isinstance(f.default, tuple) else f.default
        rows.append((f.metadata["env"], str(default), f.metadata["help"]))
    return rows


def takes_table(cls: type) -> dict[str, str]:
    """Environment variable -> what it takes, for every setting: the README tables' "Takes" column."""
    return {f.metadata["env"]: takes(f) for f in fields(cls)}
