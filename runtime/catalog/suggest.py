"""Did you mean: the names closest to a misspelt function or argument name (difflib, case-insensitive).

Strings in, a string out: the catalog asks it about its functions, the argument checks about a function's arguments.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from runtime.catalog.describe import either

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
    return _question(close_names(word, candidates))


def _question(names: list[str]) -> str:
    return f"did you mean {either(names)}?" if names else ""

