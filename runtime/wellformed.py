"""Text that cannot become UTF-8 (lone surrogates, found by common.text), in a call, named before anything tries to encode it.

Python's json module decodes the escape "\\ud800" to a lone surrogate: a str that no UTF-8 encoder accepts. Left in a
call it fails wherever the text is encoded (the upstream body, a path segment, a query, HTTP Basic credentials, the
error envelope that echoes an unknown argument's name), which was a 500. Bytes that are not UTF-8 are decoded with
surrogateescape by the body reader, so they become lone surrogates too and are named the same way.

A valid call pays one substring search of its body (`may_hold_escaped_surrogates`); the walk runs only when that trips.

Integers too long for Python to read (more than sys.get_int_max_str_digits(), 4300, digits) make json.loads raise a
plain ValueError, which was a 500 too; `long_integer_path` names where such an integer is, only once a parse failed.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from common.text import first_lone_surrogate
from runtime.envelope import CallError, caller_error

ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
REASON = "not valid Unicode text (a lone surrogate such as \\ud800, or bytes that are not UTF-8)"
MAX_ECHOED = 100


def may_hold_escaped_surrogates(text: str) -> bool:
    """Whether JSON text can decode to a lone surrogate at all: it needs a \\uD800-\\uDFFF escape.

    A one-character search first (memchr, about 0.2 µs for a 1 KB body): most calls hold no backslash at all.
    """
    return "\\" in text and ESCAPED_SURROGATE.search(text) is not None


def printable(text: str, limit: int = MAX_ECHOED) -> str:
    """Caller text safe to echo in an envelope: lone surrogates written as \\udXXX, cut to limit characters."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def refuse_lone_surrogates(args: Any) -> None:
    """Raise JSON_VALIDATION naming the argument (and the place inside it) whose text is not valid Unicode."""
    path = first_lone_surrogate(args)
    if path is not None:
        raise lone_surrogate_error(path)


def lone_surrogate_reason(path: tuple[Any, ...]) -> str:
    """Why the value is refused, with the place of the bad text inside it (path from the value down)."""
    place = "".join(f"[{p}]" if isinstance(p, int) else f".{printable(p)}" for p in path).lstrip(".")
    return f"{place}: {REASON}" if place else REASON


def lone_surrogate_error(path: tuple[Any, ...]) -> CallError:
    """The error for a lone surrogate at path inside the args: the first key names the field."""
    field = printable(str(path[0])) if path else "args"
    reason = lone_surrogate_reason(path[1:])
    return caller_error("JSON_VALIDATION", f"Invalid text. {field}: {reason}.", [field], reasons={field: reason})


class _LongInteger:
    """Stands for an integer too long to read while long_integer_path looks for it."""


def long_integer_path(text: str) -> tuple[Any, ...] | None:
    """The path (keys, indexes) to the first integer of JSON text with more digits than Python reads, or None."""
    limit = sys.get_int_max_str_digits()
    marker = _LongInteger()

    def parse_int(digits: str) -> Any:
        return marker if limit and len(digits.lstrip("-")) > limit else int(digits)

    try:
        document = json.loads(text, parse_int=parse_int)
    except (ValueError, RecursionError):
        return None
    return _path_to(document, marker, ())


def _path_to(value: Any, target: object, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if value is target:
        return path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = _path_to(child, target, (*path, key))
        if found is not None:
            return found
    return None


def long_integer_reason(path: tuple[Any, ...]) -> str:
    """Why a value holding such an integer is refused, with its place inside the value (path from the value down)."""
    place = "".join(f"[{p}]" if isinstance(p, int) else f".{printable(str(p))}" for p in path).lstrip(".")
    reason = f"an integer of more than {sys.get_int_max_str_digits()} digits, more than a number can carry"
    return f"{place}: {reason}" if place else reason


def long_integer_error(path: tuple[Any, ...]) -> CallError:
    """The error for a too-long integer at path inside the args: the first key names the field."""
    field = printable(str(path[0])) if path else "args"
    reason = long_integer_reason(path[1:])
    return caller_error("JSON_VALIDATION", f"Invalid number. {field}: {reason}.", [field], reasons={field: reason})
