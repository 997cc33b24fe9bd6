"""The catalog as a person reads it: groups, constraint lines, requirement lines (shared by the web page and the CLI)."""

from __future__ import annotations

from runtime.catalog import describe


def test_grouped_keeps_the_catalog_order_of_groups_and_blocks():
    blocks = [{"name": "a", "group": "Rooms"}, {"name": "b", "group": "Users"}, {"name": "c", "group": "Rooms"}, {"name": "d"}]
    groups = describe.grouped(blocks)
    assert [(group, [b["name"] for b in members]) for group, members in groups] == [
        ("Rooms", ["a", "c"]),
        ("Users", ["b"]),
        ("Other", ["d"]),
    ]


def test_constraints_describe_bounds_in_words():
    lines = describe.constraints({"type": "Number", "integer": True, "minimum": 0, "maximum": 1000.0})
    assert lines == ["whole number", "0 to 1000"]
    assert describe.constraints({"type": "String", "maxLength": 50, "pattern": "^[a-z]+$"}) == ["at most 50 characters", "matches ^[a-z]+$"]


def test_constraints_name_item_schemas_and_defaults():
    lines = describe.constraints({"type": "Array", "items": {"$ref": "#/$defs/cardAttribute"}, "minItems": 1, "default": ["x"]})
    assert lines == ["at least 1 item", "items: cardAttribute objects", 'default ["x"]']


def test_requirement_lines_join_requires_and_requires_when():
    block = {"requires": {"cardId": ["cardStyle"]}, "requiresWhen": [{"arg": "grantType", "equals": "password", "require": ["username"]}]}
    assert describe.requirement_lines(block) == [("cardId is given", ["cardStyle"]), ('grantType is "password"', ["username"])]


DEFINITIONS = {
    "tokens": {"group": {"label": "group client", "info": "…"}, "user": {"label": "user", "info": "…"}},
    "scopes": {"view_group": "…", "view_room": "…"},
}


def test_access_sentence_names_the_token_kinds_by_label_and_any_one_scope():
    access = {"tokens": ["group", "user"], "scopes": ["view_group", "view_room"], "confirmed": True}
    assert describe.access_sentence(access, DEFINITIONS) == "Token: group client or user; scope: view_group or view_room."


def test_access_sentence_says_when_no_token_or_no_scope_is_needed():
    assert describe.access_sentence({"tokens": [], "scopes": [], "confirmed": True}, DEFINITIONS) == "No token needed."
    assert describe.access_sentence({"tokens": ["user"], "scopes": [], "confirmed": True}, DEFINITIONS) == "Token: user; no scope needed."


def test_access_sentence_marks_access_the_documentation_does_not_state():
    sentence = describe.access_sentence({"tokens": ["user"], "scopes": ["view_room"]}, DEFINITIONS)
    assert sentence == "Token: user; scope: view_room (unconfirmed)."


def test_access_sentence_is_empty_when_the_catalog_does_not_say():
    assert describe.access_sentence(None, DEFINITIONS) == ""
