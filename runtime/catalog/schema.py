"""A function's JSON Schema, built from its catalog block and compiled twice: jsonschema to describe a refusal,
fastjsonschema for the hot path. The catalog compiles them when it loads; arguments.py checks calls with them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema import ValidationError
from jsonschema.protocols import Validator as SchemaValidator

from common.jsonpattern import pattern_keyword

# fastjsonschema's compiled check: returns the data when valid, raises JsonSchemaException when not.
FastCheck = Callable[[Any], Any]

JSON_TYPE = {"String": "string", "credentials": "string", "Number": "number", "Boolean": "boolean", "JSON": "object", "Array": "array"}
# maxItems before items: a list that is too long is described by its length, not by its first bad item.
COPIED_KEYS = ("minimum", "maximum", "minLength", "maxLength", "pattern", "maxItems", "items", "minItems")
# A token that goes into the Authorization header: visible ASCII only, so no CR/LF can split the header.
CREDENTIAL_PATTERN = r"^[\x21-\x7e]+$"


def arg_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one argument, after coercion."""
    kind = spec["type"]
    if kind == "File":
        return {}  # resolved and checked by runtime.pipeline.files
    schema: dict[str, Any] = {"type": JSON_TYPE[kind]}
    if kind == "Number" and spec.get("integer"):
        schema["type"] = "integer"
    if "options" in spec:
        schema["enum"] = spec["options"]
    schema.update({key: spec[key] for key in COPIED_KEYS if key in spec})
    if any(wire["in"] == "bearer" for wire in wires_of(spec)):
        schema = {"allOf": [schema, {"pattern": CREDENTIAL_PATTERN}]}
    return schema


def wires_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    wire = spec["wire"]
    return wire if isinstance(wire, list) else [wire]


def _first_error_per_property(
    validator: Any, properties: dict[str, Any], instance: Any, schema: Mapping[str, Any]  # Any: descend is not in the Validator protocol
) -> Iterator[ValidationError]:
    """JSON Schema's properties, describing only the first error of each property.

    The errors come lazily, so the rest of a value is never looked at: an argument holding 80,000 bad items costs
    its first one, not 80,000 error objects.
    """
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name in instance:
            error = next(validator.descend(instance[name], subschema, path=name, schema_path=name), None)
            if error is not None:
                yield error


Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": pattern_keyword, "properties": _first_error_per_property}
)


def compile_validator(block: dict[str, Any], defs: dict[str, Any]) -> SchemaValidator:
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {a["name"]: arg_schema(a) for a in block["args"]},
        "required": [a["name"] for a in block["args"] if a["required"]],
        "additionalProperties": False,
        "$defs": defs,
    }
    if block.get("requires"):
        schema["dependentRequired"] = block["requires"]
    conditions = [
        {
            "if": {"properties": {rule["arg"]: {"const": rule["equals"]}}, "required": [rule["arg"]]},
            "then": {"required": rule["require"]},
        }
        for rule in block.get("requiresWhen", [])
    ]
    if conditions:
        schema["allOf"] = conditions
    return Validator(schema)


def compile_fast_check(schema: Mapping[str, Any]) -> FastCheck:
    """The same schema compiled to Python code (fastjsonschema, draft-07 spelling): the hot path for valid args.

    Invalid args are then described by the jsonschema validator, which reports every field with its reason.
    """
    draft7 = {key: value for key, value in schema.items() if key != "dependentRequired"}
    draft7["$schema"] = "http://json-schema.org/draft-07/schema#"
    if "dependentRequired" in schema:
        draft7["dependencies"] = fewest_dependencies(schema["dependentRequired"])
    # An argument with items is checked in a function of its own (the same schema, by $ref): fastjsonschema names
    # each item with format(**locals()), which in the one big function copies every argument's locals per item.
    properties, defs = dict(draft7.get("properties", {})), dict(draft7.get("$defs", {}))
    for name, subschema in properties.items():
        if "items" in subschema:
            defs[f"argument {name}"] = subschema
            properties[name] = {"$ref": f"#/$defs/argument {name}"}
    draft7["properties"], draft7["$defs"] = properties, defs
    return fastjsonschema.compile(draft7)


def fewest_dependencies(dependencies: dict[str, list[str]]) -> dict[str, list[str]]:
    """The same requirements with the fewest checks: B leaves A's list when another name on it requires B (directly or
    in turn), since that name's own check then asks for B. Which args are valid does not change."""
    fewest = {name: list(needed) for name, needed in dependencies.items()}
    for name, needed in fewest.items():
        for other in list(needed):
            rest = [n for n in needed if n != other]
            fewest[name] = rest
            if other not in _required_in_turn(fewest, rest):
                fewest[name] = needed
            else:
                needed = rest
    return fewest


def _required_in_turn(dependencies: dict[str, list[str]], names: list[str]) -> set[str]:
    """The names, and every name they require, in turn."""
    found, todo = set(names), list(names)
    while todo:
        for needed in dependencies.get(todo.pop(), []):
            if needed not in found:
                found.add(needed)
                todo.append(needed)
    return found


def check_item_schemas(document: dict[str, Any]) -> None:
    """The catalog's free-form schemas ($defs, Array items) must be valid JSON Schema; the error names the entry."""
    schemas = {f"$defs.{name}": schema for name, schema in document.get("$defs", {}).items()}
    schemas.update({f"{b['name']}.{a['name']}.items": a["items"] for b in document["blocks"] for a in b["args"] if "items" in a})
    for where, schema in schemas.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise jsonschema.SchemaError(f"{where}: {exc.message}") from exc
