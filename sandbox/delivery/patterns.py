"""Webhook patterns, matched in linear time with RE2, so that no pattern can stall the sandbox (no backtracking).

HipChat's patterns were Java regular expressions. RE2 takes the common part (classes, alternation, anchors, counted
repetition, (?i) and the other flags, named groups, \\p{..} classes) and refuses what needs backtracking:
backreferences (\\1), lookahead and lookbehind ((?=, (?!, (?<=, (?<!), possessive quantifiers (a++), atomic groups
((?>...)). Linear is not always fast: nested counted repetition ((?:[a-z]{1,100}){10}) compiles to thousands of
instructions and outgrows RE2's match cache, costing tenths of a second a message. So a pattern is also refused when
its program is larger than MAX_PROGRAM_SIZE instructions (what bots listen for takes well under a hundred; at the
cap, a 10,000-character message costs a few milliseconds). A refused pattern is answered 400 when the webhook is
created, on every path that creates one.
"""

from __future__ import annotations

import functools

import re2

from sandbox.http.errors import bad_request

MAX_PATTERN_LENGTH = 512
PROGRAM_MEMORY = 1 << 20  # bytes RE2 may give one compiled pattern (program and match cache)
MAX_PROGRAM_SIZE = 500  # instructions; ^/weather is 4, (?i)^/deploy\s+(\w+) is 19, \p{Greek}+ is 67


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = PROGRAM_MEMORY
    return options


@functools.lru_cache(maxsize=4096)
def compiled(pattern: str) -> re2._Regexp:
    """The pattern compiled by RE2; re2.error for one it refuses."""
    return re2.compile(pattern, _options())


def check(pattern: str, field: str = "pattern") -> None:
    """400 naming the field for a pattern the sandbox could not match."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise bad_request(f"Invalid length for '{field}': 0 - {MAX_PATTERN_LENGTH}", field, "length", pattern)
    try:
        size = compiled(pattern).programsize
    except (re2.error, UnicodeError) as error:
        raise bad_request(f"Invalid regular expression in '{field}': {reason(error)}", field, "pattern", pattern) from None
    if size > MAX_PROGRAM_SIZE:
        too_complex = f"{size} instructions, at most {MAX_PROGRAM_SIZE}: nest fewer counted repetitions"
        raise bad_request(f"The regular expression in '{field}' is too complex ({too_complex})", field, "pattern", pattern)


def reason(error: Exception) -> str:
    if isinstance(error, UnicodeError):
        return "it is not valid Unicode text"
    text = error.args[0] if error.args else str(error)
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{text} (patterns are matched with RE2: no backreferences, lookaround, possessive quantifiers or atomic groups)"


def matches(pattern: str, text: str) -> bool:
    """Whether the pattern is found in the text; a pattern stored before it was checked never matches."""
    try:
        return compiled(pattern).search(text) is not None
    except (re2.error, UnicodeError):
        return False
