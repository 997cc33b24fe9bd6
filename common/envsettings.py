"""Settings dataclasses read from the environment: each field's metadata names its variable ("env") and says what it is ("help")."""

from __future__ import annotations

import os
from dataclasses import fields, replace
from typing import Any, TypeVar

T = TypeVar("T")


def parse(kind: type, raw: str) -> Any:
    """An environment variable's text as the field's type: comma lists for tuples, yes/no words for booleans."""
    if kind is tuple:
        return tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)


def from_env(cls: type[T], environ: dict[str, str] | None = None, **overrides: Any) -> T:
    """The settings from the environment (unset or empty variables keep their defaults), then the overrides."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(cls):  # type: ignore[arg-type]
        raw = environ.get(f.metadata["env"])
        if raw:
            values[f.name] = parse(type(f.default), raw)
    settings = cls(**values)
    return replace(settings, **overrides) if overrides else settings  # type: ignore[type-var]


def describe(cls: type) -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting: the README's tables."""
    rows = []
    for f in fields(cls):
        default = ",".join(f.default) if isinstance(f.default, tuple) else f.default
        rows.append((f.metadata["env"], str(default), f.metadata["help"]))
    return rows
