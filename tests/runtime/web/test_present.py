"""What the web page makes of catalog entries: input kinds and example texts."""

from __future__ import annotations

import pytest

from runtime.web import present


@pytest.mark.parametrize(
    ("arg", "kind"),
    [
        ({"type": "credentials"}, "secret"),
        ({"type": "String", "secret": True}, "secret"),
        ({"type": "String", "options": ["a", "b"]}, "select"),
        ({"type": "JSON"}, "json"),
        ({"type": "Array"}, "json"),
        ({"type": "File"}, "file"),
        ({"type": "Boolean"}, "boolean"),
        ({"type": "Number"}, "number"),
        ({"type": "String", "maxLength": 10000}, "textarea"),
        ({"type": "String", "maxLength": 100}, "text"),
        ({"type": "String"}, "text"),
    ],
)
def test_input_kind_follows_the_type(arg, kind):
    assert present.input_kind(arg) == kind


def test_example_text_pretty_prints_json_and_spells_booleans():
    assert present.example_text({"type": "Array", "example": [{"a": 1}]}) == '[\n  {\n    "a": 1\n  }\n]'
    assert present.example_text({"type": "Boolean", "example": False}) == "false"
    assert present.example_text({"type": "Number", "example": 64}) == "64"
    assert present.example_text({"type": "String"}) == ""
