r"""Request bodies: JSON only (as HipChat), checked against the endpoint's schema; the first failure is a 400 naming its field.

Each schema is compiled twice: fastjsonschema (draft-07) for the hot path, which only says yes or no, and jsonschema
(2020-12), which decides and describes whenever the fast check says no. The fast check is built only from keywords
that mean the same in both drafts, so it never accepts a body jsonschema refuses.

A pattern is read as JSON Schema says, an ECMA-262 regular expression, where $ is the end of the input. Python's $ also
matches before a final newline, so "key" and a newline would pass ^[a-z]+$, and a fault's header value holding one
would pass ^[^\r\n\x00]*$. Both checks write a pattern's every unescaped $ as \Z: fastjsonschema does so itself, and
jsonschema's pattern keyword is replaced by one that does the same (common.jsonpattern). The schemas keep ECMA's $, as
served to add-ons (/v2/capabilities/addon/schema), and every jsonschema check of the sandbox is made here (checker).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, cast

import fastjsonschema
from flask import request
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator

from common.jsonpattern import pattern_keyword
from common.text import first_lone_surrogate
from sandbox.http.errors import HipChatError, bad_request, missing_field
from sandbox.http.schemas import SCHEMAS

VALIDATION_NAMES = {
    "minLength": "length",
    "maxLength": "length",
    "minItems": "length",
    "maxItems": "length",
    "minimum": "range",
    "maximum": "range",
    "enum": "enum",
    "const": "enum",
    "pattern": "pattern",
    "type": "type",
    "anyOf": "type",
    "oneOf": "type",
    "additionalProperties": "unknown",
    "format": "format",
}

# fastjsonschema's compiled check: returns the body when valid, raises JsonSchemaValueException when not.
FastCheck = Callable[[Any], Any]
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# The keywords checked to mean in draft-07 (fastjsonschema's) what they mean in 2020-12 (jsonschema's). Any other is
# refused until it is checked too: draft-07 ignores prefixItems, dependentRequired, unevaluatedProperties, $dynamicRef
# (so the fast check would accept what they refuse), and reads items with a list, or a $ref with siblings, otherwise.
SAME_IN_DRAFT_07 = frozenset(
    {
        "$defs",
        "$ref",
        "additionalProperties",
        "anyOf",
        "const",
        "enum",
        "items",
        "maxLength",
        "maxProperties",
        "maximum",
        "minLength",
        "minimum",
        "pattern",
        "properties",
        "propertyNames",
        "required",
        "type",
    }
)


class UnsafeFastCheck(ValueError):
    """A schema the fast check could read more loosely than jsonschema does: the message names the schema and keyword."""


def json_body(required: bool = True) -> dict[str, Any]:
    """The request's JSON object. HipChat answers 400 "Invalid content type" to anything but application/json."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise bad_request("Request body is empty; expected a JSON object")
        return {}
    if request.mimetype != "application/json":
        raise bad_request(f"Invalid content type: {request.content_type or 'None'}")
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body


# Draft 2020-12 with ECMA's $ in its patterns: the only jsonschema validator the sandbox checks with (checker).
EcmaValidator = validators.extend(Draft202012Validator, {"pattern": pattern_keyword})


def checker(schema: dict[str, Any]) -> Validator:
    """The jsonschema check of a schema (its patterns read as ECMA-262 reads them); jsonschema.SchemaError if it is none."""
    EcmaValidator.check_schema(schema)
    return EcmaValidator(schema)


@functools.cache
def validator(name: str) -> Validator:
    return checker(SCHEMAS[name])


@functools.cache
def fast_check(name: str) -> FastCheck:
    validator(name)  # a schema jsonschema cannot read fails here, as before, not at its first invalid body
    return compile_fast_check(name, SCHEMAS[name])


def compile_fast_check(name: str, schema: dict[str, Any]) -> FastCheck:
    """The schema compiled to Python code by fastjsonschema: accepts only bodies jsonschema accepts (see same_in_draft_07)."""
    same_in_draft_07(name, schema)
    # fastjsonschema writes a pattern's $ as \Z, as common.jsonpattern does for jsonschema: both read a pattern alike.
    try:
        return fastjsonschema.compile({**schema, "$schema": DRAFT_07})
    except re.error as exc:  # that \Z inside a [...] set, where it is no escape
        raise UnsafeFastCheck(f"schema {name!r}: keyword 'pattern' {exc.pattern!r}: {exc}; write $ as \\$ inside [...]") from exc


