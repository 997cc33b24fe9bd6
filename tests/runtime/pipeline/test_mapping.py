"""pipeline/mapping.py's path segment: written by a table, byte for byte what urllib's quote(text, safe="") writes."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from runtime.pipeline.mapping import path_segment

TEXTS = [chr(code) for code in range(1, 0x250) if chr(code) != "."]  # "." alone is refused (a dot segment)
TEXTS += ["Ops Room", "a/b?c#d%e", "..x", "élan ☃ 𝄞", "%2F", "~._-", "\u2028", "\ufeff"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_path_segment_is_percent_encoded_as_quote_does(text):
    assert path_segment("roomIdOrName", text) == quote(text, safe="")


def test_a_number_is_written_as_its_digits():
    assert path_segment("roomIdOrName", 42) == "42"


def test_a_lone_surrogate_cannot_become_a_segment():
    with pytest.raises(UnicodeEncodeError):
        path_segment("roomIdOrName", "\ud800")
