"""How the catalog reads to a person: groups, an argument's allowed values and bounds, conditional requirements.

Shared by the web page and the CLI, so that both say the same thing in the same words.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def grouped(blocks: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The blocks by their group, groups in the order the catalog first names them."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for block in blocks:
        groups.setdefault(block.get("group") or "Other", []).append(block)
    return list(groups.items())


def constraints(arg: dict[str, Any]) -> list[str]:
    """Human lines for an argument's allowed values and bounds."""
    lines = []
    if arg.get("integer"):
        lines.append("whole number")
    if "minimum" in arg and "maximum" in arg:
        lines.append(f"{_number(arg['minimum'])} to {_number(arg['maximum'])}")
    elif "minimum" in arg:
        lines.append(f"at least {_number(arg['minimum'])}")
    elif "maximum" in arg:
        lines.append(f"at most {_number(arg['maximum'])}")
    if "minLength" in arg and "maxLength" in arg:
        lines.append(f"{arg['minLength']} to {arg['maxLength']} characters")
    elif "minLength" in arg:
        lines.append(f"at least {arg['minLength']} characters")
    elif "maxLength" in arg:
        lines.append(f"at most {arg['maxLength']} characters")
    if "pattern" in arg:
        lines.append(f"matches {arg['pattern']}")
    if "minItems" in arg:
        lines.append(f"at least {arg['minItems']} item{'s' if arg['minItems'] != 1 else ''}")
    if isinstance(arg.get("items"), dict) and "$ref" in arg["items"]:
        lines.append(f"items: {arg['items']['$ref'].rsplit('/', 1)[-1]} objects")
    if arg.get("commaSeparated"):
        lines.append("a JSON array or a comma-separated list")
    if arg.get("allowEmpty"):
        lines.append("may be empty")
    if "encoding" in arg:
        lines.append(f"sent {arg['encoding']}-encoded")
    if "default" in arg:
        lines.append(f"default {json.dumps(arg['default'])}")
    return lines


def requirement_lines(block: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(condition, the arguments it makes required), from requires and requiresWhen."""
    lines = [(f"{given} is given", needed) for given, needed in block.get("requires", {}).items()]
    lines += [(f"{rule['arg']} is {json.dumps(rule['equals'])}", rule["require"]) for rule in block.get("requiresWhen", [])]
    return lines


def access_sentence(access: dict[str, Any] | None, definitions: dict[str, Any] | None) -> str:
    """Who may call a function, from its block's access and the package's access definitions ('' when the catalog does not say).

    e.g. "Token: group client, room client or user; scope: view_group or view_room (unconfirmed)."
    """
    if access is None:
        return ""
    if not access["tokens"]:
        sentence = "No token needed"
    else:
        labels = [(definitions or {}).get("tokens", {}).get(kind, {}).get("label", kind) for kind in access["tokens"]]
        sentence = f"Token: {either(labels)}; " + (f"scope: {either(access['scopes'])}" if access["scopes"] else "no scope needed")
    return sentence + ("." if access.get("confirmed") else " (unconfirmed).")


def either(words: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
