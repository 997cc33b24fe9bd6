"""The OpenAPI 3.1 document of the runtime, generated from the catalog: one operation per function."""

from __future__ import annotations

import copy
import json
from typing import Any, cast

from runtime.catalog.describe import access_sentence
from runtime.catalog.envelope import CALLER_ERRORS
from runtime.catalog.examples import example_args, example_value
from runtime.catalog.loading import Arg, Catalog, Function
from runtime.snippets.render import LANGUAGES

OPENAPI_VERSION = "3.1.0"
DOCUMENT_VERSION = "1.0.0"
DEFS_PREFIX = "#/$defs/"
COMPONENTS_PREFIX = "#/components/schemas/"
PACKAGE_TAG = "Package"
FILE_FORMS = "a data: URI (data:[<type>][;name=<file>][;base64],<data>) or an http(s) URL the runtime fetches"
FILE_PATTERN = "^(data:[^,]*,|https?://)"
BASE64_FORM = "the file's bytes as a bare base64 string, "
BASE64_PATTERN = "^(data:[^,]*,|https?://|[A-Za-z0-9+/\\s]+=*\\s*$)"
UPSTREAM_CODES = ("API_ERROR", "RATE_LIMITED", "UPSTREAM_TIMEOUT", "INTERNAL_PACKAGE_ERROR")
API = "{api}"  # stands for the upstream API's name (the catalog's upstream.name) in the texts below

# HTTP status of an error envelope -> what it means for a call.
ERROR_RESPONSES: dict[str, str] = {
    "400": "Missing, malformed or invalid arguments (REQUIRED_FIELDS, JSON_VALIDATION, INVALID_ARGUMENTS), or {api}'s 400 (API_ERROR).",
    "404": "No such function (UNKNOWN_FUNCTION) or snippet language (UNKNOWN_LANGUAGE), or {api} found no such resource (API_ERROR).",
    "413": "The call body is larger than the runtime accepts (REQUEST_TOO_LARGE).",
    "415": "The call was not sent as application/json or multipart/form-data (UNSUPPORTED_MEDIA_TYPE).",
    "429": "A rate limit of {api} was hit (RATE_LIMITED); reset is when it lifts.",
    "4XX": "Any other {api} 4xx answer, mirrored with its status (API_ERROR); upstream_status and error carry {api}'s own.",
    "502": "{api} answered 5xx, could not be reached, or sent an answer too large to read (API_ERROR, INTERNAL_PACKAGE_ERROR).",
    "504": "{api} did not answer within the configured timeouts (UPSTREAM_TIMEOUT).",
}

