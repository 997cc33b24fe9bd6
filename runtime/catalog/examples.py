"""Example argument values, from the catalog: an arg's example, else its default or first option, else by type."""

from __future__ import annotations

from typing import Any

from runtime.catalog.loading import Arg, Function

BY_TYPE: dict[str, Any] = {
    "String": "example",
    "credentials": "your-token",
    "Number": 1,
    "Boolean": True,
    "JSON": {},
    "Array": [],
    "File": "data:text/plain;name=hello.txt;base64,SGVsbG8K",
}


def example_value(arg: Arg) -> Any:
    spec = arg.spec
    for key in ("example", "default"):
        if key in spec:
            return spec[key]
    if spec.get("options"):
        return spec["options"][0]
    if arg.type == "Number" and "minimum" in spec:
        return spec["minimum"]
    return BY_TYPE[arg.type]


def example_args(function: Function, include_optional: bool = False) -> dict[str, Any]:
    """Values for the required args (and, if asked, every arg) of a function."""
    return {arg.name: example_value(arg) for arg in function.args.values() if arg.required or include_optional}
