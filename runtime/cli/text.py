"""What `list` and `describe` print: the catalog as plain text."""

from __future__ import annotations

from typing import Any

from runtime.catalog.describe import access_sentence, constraints, grouped, requirement_lines
from runtime.catalog.loading import Arg, Catalog, Function


def listing_text(catalog: Catalog) -> str:
    """Every function under its group, groups in catalog order."""
    width = max(len(name) for name in catalog.functions)
    lines = []
    for group, blocks in grouped([function.block for function in catalog.functions.values()]):
        lines.append(f"{group}:")
        for block in blocks:
            function = catalog.functions[block["name"]]
            aliases = function.block.get("aliases", [])
            also = f" (also: {', '.join(aliases)})" if aliases else ""
            lines.append(f"  {function.name:<{width}}  {function.summary}{also}")
        lines.append("")
    return "\n".join(lines)


def bounds(arg: Arg) -> str:
    """Options, bounds and shape of an argument, in a few words."""
    parts = ["one of: " + ", ".join(str(o) for o in arg.spec["options"])] if "options" in arg.spec else []
    parts += constraints(arg.spec)
    if arg.is_file:
        parts.append("@path, data: URI or http(s) URL")
    return "; ".join(parts)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def describe_text(catalog: Catalog, function: Function) -> str:
    block = function.block
    lines = [f"{function.name}: {function.summary}", f"Group: {block.get('group', '')}"]
    access = access_sentence(block.get("access"), catalog.document.get("access"))
    if access:
        lines.append(f"Access: {access}")
    if block.get("aliases"):
        lines.append("Also answers as: " + ", ".join(block["aliases"]))
    lines += ["", "Arguments:"]
    rows = [["NAME", "TYPE", "REQUIRED", "OPTIONS / BOUNDS"]]
    rows += [[arg.name, arg.type, "yes" if arg.required else "no", bounds(arg)] for arg in function.args.values()]
    header, *body = _table(rows)
    lines.append("  " + header)
    for row, arg in zip(body, function.args.values(), strict=True):
        lines.append("  " + row)
        lines.append(f"      {arg.spec['info']}")
        if "correction" in arg.spec:
            lines.append(f"      correction: {arg.spec['correction']}")
    lines += _requirements(block)
    if block.get("notes"):
        lines += ["", "Notes:", *(f"  - {note}" for note in block["notes"])]
    return "\n".join(lines) + "\n"


def _requirements(block: dict[str, Any]) -> list[str]:
    lines = [f"  when {condition}: {', '.join(needed)}" for condition, needed in requirement_lines(block)]
    return ["", "Requirements:", *lines] if lines else []
