"""Did you mean: the names closest to a misspelt function or argument name (difflib, case-insensitive)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from runtime.catalog.describe import either
from runtime.catalog.envelope import CallError, caller_error
from runtime.catalog.wellformed import printable

if TYPE_CHECKING:
    from runtime.catalog.loading import Catalog

MAX_SUGGESTIONS = 3
# A name longer than any real one is compared by its start only: difflib's cost grows with the product of the lengths.
MAX_COMPARED = 100


def close_names(word: str, candidates: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The candidates most like word, best first; none when nothing is close (difflib's ratio below 0.6)."""
    by_folded: dict[str, str] = {}
    for name in candidates:
        by_folded.setdefault(name.casefold(), name)
    folded = word[:MAX_COMPARED].casefold()
    if folded in by_folded:
        return [by_folded[folded]]  # the same name in other letter case: nothing else comes close
    matches = difflib.get_close_matches(folded, list(by_folded), n=limit)
    return [by_folded[match] for match in matches]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """'did you mean a or b?' for the closest candidates, or '' when none is close."""
    names = close_names(word, candidates)
    if not names:
        return ""
    return f"did you mean {either(names)}?"


def function_hint(catalog: Catalog, name: str) -> str:
    """'did you mean ...?' among the package's functions and their aliases, or ''."""
    return did_you_mean(name, [*catalog.functions, *catalog.aliases])


def unknown_function(catalog: Catalog, name: str) -> CallError:
    """UNKNOWN_FUNCTION, pointing at the package's closest function names."""
    hint = function_hint(catalog, name)
    text = f"The {catalog.package} package has no function {printable(name)!r}"
    return caller_error("UNKNOWN_FUNCTION", f"{text}; {hint}" if hint else f"{text}.")
