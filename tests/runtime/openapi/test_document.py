"""runtime.openapi.document and GET /openapi.json: a valid OpenAPI 3.1 document that says what the catalog says."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from runtime.app import create_app
from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from runtime.openapi.document import ERROR_RESPONSES, build_document

CATALOG = load_catalog(Settings().catalog_file)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    response = create_app(Settings()).test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def schema_validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for a schema inside the document: its #/components/... references resolve within the copy."""
    return jsonschema.Draft202012Validator({**schema, "components": document["components"]})


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def call_operation(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["paths"][f"/api/HipChat/{name}"]["post"]


def args_schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    body = call_operation(document, name)["requestBody"]["content"]["application/json"]["schema"]
    return resolve(document, body["properties"]["args"])


def test_served_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_function_has_one_post_operation_named_after_it(document):
    operations = {path: item["post"]["operationId"] for path, item in document["paths"].items() if "post" in item and "{" not in path}
    assert operations == {f"/api/HipChat/{name}": name for name in CATALOG.functions}
    assert all(set(document["paths"][path]) == {"post"} for path in operations)


def test_package_listing_block_and_health_routes_are_documented(document):
    assert set(document["paths"]["/api/HipChat"]) == {"get"}
    assert set(document["paths"]["/healthz"]) == {"get"}
    block = document["paths"]["/api/HipChat/{function}"]["get"]
    names = block["parameters"][0]["schema"]["enum"]
    assert set(CATALOG.functions) | set(CATALOG.aliases) == set(names)
    assert "404" in block["responses"]


def test_snippet_routes_are_documented_with_their_languages(document):
    snippet = document["paths"]["/api/HipChat/{function}/snippet/{language}"]
    assert set(snippet) == {"get", "post"}
    languages = snippet["get"]["parameters"][1]["schema"]["enum"]
    assert languages == ["curl", "python", "javascript", "node", "php", "ruby", "go", "java", "csharp"]
    assert "text/plain" in snippet["post"]["responses"]["200"]["content"]


def test_operation_tags_and_summaries_come_from_the_catalog(document):
    for name, function in CATALOG.functions.items():
        operation = call_operation(document, name)
        assert operation["tags"] == [function.block["group"]]
        assert operation["summary"] == function.block.get("summary", function.block["description"])
    assert {tag["name"] for tag in document["tags"]} >= {f.block["group"] for f in CATALOG.functions.values()}


def test_a_broken_seed_description_gives_way_to_the_clean_summary(document):
    operation = call_operation(document, "deleteSession")
    assert operation["summary"] == "Deletes the OAuth session via its associated access_token."
    assert "Accessible by" not in operation["description"]


def test_each_operation_carries_who_may_call_it(document):
    for name, function in CATALOG.functions.items():
        operation = call_operation(document, name)
        assert operation["x-access"] == function.block["access"], name
    room = call_operation(document, "getRoom")
    assert "Access: Token: group client, room client or user; scope: view_group or view_room (unconfirmed)." in room["description"]
    notification = call_operation(document, "sendRoomNotification")
    assert "Access: Token: group client, room client or user; scope: send_notification." in notification["description"]
    assert "Access: Token: user; scope: send_message." in call_operation(document, "sendPrivateMessage")["description"]
    assert "Access: No token needed." in call_operation(document, "getAccessToken")["description"]


def test_block_notes_and_aliases_are_in_the_description(document):
    for name, function in CATALOG.functions.items():
        description = call_operation(document, name)["description"]
        for text in [*function.block.get("notes", []), *function.block.get("aliases", [])]:
            assert text in description, (name, text)


def test_args_schema_lists_every_argument_with_its_info_and_required_ones(document):
    for name, function in CATALOG.functions.items():
        schema = args_schema(document, name)
        assert set(schema["properties"]) == set(function.args)
        assert set(schema.get("required", [])) == {a.name for a in function.args.values() if a.required}
        assert schema["additionalProperties"] is False
        for arg in function.args.values():
            assert schema["properties"][arg.name]["description"].startswith(arg.spec["info"])


def test_arg_types_options_and_bounds_are_in_the_schema(document):
    properties = args_schema(document, "getAllRooms")["properties"]
    assert properties["maxResults"]["type"] == "integer"
    assert (properties["maxResults"]["minimum"], properties["maxResults"]["maximum"]) == (0, 1000)
    assert properties["includePrivate"]["type"] == "boolean"
    grant = args_schema(document, "getAccessToken")["properties"]["grantType"]
    assert grant["enum"] == CATALOG.find("getAccessToken").args["grantType"].spec["options"]


def test_corrections_and_examples_of_arguments_are_documented(document):
    for name, function in CATALOG.functions.items():
        properties = args_schema(document, name)["properties"]
        for arg in function.args.values():
            if "correction" in arg.spec:
                assert arg.spec["correction"] in properties[arg.name]["description"]
            if "example" in arg.spec:
                assert properties[arg.name]["examples"] == [arg.spec["example"]]


def test_conditional_requirements_are_in_the_schema(document):
    notification = args_schema(document, "sendRoomNotification")
    assert notification["dependentRequired"] == CATALOG.find("sendRoomNotification").block["requires"]
    token = schema_validator(document, args_schema(document, "getAccessToken"))
    assert token.is_valid({"grantType": "personal"})
    assert not token.is_valid({"grantType": "password"})
    assert token.is_valid({"grantType": "password", "username": "alice@example.com", "password": "x"})


def test_credentials_are_write_only(document):
    token = args_schema(document, "getAllRooms")["properties"]["authToken"]
    assert token["writeOnly"] is True


def test_catalog_defs_become_components_and_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    assert set(CATALOG.document["$defs"]) <= set(schemas)
    references: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            references.extend(v for k, v in node.items() if k == "$ref" and isinstance(v, str))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert references
    assert not [ref for ref in references if ref.startswith("#/$defs/")]
    for ref in set(references):
        assert resolve(document, {"$ref": ref}), ref


def test_every_request_example_satisfies_its_own_schema(document):
    for name in CATALOG.functions:
        content = call_operation(document, name)["requestBody"]["content"]["application/json"]
        validator = schema_validator(document, content["schema"])
        errors = [e.message for e in validator.iter_errors(content["example"])]
        assert not errors, (name, errors)


def test_file_arguments_are_strings_in_json_and_parts_in_multipart(document):
    function = CATALOG.find("shareFileWithRoom")
    content = call_operation(document, "shareFileWithRoom")["requestBody"]["content"]
    file_arg = args_schema(document, "shareFileWithRoom")["properties"]["file"]
    assert file_arg["type"] == "string"
    assert "data: URI" in file_arg["description"]
    assert "http(s) URL" in file_arg["description"]
    assert re.match(file_arg["pattern"], function.args["file"].spec["example"])
    assert re.match(file_arg["pattern"], "https://files.example.com/a.txt")
    assert not re.match(file_arg["pattern"], "/etc/passwd")
    parts = content["multipart/form-data"]["schema"]["properties"]
    assert set(parts) == {"args"} | {a.name for a in function.file_args}
    no_files = call_operation(document, "getAllRooms")["requestBody"]["content"]
    assert set(no_files) == {"application/json"}


def test_calls_document_the_success_and_every_error_envelope(document):
    for name in CATALOG.functions:
        responses = call_operation(document, name)["responses"]
        assert set(responses) == {"200", *ERROR_RESPONSES}
        success = resolve(document, responses["200"]["content"]["application/json"]["schema"])
        assert success["properties"]["callback"] == {"const": "success"}
        for status in ERROR_RESPONSES:
            schema = resolve(document, responses[status])["content"]["application/json"]["schema"]
            assert resolve(document, schema)["properties"]["callback"] == {"const": "error"}


def test_runtime_error_envelope_matches_the_documented_schema(document, client):
    response = client.post("/api/HipChat/getAllRooms", json={"args": {"maxResults": "many"}})
    assert response.status_code == 400
    schema = resolve(document, call_operation(document, "getAllRooms")["responses"]["400"])["content"]["application/json"]["schema"]
    errors = [e.message for e in schema_validator(document, schema).iter_errors(response.get_json())]
    assert not errors


def test_runtime_success_envelope_matches_the_documented_schema(document, client, upstream):
    upstream.expect_request("/v2/room").respond_with_json({"items": [], "links": {"self": "x"}})
    response = client.post("/api/HipChat/getAllRooms", json={"args": {"authToken": "t0ken"}})
    assert response.status_code == 200
    schema = call_operation(document, "getAllRooms")["responses"]["200"]["content"]["application/json"]["schema"]
    assert not list(schema_validator(document, schema).iter_errors(response.get_json()))


def test_server_url_is_the_configured_public_url():
    assert build_document(CATALOG, "https://runtime.example.com")["servers"] == [{"url": "https://runtime.example.com"}]
    served = create_app(Settings(public_url="https://runtime.example.com")).test_client().get("/openapi.json").get_json()
    assert served["servers"] == [{"url": "https://runtime.example.com"}]


def test_a_defs_name_colliding_with_a_generated_schema_is_refused():
    document = {**CATALOG.document, "$defs": {**CATALOG.document["$defs"], "ErrorEnvelope": {"type": "object"}}}
    catalog = type(CATALOG)(document, CATALOG.functions, CATALOG.aliases)
    with pytest.raises(ValueError, match="ErrorEnvelope"):
        build_document(catalog, "/")


def test_required_string_arguments_cannot_be_empty(document):
    """The runtime takes "" for an absent argument, so a required one must have at least one character."""
    properties = args_schema(document, "getRoom")["properties"]
    assert properties["roomIdOrName"]["minLength"] == 1
    assert "minLength" not in args_schema(document, "getRoomHistory")["properties"]["timezone"]
