"""JSON text as the runtime reads it: json.loads, with a number JSON cannot carry on named by its place.

Python converts an integer of at most sys.get_int_max_str_digits() digits (4,300 unless configured); json meets a
longer one with a bare ValueError that names no place, which escaped as a 500 INTERNAL_PACKAGE_ERROR. Python's json
also reads NaN, Infinity and -Infinity, which are not JSON, and 1e999 as infinity: sent on, the upstream would get a body
that is not JSON. The place is looked for only after such a failure, by parsing again with those numbers kept as
markers: a valid call pays nothing but a check per float.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from runtime.catalog.envelope import CallError, caller_error
from runtime.catalog.wellformed import place, printable

Path = tuple[str | int, ...]


class UnwritableNumber(ValueError):
    """A number JSON cannot carry (what says why), at path (keys and indexes) inside the parsed document."""

    def __init__(self, path: Path, what: str) -> None:
        self.path, self.what = path, what
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """Why the document is refused, with the place of the number inside it."""
        where = place(self.path)
        return f"{where}: {self.what}" if where else self.what

    def within(self, path: Path) -> UnwritableNumber:
        """The same number seen from the value at path (the path a prefix of this one's)."""
        return UnwritableNumber(self.path[len(path) :], self.what)

    def error(self) -> CallError:
        """JSON_VALIDATION naming the field: the first key of the path (the path from the args down), else args."""
        field = printable(str(self.path[0])) if self.path else "args"
        reason = self.within(self.path[:1]).reason
        return caller_error("JSON_VALIDATION", f"Invalid JSON input. {field}: {reason}.", [field], reasons={field: reason})


def long_integer_reason(digits: int) -> str:
    return f"an integer of {digits} digits, more than the {sys.get_int_max_str_digits()} a number may have"


def too_many_digits(digits: int) -> bool:
    limit = sys.get_int_max_str_digits()
    return limit > 0 and digits > limit


NOT_A_NUMBER = "NaN and infinity are not JSON numbers"


def loads(text: str) -> Any:
    """json.loads(text); an integer too long to convert, NaN, Infinity or a float beyond range raises
    UnwritableNumber with its place."""
    try:
        return DECODER.decode(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        found = _first_marked(json.loads(text, parse_int=_kept_if_long, parse_float=_kept_if_infinite, parse_constant=_Marked.of))
        if found is None:
            raise exc from None
        raise found from None


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(NOT_A_NUMBER)
    return number


def _refused(constant: str) -> float:
    raise ValueError(NOT_A_NUMBER)


# Made once: json.loads with hooks builds a decoder per call (5 µs of a notification's body).
DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_refused)


class _Marked:
    def __init__(self, what: str) -> None:
        self.what = what

    @classmethod
    def of(cls, _constant: str) -> _Marked:
        return cls(NOT_A_NUMBER)


def _kept_if_long(text: str) -> int | _Marked:
    digits = len(text.lstrip("-"))
    return _Marked(long_integer_reason(digits)) if too_many_digits(digits) else int(text)


def _kept_if_infinite(text: str) -> float | _Marked:
    number = float(text)
    return number if math.isfinite(number) else _Marked(NOT_A_NUMBER)


def _first_marked(document: Any) -> UnwritableNumber | None:
    """The first marked number in document order, walked without recursion (the document may nest deeply)."""
    pending: list[tuple[Path, Any]] = [((), document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, _Marked):
            return UnwritableNumber(path, value.what)
        if isinstance(value, dict):
            pending.extend(reversed([((*path, key), child) for key, child in value.items()]))
        elif isinstance(value, list):
            pending.extend(reversed([((*path, index), child) for index, child in enumerate(value)]))
    return None
