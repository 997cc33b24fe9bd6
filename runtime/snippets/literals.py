"""Values as literals of each snippet language. Every string survives quotes, backslashes, $, #, %, newlines and
non-ASCII; `<`, `>`, `&`, U+2028/U+2029, the BOM and DEL are always escaped, so a snippet can sit inside HTML too."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runtime.snippets.plan import Entry

ALWAYS_ESCAPED = re.compile("[<>&\u2028\u2029\ufeff\x7f]")
INT64 = range(-(2**63), 2**63)


def json_text(value: Any, ascii_only: bool = False, indent: int | None = None) -> str:
    """JSON that is also a valid string/number/array/object literal in JavaScript, Python (strings), Go (strings), C# and Java strings."""
    text = json.dumps(value, ensure_ascii=ascii_only, allow_nan=False, indent=indent, separators=(",", ": ") if indent else (", ", ": "))
    return ALWAYS_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


Pairs = list[tuple[str, str]]


def _nested(
    value: Any,
    string: Callable[[str], str],
    obj: Callable[[Pairs], str],
    arr: Callable[[list[str]], str],
    null: str,
    number: Callable[[Any], str] = json_text,
) -> str:
    """A JSON value as nested literals of a language: its string, object and array syntax, its null; true/false as in JSON."""

    def render(item: Any) -> str:
        if item is None:
            return null
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, str):
            return string(item)
        if isinstance(item, (int, float)):
            return number(item)
        if isinstance(item, dict):
            return obj([(string(str(k)), render(v)) for k, v in item.items()])
        return arr([render(v) for v in item])

    return render(value)


# --- Python -------------------------------------------------------------------------------------------------------