ENVELOPE_SCHEMAS: dict[str, Any] = {
    "SuccessEnvelope": {
        "type": "object",
        "description": "A successful call: {api}'s JSON answer, 'success' for an empty answer, or the URL of a redirect.",
        "required": ["callback", "contextWrites"],
        "properties": {
            "callback": {"const": "success"},
            "contextWrites": {"type": "object", "required": ["to"], "properties": {"to": {}}},
        },
    },
    "ErrorEnvelope": {
        "type": "object",
        "description": "A failed call, in the RapidAPI error envelope.",
        "required": ["callback", "contextWrites"],
        "properties": {
            "callback": {"const": "error"},
            "contextWrites": {
                "type": "object",
                "required": ["to"],
                "properties": {"to": {"$ref": COMPONENTS_PREFIX + "ErrorDetails"}},
            },
        },
    },
    "ErrorDetails": {
        "type": "object",
        "required": ["status_code", "status_msg", "fields"],
        "properties": {
            "status_code": {
                "type": "string",
                "description": "What went wrong, e.g. " + ", ".join([*CALLER_ERRORS, *UPSTREAM_CODES]) + ".",
                "examples": [*CALLER_ERRORS, *UPSTREAM_CODES],
            },
            "status_msg": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "string"}, "description": "The arguments at fault."},
            "reasons": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Why each argument is at fault."},
            "upstream_status": {"type": "integer", "description": "{api}'s HTTP status, for API_ERROR and RATE_LIMITED."},
            "error": {"type": "object", "description": "{api}'s error object, as {api} sent it."},
            "body": {"description": "{api}'s answer when it was not an error object."},
            "reset": {"type": "integer", "description": "Unix time at which the exhausted rate limit resets (RATE_LIMITED)."},
        },
    },
    "FunctionBlock": {
        "type": "object",
        "description": "One function of the package, as the RapidAPI listing shows it.",
        "required": ["name", "description", "args"],
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "group": {"type": "string"},
            "access": {"$ref": COMPONENTS_PREFIX + "Access"},
            "args": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "type", "info", "required"],
                    "properties": {
                        "name": {"type": "string"},
                        "type": {"type": "string"},
                        "info": {"type": "string"},
                        "required": {"type": "boolean"},
                    },
                },
            },
            "callbacks": {"type": "array", "items": {"type": "object"}},
        },
    },
    "PackageListing": {
        "type": "object",
        "required": ["package", "blocks"],
        "properties": {
            "package": {"type": "string"},
            "tagline": {"type": "string"},
            "description": {"type": "string"},
            "access": {
                "type": "object",
                "description": "The kinds of token (name -> label, info) and the scopes (name -> what it allows) that blocks name.",
            },
            "blocks": {"type": "array", "items": {"$ref": COMPONENTS_PREFIX + "FunctionBlock"}},
        },
    },
    "Access": {
        "type": "object",
        "description": "Who may call a function: the kinds of token {api} takes for it, and the scopes (any one of them) the token needs.",
        "required": ["tokens", "scopes"],
        "properties": {
            "tokens": {"type": "array", "items": {"type": "string"}, "description": "Empty: no token needed."},
            "scopes": {"type": "array", "items": {"type": "string"}},
            "confirmed": {"type": "boolean", "description": "true when {api}'s documentation states this access; otherwise inferred."},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "functions"],
        "properties": {"status": {"const": "ok"}, "functions": {"type": "integer", "minimum": 0}},
    },
}


