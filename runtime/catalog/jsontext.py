"""JSON text as the runtime reads it: json.loads, with an integer too long for Python named by its place.

Python converts an integer of at most sys.get_int_max_str_digits() digits (4,300 unless configured); json meets a
longer one with a bare ValueError that names no place, which escaped as a 500 INTERNAL_PACKAGE_ERROR. The place is
looked for only after that failure, by parsing again with such integers kept as markers: a valid call pays nothing.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from runtime.catalog.envelope import CallError, caller_error
from runtime.catalog.wellformed import place, printable

Path = tuple[str | int, ...]


class LongInteger(ValueError):
    """An integer of more digits than Python converts, at path (keys and indexes) inside the parsed document."""

    def __init__(self, path: Path, digits: int) -> None:
        self.path, self.digits = path, digits
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """Why the document is refused, with the place of the integer inside it."""
        where = place(self.path)
        return f"{where}: {long_integer_reason(self.digits)}" if where else long_integer_reason(self.digits)

    def within(self, path: Path) -> LongInteger:
        """The same integer seen from the value at path (the path a prefix of this one's)."""
        return LongInteger(self.path[len(path) :], self.digits)

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


def loads(text: str) -> Any:
    """json.loads(text); an integer too long to convert raises LongInteger with its place."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        found = _first_long_integer(json.loads(text, parse_int=_kept_if_long))
        if found is None:
            raise exc from None
        raise found from None


class _Long:
    def __init__(self, digits: int) -> None:
        self.digits = digits


def _kept_if_long(text: str) -> int | _Long:
    digits = len(text.lstrip("-"))
    return _Long(digits) if too_many_digits(digits) else int(text)


def _first_long_integer(document: Any) -> LongInteger | None:
    """The first marked integer in document order, walked without recursion (the document may nest deeply)."""
    pending: list[tuple[Path, Any]] = [((), document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, _Long):
            return LongInteger(path, value.digits)
        if isinstance(value, dict):
            pending.extend(reversed([((*path, key), child) for key, child in value.items()]))
        elif isinstance(value, list):
            pending.extend(reversed([((*path, index), child) for index, child in enumerate(value)]))
    return None
