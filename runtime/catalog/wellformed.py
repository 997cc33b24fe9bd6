"""Text that cannot become UTF-8 (lone surrogates, found by common.text), in a call, named before anything tries to encode it.

Python's json module decodes the escape "\\ud800" to a lone surrogate: a str that no UTF-8 encoder accepts. Left in a
call it fails wherever the text is encoded (the upstream body, a path segment, a query, HTTP Basic credentials, the
error envelope that echoes an unknown argument's name), which was a 500. Bytes that are not UTF-8 are decoded with
surrogateescape by the body reader, so they become lone surrogates too and are named the same way.

A valid call pays one substring search of its body (`may_hold_escaped_surrogates`); the walk runs only when that trips.
"""

from __future__ import annotations

import re
from typing import Any

from common.text import first_lone_surrogate
from runtime.catalog.envelope import CallError, caller_error

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


def place(path: tuple[Any, ...]) -> str:
    """Where inside a value a path leads, as a caller writes it: key.inner[2].name ('' for the value itself)."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{printable(str(p))}" for p in path).lstrip(".")


def lone_surrogate_reason(path: tuple[Any, ...]) -> str:
    """Why the value is refused, with the place of the bad text inside it (path from the value down)."""
    where = place(path)
    return f"{where}: {REASON}" if where else REASON


def lone_surrogate_error(path: tuple[Any, ...]) -> CallError:
    """The error for a lone surrogate at path inside the args: the first key names the field."""
    field = printable(str(path[0])) if path else "args"
    reason = lone_surrogate_reason(path[1:])
    return caller_error("JSON_VALIDATION", f"Invalid text. {field}: {reason}.", [field], reasons={field: reason})

