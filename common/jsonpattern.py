r"""JSON Schema's `pattern` keyword as the standard reads it: an ECMA-262 regular expression, where $ is the end of the
input. Python's $ also matches before a final newline, so "key" and a newline would pass ^[a-z]+$, and a value holding
one would pass ^[^\r\n\x00]*$. Every jsonschema validator of the project (the runtime's catalog checks, the sandbox's
body and descriptor checks) takes `pattern_keyword` for the keyword; fastjsonschema makes the same rewrite of an
unescaped $ to \Z itself (fastjsonschema.draft04.DOLLAR_FINDER), so the two read a pattern alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


@functools.cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """The pattern as ECMA-262 reads it: every unescaped $ is the end of the input."""
    return re.compile(UNESCAPED_DOLLAR.sub(r"\\Z", pattern))


def pattern_keyword(validator: Validator, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """jsonschema's pattern keyword, the pattern read by ecma_regex."""
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")  # jsonschema's own words