def python(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json_text(str(k))}: {python(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(python(v) for v in value) + "]"
    return json_text(value)


def python_block(value: Any, indent: int, prefix: int, width: int = 120) -> str:
    """A value on a line that starts with `indent` spaces and `prefix` more characters, and ends with a comma: on that
    line if it fits in `width`, else its brackets opened one item per line, as ruff and Black format a literal."""
    flat = python(value)
    if indent + prefix + len(flat) + 1 <= width or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent + 4
    if isinstance(value, dict):
        items = [f"{json_text(str(k))}: {python_block(v, inner, len(json_text(str(k))) + 2, width)}" for k, v in value.items()]
        brackets = "{}"
    else:
        items = [python_block(v, inner, 0, width) for v in value]
        brackets = "[]"
    return brackets[0] + "\n" + "".join(f"{' ' * inner}{item},\n" for item in items) + " " * indent + brackets[1]


# --- JavaScript (browser and Node) --------------------------------------------------------------------------------


def javascript(value: Any) -> str:
    return json_text(value)


# --- PHP ----------------------------------------------------------------------------------------------------------

PHP_ESCAPES = {"\\": "\\\\", '"': '\\"', "$": "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def php_string(text: str) -> str:
    def escape(m: re.Match[str]) -> str:
        char = m.group()
        return PHP_ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"

    return '"' + re.sub(r'[\\"$\x00-\x1f\x7f<>&\u2028\u2029\ufeff]', escape, text) + '"'


def php(value: Any) -> str:
    def obj(pairs: Pairs) -> str:
        # (object) keeps an empty or list-like object a JSON object when json_encode writes it.
        return "(object) [" + ", ".join(f"{k} => {v}" for k, v in pairs) + "]"

    return _nested(value, php_string, obj, lambda items: "[" + ", ".join(items) + "]", "null")


# --- Ruby ---------------------------------------------------------------------------------------------------------


def ruby_string(text: str) -> str:
    # JSON's escapes are Ruby's; only # (which could start #{...}, #$x, #@x interpolation) needs one more.
    return json_text(text).replace("#", "\\#")


def ruby(value: Any) -> str:
    def obj(pairs: Pairs) -> str:
        return "{" + ", ".join(f"{k} => {v}" for k, v in pairs) + "}"

    return _nested(value, ruby_string, obj, lambda items: "[" + ", ".join(items) + "]", "nil")


# --- Go -----------------------------------------------------------------------------------------------------------


def _go_number(number: int | float) -> str:
    if isinstance(number, int) and number not in INT64:
        return f"json.Number({json_text(str(number))})"  # exact, where an int literal would overflow
    return json_text(number)


def go(value: Any) -> str:
    def obj(pairs: Pairs) -> str:
        return "map[string]any{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"

    return _nested(value, json_text, obj, lambda items: "[]any{" + ", ".join(items) + "}", "nil", _go_number)


# --- Java, C#, shell: the args travel as JSON text, with holes for the secrets ---------------------------------------


@dataclass(frozen=True)
class Hole:
    env: str


def json_segments(entries: tuple[Entry, ...], ascii_only: bool) -> list[str | Hole]:
    """The args object as pretty JSON text, split where a secret's value goes."""
    if not entries:
        return ["{}"]
    segments: list[str | Hole] = ["{\n"]
    for index, entry in enumerate(entries):
        segments.append(f"  {json_text(entry.name, ascii_only)}: ")
        if entry.env:
            segments.append(Hole(entry.env))
        else:
            segments.append(json_text(entry.value, ascii_only, indent=2).replace("\n", "\n  "))
        segments.append(",\n" if index < len(entries) - 1 else "\n")
    segments.append("}")
    merged: list[str | Hole] = []
    for segment in segments:
        if isinstance(segment, str) and merged and isinstance(merged[-1], str):
            merged[-1] += segment
        else:
            merged.append(segment)
    return merged


def java_string(text: str) -> str:
    # ASCII only: javac reads sources in the platform charset before Java 18. A \\u in the JSON text stays two
    # characters because the backslash before it is escaped.
    return json_text(text, ascii_only=True)


def java_json(entries: tuple[Entry, ...], indent: str) -> str:
    """A Java expression building the args JSON, one source line per JSON line."""
    parts: list[str] = []
    for segment in json_segments(entries, ascii_only=True):
        if isinstance(segment, Hole):
            parts.append(f"secret({java_string(segment.env)})")
        else:
            parts.extend(java_string(line) for line in segment.splitlines(keepends=True))
    text = ""
    for part in parts:
        ends_line = part.endswith('\\n"')
        text += part + ("\n" + indent + "+ " if ends_line else " + ")
    return text.rstrip().removesuffix("+").rstrip()


def csharp_string(text: str) -> str:
    return json_text(text, ascii_only=True)  # JSON's escapes are C#'s; UTF-16 surrogate pairs make the same string


def csharp_verbatim(text: str) -> str:
    return '@"' + text.replace('"', '""') + '"'


def csharp_json(entries: tuple[Entry, ...]) -> str:
    parts = [f"Secret({csharp_string(s.env)})" if isinstance(s, Hole) else csharp_verbatim(s) for s in json_segments(entries, True)]
    return " + ".join(parts)


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def heredoc_json(entries: tuple[Entry, ...]) -> str:
    r"""The args JSON as the text of a shell here-document with an unquoted delimiter: each secret is "${NAME_JSON}"
    (its JSON-escaped value, which the snippet reads from the environment first); in the rest, every \, $ and ` is
    escaped, so that the shell expands nothing else. No line of pretty JSON can be the delimiter (JSON, EOF): each one
    starts with a brace or a space."""
    parts = [f'"${{{s.env}_JSON}}"' if isinstance(s, Hole) else re.sub(r"([\\$`])", r"\\\1", s) for s in json_segments(entries, False)]
    return "".join(parts)


def curl_form_file(name: str, path: str) -> str:
    """curl --form's name=@"path", the path quoted for curl so that ; , and " in it stay part of the file name."""
    return name + '=@"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def comment(text: str) -> str:
    """Catalog text as a one-line comment in any of the languages (no line break, no comment or PHP tag end)."""
    text = " ".join(text.split()).replace("\\", "/").replace("*/", "* /").replace("?>", "? >")
    return ALWAYS_ESCAPED.sub(" ", text)
