"""common.jsonpattern: a JSON Schema pattern's $ is the end of the value, in every jsonschema check of the project."""

from __future__ import annotations

from jsonschema import Draft202012Validator, validators

from common.jsonpattern import ecma_regex, pattern_keyword

Checked = validators.extend(Draft202012Validator, {"pattern": pattern_keyword})


def test_a_dollar_is_the_end_of_the_value_not_before_a_final_newline():
    check = Checked({"type": "string", "pattern": r"^[a-z]+$"})
    assert check.is_valid("key")
    assert not check.is_valid("key\n")


def test_an_escaped_dollar_stays_a_dollar_sign():
    assert ecma_regex(r"^a\$$").search("a$")
    assert not ecma_regex(r"^a\$$").search("a$\n")
