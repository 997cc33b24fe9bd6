"""What the web page makes of catalog entries: groups, input kinds, constraint lines, examples, requirements."""

from __future__ import annotations

import pytest

from runtime.web import present


def test_grouped_keeps_the_catalog_order_of_groups_and_blocks():
    blocks = [{"name": "a", "group": "Rooms"}, {"name": "b", "group": "Users"}, {"name": "c", "group": "Rooms"}, {"name": "d"}]
    groups = present.grouped(blocks)
    assert [(group, [b["name"] for b in members]) for group, members in groups] == [
        ("Rooms", ["a", "c"]),
        ("Users", ["b"]),
        ("Other", ["d"]),
    ]


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


def test_constraints_describe_bounds_in_words():
    lines = present.constraints({"type": "Number", "integer": True, "minimum": 0, "maximum": 1000.0})
    assert lines == ["whole number", "0 to 1000"]
    assert present.constraints({"type": "String", "maxLength": 50, "pattern": "^[a-z]+$"}) == ["at most 50 characters", "matches ^[a-z]+$"]


def test_constraints_name_item_schemas_and_defaults():
    lines = present.constraints({"type": "Array", "items": {"$ref": "#/$defs/cardAttribute"}, "minItems": 1, "default": ["x"]})
    assert lines == ["at least 1 item", "items: cardAttribute objects", 'default ["x"]']


def test_example_text_pretty_prints_json_and_spells_booleans():
    assert present.example_text({"type": "Array", "example": [{"a": 1}]}) == '[\n  {\n    "a": 1\n  }\n]'
    assert present.example_text({"type": "Boolean", "example": False}) == "false"
    assert present.example_text({"type": "Number", "example": 64}) == "64"
    assert present.example_text({"type": "String"}) == ""


def test_requirement_lines_join_requires_and_requires_when():
    block = {"requires": {"cardId": ["cardStyle"]}, "requiresWhen": [{"arg": "grantType", "equals": "password", "require": ["username"]}]}
    assert present.requirement_lines(block) == [("cardId is given", ["cardStyle"]), ('grantType is "password"', ["username"])]
