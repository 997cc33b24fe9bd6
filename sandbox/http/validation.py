"""Request bodies: JSON only (as HipChat), checked against the endpoint's schema; the first failure is a 400 naming its field."""

from __future__ import annotations

import functools
import json
from typing import Any, cast

from flask import request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

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


@functools.cache
def validator(name: str) -> Draft202012Validator:
    schema = SCHEMAS[name]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


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
    error = fault(validator(name), body)
    if error is not None:
        raise error
    return body


def fault(checker: Draft202012Validator, instance: Any) -> HipChatError | None:
    """The 400 for the instance's first fault against the schema, or None when it conforms."""
    error = best_match(checker.iter_errors(instance), key=_earliest)
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
