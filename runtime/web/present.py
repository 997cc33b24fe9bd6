"""What the web page shows of the public catalog: input kinds and example texts. No Flask here.

Groups, constraint lines and requirement lines come from runtime.catalog.describe, which the CLI shares."""

from __future__ import annotations

import json
from typing import Any

SECRET_TYPES = ("credentials",)
LONG_TEXT = 500  # Strings allowed longer than this get a textarea


def input_kind(arg: dict[str, Any]) -> str:
    """The form control fitting an argument: secret, select, boolean, number, json, file, textarea or text."""
    kind = arg["type"]
    if kind in SECRET_TYPES or arg.get("secret"):
        return "secret"
    if arg.get("options"):
        return "select"
    if kind in ("JSON", "Array"):
        return "json"
    if kind == "File":
        return "file"
    if kind == "Boolean":
        return "boolean"
    if kind == "Number":
        return "number"
    if kind == "String" and arg.get("maxLength", 0) > LONG_TEXT:
        return "textarea"
    return "text"


def example_text(arg: dict[str, Any]) -> str:
    """The catalog's example as the text an input would hold ('' when there is none)."""
    if "example" not in arg:
        return ""
    example = arg["example"]
    if arg["type"] in ("JSON", "Array"):
        return json.dumps(example, indent=2, ensure_ascii=False)
    if isinstance(example, bool):
        return "true" if example else "false"
    return example if isinstance(example, str) else json.dumps(example)