def same_in_draft_07(name: str, schema: Any, where: str = "#") -> None:
    """Refuses, naming the schema, place and keyword, any schema whose draft-07 reading could accept more than 2020-12's."""
    if isinstance(schema, bool):
        return
    for keyword, value in schema.items():
        if keyword not in SAME_IN_DRAFT_07:
            raise _unsafe(name, where, keyword, "not known to mean the same in draft-07 (the fast check's) as in 2020-12")
        if keyword in ("enum", "const"):
            # fastjsonschema before 2.22 (pyproject admits 2.20) compares them with Python's ==, where True == 1 and
            # [True] == [1], which jsonschema tells apart. Strings and null compare alike in both.
            if any(item is not None and not isinstance(item, str) for item in (value if keyword == "enum" else [value])):
                raise _unsafe(name, where, keyword, "only strings and null compare as in jsonschema")
        elif keyword == "$ref":
            if len(schema) > 1:
                raise _unsafe(name, where, keyword, "draft-07 ignores the keywords beside a $ref")
            if not value.startswith("#/"):
                raise _unsafe(name, where, keyword, "only a reference inside the schema itself")
        elif keyword == "items" and not isinstance(value, (dict, bool)):
            raise _unsafe(name, where, keyword, "a list of items is draft-07's prefixItems, not 2020-12's items")
        elif keyword in ("items", "additionalProperties", "propertyNames"):
            same_in_draft_07(name, value, f"{where}/{keyword}")
        elif keyword in ("properties", "$defs"):
            for key, subschema in value.items():
                same_in_draft_07(name, subschema, f"{where}/{keyword}/{key}")
        elif keyword == "anyOf":
            for index, subschema in enumerate(value):
                same_in_draft_07(name, subschema, f"{where}/{keyword}/{index}")


def _unsafe(name: str, where: str, keyword: str, why: str) -> UnsafeFastCheck:
    return UnsafeFastCheck(f"schema {name!r}: keyword {keyword!r} at {where}: {why}")


def accepts_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind) or None in schema.get("enum", ())


def without_nulls(name: str, body: dict[str, Any]) -> dict[str, Any]:
    """null stands for "not given" where a field cannot be null: clients send it so (hypchat's create methods do)."""
    properties = SCHEMAS[name].get("properties", {})
    return {key: value for key, value in body.items() if value is not None or accepts_null(properties.get(key, {}))}


def check_text(body: Any) -> None:
    """400 naming the field (its dotted path) whose string or member name holds a lone surrogate."""
    path = first_lone_surrogate(body)
    if path is not None:
        field = ".".join(str(part).encode("utf-8", "replace").decode("utf-8") for part in path) or "body"
        message = f"Invalid value for '{field}': it holds a lone surrogate (\\ud800-\\udfff), which is not text"
        raise bad_request(message, field, "encoding", None)


def validate(name: str, body: dict[str, Any]) -> dict[str, Any]:
    check_text(body)
    body = without_nulls(name, body)
    try:
        fast_check(name)(body)
    except fastjsonschema.JsonSchemaValueException:  # jsonschema decides, and describes what it refuses
        error = fault(validator(name), body)
        if error is not None:
            raise error from None
    return body


def fault(check: Validator, instance: Any) -> HipChatError | None:
    """The 400 for the instance's first fault against the schema (check: made by checker), or None when it conforms."""
    error = best_match(check.iter_errors(instance), key=_earliest)
    return as_hipchat(error) if error is not None else None


def read(name: str, required: bool = True) -> dict[str, Any]:
    return validate(name, json_body(required))


def _earliest(error: ValidationError) -> tuple[int, bool]:
    # best_match takes the highest: shallow errors first, then missing fields, the field a caller most likely forgot.
    return (-len(error.path), error.validator == "required")


def as_hipchat(error: ValidationError) -> HipChatError:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        required: list[str] = cast(list[str], error.validator_value)
        missing = next(name for name in required if name not in cast(dict[str, Any], error.instance))
        return missing_field(".".join([*path, missing]))
    field = ".".join(path) or "body"
    validation = VALIDATION_NAMES.get(str(error.validator), str(error.validator))
    value = error.instance if isinstance(error.instance, (str, int, float, bool, type(None))) else None
    if validation == "length" and isinstance(error.schema, dict):
        low, high = (
            error.schema.get("minLength", error.schema.get("minItems", 0)),
            error.schema.get("maxLength", error.schema.get("maxItems")),
        )
        message = f"Invalid length for '{field}': {low} - {high if high is not None else 'unlimited'}"
    elif validation == "enum":
        message = f"Invalid value for '{field}': expected one of {', '.join(map(str, cast(list[Any], error.validator_value)))}"
    elif validation == "type":
        message = f"Invalid type for '{field}'"
    else:
        message = f"Invalid value for '{field}': {error.message}"
    return bad_request(message, field, validation, value)
