"""Text that cannot become UTF-8: lone surrogates, which Python's json makes of an escape such as "\\ud800".

Both servers find them in a decoded JSON value before anything tries to encode it, and name where they are.
"""

from __future__ import annotations

import re
from typing import Any

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def first_lone_surrogate(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path (keys, indexes) to the first string or member name of a decoded JSON value holding a lone surrogate."""
    if isinstance(value, str):
        return path if LONE_SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(key, str) and LONE_SURROGATE.search(key):
                return (*path, key)
            found = first_lone_surrogate(child, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found = first_lone_surrogate(child, (*path, index))
            if found is not None:
                return found
    return None