def build_document(catalog: Catalog, server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for the catalog, served from server_url (the runtime's base URL)."""
    package = catalog.package
    api = catalog.upstream.name
    schemas = _catalog_defs(catalog)
    for name, schema in ENVELOPE_SCHEMAS.items():
        _add_component(schemas, name, _naming(schema, api))
    paths: dict[str, Any] = {
        "/healthz": {"get": _get_operation("healthz", "Liveness: the runtime is up, with its number of functions.", "Health")},
        f"/api/{package}": {"get": _get_operation("listPackage", f"The {package} package: every function block.", "PackageListing")},
        f"/api/{package}/{{function}}": {"get": _block_operation(catalog)},
        "/openapi.json": {"get": _get_operation("openapi", "This document.", None)},
        f"/api/{package}/{{function}}/snippet/{{language}}": _snippet_operations(catalog),
    }
    for function in catalog.functions.values():
        _add_component(schemas, _args_component(function), _args_schema(function))
        paths[f"/api/{package}/{function.name}"] = {"post": _call_operation(catalog, function)}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": f"{package} function package", "version": DOCUMENT_VERSION, "description": catalog.document["description"]},
        "servers": [{"url": server_url}],
        "tags": [{"name": PACKAGE_TAG, "description": "The package listing and the runtime's health."}]
        + [{"name": group} for group in _groups(catalog)],
        "paths": paths,
        "components": {"schemas": schemas, "responses": _error_responses(api)},
    }


def _naming(node: Any, api: str) -> Any:
    """A deep copy of a text template with {api} replaced by the upstream API's name."""
    if isinstance(node, dict):
        return {key: _naming(value, api) for key, value in node.items()}
    if isinstance(node, list):
        return [_naming(item, api) for item in node]
    return node.replace(API, api) if isinstance(node, str) else node


def _groups(catalog: Catalog) -> list[str]:
    return list(dict.fromkeys(_group(function, catalog.package) for function in catalog.functions.values()))


def _group(function: Function, package: str) -> str:
    return function.block.get("group", package)


def _catalog_defs(catalog: Catalog) -> dict[str, Any]:
    return {name: _rewrite_refs(schema) for name, schema in catalog.document.get("$defs", {}).items()}


def _add_component(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    if name in schemas:
        raise ValueError(f"components/schemas/{name} is defined twice (a catalog $defs name collides with a generated one)")
    schemas[name] = schema


def _rewrite_refs(node: Any) -> Any:
    """A deep copy of a catalog schema with #/$defs/ references pointing into components/schemas."""
    if isinstance(node, dict):
        return {
            key: (COMPONENTS_PREFIX + value[len(DEFS_PREFIX) :])
            if key == "$ref" and isinstance(value, str) and value.startswith(DEFS_PREFIX)
            else _rewrite_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return copy.deepcopy(node)


def _args_component(function: Function) -> str:
    return f"{function.name}Args"


def _args_schema(function: Function) -> dict[str, Any]:
    """The function's validation schema (the one the runtime checks calls against), with descriptions and examples."""
    schema = {key: value for key, value in _rewrite_refs(function.validator.schema).items() if key not in ("$schema", "$defs")}
    for arg in function.args.values():
        prop = _file_schema(arg) if arg.is_file else schema["properties"][arg.name]
        if not arg.is_file:
            prop["description"] = arg.spec["info"]
        if arg.required and prop.get("type") == "string" and not arg.spec.get("allowEmpty") and not prop.get("minLength"):
            prop["minLength"] = 1  # the runtime takes "" for an absent argument
        if "correction" in arg.spec:
            prop["description"] += f" Correction: {arg.spec['correction']}"
        if "default" in arg.spec:
            prop["default"] = arg.spec["default"]
        if "example" in arg.spec:
            prop["examples"] = [arg.spec["example"]]
        if arg.secret:
            prop["writeOnly"] = True
        schema["properties"][arg.name] = prop
    return schema


def _file_schema(arg: Arg) -> dict[str, Any]:
    """In a JSON call a File argument is text: a data: URI or a URL (an upload is a multipart part instead), or the
    bare base64 of the file where the catalog says acceptsBase64."""
    if arg.spec.get("acceptsBase64"):
        return {"type": "string", "pattern": BASE64_PATTERN, "description": f"{arg.spec['info']} Give {BASE64_FORM}{FILE_FORMS}."}
    return {"type": "string", "pattern": FILE_PATTERN, "description": f"{arg.spec['info']} Give {FILE_FORMS}."}


def _description(catalog: Catalog, function: Function) -> str:
    lines = [function.summary]
    access = access_sentence(function.block.get("access"), catalog.document.get("access"))
    if access:
        lines.append(f"Access: {access}")
    aliases = function.block.get("aliases", [])
    if aliases:
        lines.append("Also answers as: " + ", ".join(aliases) + ".")
    notes = function.block.get("notes", [])
    if notes:
        lines.append("Notes:\n" + "\n".join(f"- {note}" for note in notes))
    return "\n\n".join(lines)


def request_example(function: Function) -> dict[str, Any]:
    """The required args' examples, plus the args that conditional requirements (requires, requiresWhen) then call for."""
    args = example_args(function)
    for _ in function.args:  # each round adds at least one arg, or stops
        missing = {
            name
            for error in function.validator.iter_errors(args)
            if error.validator == "required" and isinstance(error.instance, dict)
            for name in cast(Any, error.validator_value)
            if name not in error.instance and name in function.args
        }
        missing |= {
            name
            for error in function.validator.iter_errors(args)
            if error.validator == "dependentRequired"
            for given, needed in cast(Any, error.validator_value).items()
            if given in args
            for name in needed
            if name not in args
        }
        if not missing:
            break
        args.update({name: example_value(function.args[name]) for name in sorted(missing)})
    return args


def _call_operation(catalog: Catalog, function: Function) -> dict[str, Any]:
    args_ref = {"$ref": COMPONENTS_PREFIX + _args_component(function)}
    has_required = any(arg.required for arg in function.args.values())
    body: dict[str, Any] = {"type": "object", "properties": {"args": args_ref}}
    if has_required:
        body["required"] = ["args"]
    content: dict[str, Any] = {"application/json": {"schema": body, "example": {"args": request_example(function)}}}
    if function.file_args:
        content["multipart/form-data"] = _multipart(function)
    operation: dict[str, Any] = {
        "operationId": function.name,
        "summary": function.summary,
        "description": _description(catalog, function),
        "tags": [_group(function, catalog.package)],
        "requestBody": {"required": has_required, "content": content},
        "responses": {
            "200": {
                "description": f"{catalog.upstream.name}'s answer in the success envelope.",
                "content": {"application/json": {"schema": {"$ref": COMPONENTS_PREFIX + "SuccessEnvelope"}}},
            },
            **{status: {"$ref": f"#/components/responses/{_response_name(status)}"} for status in ERROR_RESPONSES},
        },
    }
    if "access" in function.block:
        # The token travels as an argument, not as a header to the runtime: so an extension, not `security`.
        operation["x-access"] = copy.deepcopy(function.block["access"])
    return operation


def _multipart(function: Function) -> dict[str, Any]:
    """The same call with File arguments uploaded as parts named after them; the other args as JSON text."""
    properties: dict[str, Any] = {
        "args": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": f"The other arguments as a JSON object (see {_args_component(function)}).",
        }
    }
    for arg in function.file_args:
        properties[arg.name] = {"type": "string", "contentMediaType": "application/octet-stream", "description": arg.spec["info"]}
    examples = {name: value for name, value in request_example(function).items() if name not in {a.name for a in function.file_args}}
    return {
        "schema": {"type": "object", "properties": properties},
        "encoding": {"args": {"contentType": "application/json"}},
        "example": {"args": json.dumps(examples)},
    }


def _block_operation(catalog: Catalog) -> dict[str, Any]:
    names = [*catalog.functions, *catalog.aliases]
    operation = _get_operation("describeFunction", "One function block: its arguments and callbacks.", "FunctionBlock")
    operation["parameters"] = [
        {"name": "function", "in": "path", "required": True, "schema": {"type": "string", "enum": names}, "example": names[0]}
    ]
    operation["responses"]["404"] = {"$ref": "#/components/responses/" + _response_name("404")}
    return operation


def _snippet_operations(catalog: Catalog) -> dict[str, Any]:
    """GET (example values) and POST (the caller's args) of a code snippet calling one function, as text/plain."""
    names = [*catalog.functions, *catalog.aliases]
    parameters = [
        {"name": "function", "in": "path", "required": True, "schema": {"type": "string", "enum": names}, "example": names[0]},
        {"name": "language", "in": "path", "required": True, "schema": {"type": "string", "enum": list(LANGUAGES)}, "example": "python"},
    ]
    code = {
        "200": {
            "description": f"The code; it reads the token from {catalog.environment.token}.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    }
    errors = {status: {"$ref": f"#/components/responses/{_response_name(status)}"} for status in ("400", "404")}
    args_body = {"type": "object", "properties": {"args": {"type": "object", "description": "The function's arguments, as for a call."}}}
    return {
        "get": {
            "operationId": "snippetExample",
            "summary": "A snippet calling the function with example values.",
            "tags": [PACKAGE_TAG],
            "parameters": parameters,
            "responses": {**code, "404": errors["404"]},
        },
        "post": {
            "operationId": "snippet",
            "summary": "A snippet calling the function with these arguments (secrets are read from the environment).",
            "tags": [PACKAGE_TAG],
            "parameters": parameters,
            "requestBody": {"required": True, "content": {"application/json": {"schema": args_body}}},
            "responses": {**code, **errors, "415": {"$ref": "#/components/responses/" + _response_name("415")}},
        },
    }


def _get_operation(operation_id: str, summary: str, schema_name: str | None) -> dict[str, Any]:
    schema = {"$ref": COMPONENTS_PREFIX + schema_name} if schema_name else {"type": "object"}
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": [PACKAGE_TAG],
        "responses": {"200": {"description": summary, "content": {"application/json": {"schema": schema}}}},
    }


def _response_name(status: str) -> str:
    return f"Error{status}"


def _error_responses(api: str) -> dict[str, Any]:
    envelope = {"application/json": {"schema": {"$ref": COMPONENTS_PREFIX + "ErrorEnvelope"}}}
    return {_response_name(status): {"description": _naming(text, api), "content": envelope} for status, text in ERROR_RESPONSES.items()}
