"""pipeline/mapping.py: a path segment written by a table, byte for byte what urllib's quote(text, safe="") writes; a body
written as the json module writes it."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from runtime.pipeline.mapping import json_bytes, path_segment

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


BODIES = [
    {"message": "Deploy finished", "notify": True, "card": {"thumbnail": {"width": 64, "url@2x": "https://x/t.png"}, "attributes": []}},
    {"text": "élan ☃ 𝄞 \u2028 \u2029 \x7f \x00 \ufeff \" \\ / <script>", "nothing": None},
    {"floats": [0.1, 1.0, -0.0, 1e16, 123456789.125, 1e308], "ints": [0, -1, 2**63 - 1, -(2**63)]},
    {"big": [2**64, -(2**64), int("9" * 4300)]},  # beyond 64 bits: orjson refuses, the json module writes them
    {"deep": json.loads("[" * 300 + "]" * 300)},  # deeper than orjson's 254 levels
]


@pytest.mark.parametrize("body", BODIES)
def test_a_body_is_written_as_the_json_module_writes_it_compact(body):
    assert json_bytes(body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_a_float_with_a_negative_exponent_is_the_same_number_without_the_zero_padding():
    floats = [1.5e-7, 1e-7, 5e-324, 2.2250738585072014e-308]
    written = json_bytes({"floats": floats})
    assert written == b'{"floats":[1.5e-7,1e-7,5e-324,2.2250738585072014e-308]}'  # the json module writes 1.5e-07
    assert json.loads(written)["floats"] == floats


def test_a_lone_surrogate_cannot_be_written_into_a_body():
    with pytest.raises(UnicodeEncodeError):
        json_bytes({"message": "\ud800"})
