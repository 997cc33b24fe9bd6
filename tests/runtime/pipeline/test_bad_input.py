"""Bad input: each gets its own clear error envelope naming the fields, and nothing reaches the upstream."""

from __future__ import annotations

import json

import pytest

from tests.helpers import TOKEN

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}


def error_of(response) -> dict:
    body = response.get_json()
    assert body["callback"] == "error"
    return body["contextWrites"]["to"]


@pytest.fixture(autouse=True)
def nothing_reaches_the_upstream(upstream):
    yield
    assert upstream.log == [], "a caller error must not be sent upstream"


def post(client, function: str, args) -> tuple[int, dict]:
    response = client.post(f"/api/HipChat/{function}", json={"args": args})
    return response.status_code, error_of(response)


def test_missing_required_arguments_are_listed(client):
    status, error = post(client, "sendMessageToRoom", {"authToken": TOKEN})
    assert status == 400
    assert error["status_code"] == "REQUIRED_FIELDS"
    assert error["fields"] == ["roomIdOrName", "message"]


def test_an_empty_string_counts_as_missing(client):
    status, error = post(client, "sendMessageToRoom", {**ROOM, "message": ""})
    assert (status, error["status_code"], error["fields"]) == (400, "REQUIRED_FIELDS", ["message"])


def test_a_wrong_type_names_the_field_and_the_expected_type(client):
    status, error = post(client, "getRoomHistory", {**ROOM, "maxResults": "ten"})
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["maxResults"])
    assert error["reasons"]["maxResults"] == "must be a whole number"


def test_a_value_outside_the_options_lists_them(client):
    status, error = post(client, "sendRoomNotification", {**ROOM, "message": "hi", "color": "blue"})
    assert (status, error["status_code"]) == (400, "INVALID_ARGUMENTS")
    assert error["reasons"]["color"] == "must be one of: yellow, green, red, purple, gray, random"


def test_a_number_out_of_range_gives_the_bound(client):
    status, error = post(client, "getRoomHistory", {**ROOM, "maxResults": 1001})
    assert error["reasons"] == {"maxResults": "must be at most 1000"}
    assert status == 400


def test_an_unknown_argument_is_named(client):
    status, error = post(client, "getRoom", {**ROOM, "roomId": "1"})
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["roomId"])


def test_a_bad_item_in_an_array_names_its_place(client):
    attributes = [{"label": "env", "value": {"label": "prod", "style": "lozenge-purple"}}]
    args = {**ROOM, "message": "m", "cardId": "1", "cardStyle": "application", "cardTitle": "t", "cardAttributes": attributes}
    status, error = post(client, "sendRoomNotification", args)
    assert status == 400
    assert error["reasons"]["cardAttributes"].startswith("[0].value.style: must be one of: lozenge")


def test_a_conditional_requirement_says_what_triggered_it(client):
    status, error = post(client, "sendRoomNotification", {**ROOM, "message": "m", "cardUrl": "https://ci.example.com/1"})
    assert (status, error["status_code"]) == (400, "REQUIRED_FIELDS")
    assert error["fields"] == ["cardId", "cardStyle", "cardTitle"]
    assert error["reasons"]["cardId"] == "required when cardUrl is given"


def test_a_grant_type_requires_its_own_arguments(client):
    status, error = post(client, "getAccessToken", {"grantType": "password", "username": "alice@example.com"})
    assert (status, error["status_code"], error["fields"]) == (400, "REQUIRED_FIELDS", ["password"])


def test_a_body_that_is_not_json_is_a_json_validation_error(client):
    response = client.post("/api/HipChat/getRoom", data=b'{"args": {"authToken": ', content_type="application/json")
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (400, "JSON_VALIDATION")
    assert "not valid JSON" in error["status_msg"]


def test_args_that_are_not_an_object_are_refused(client):
    status, error = post(client, "getRoom", ["authToken", TOKEN])
    assert (status, error["status_code"], error["fields"]) == (400, "JSON_VALIDATION", ["args"])


def test_a_body_that_is_not_an_object_is_refused(client):
    response = client.post("/api/HipChat/getRoom", data=b"[1, 2]", content_type="application/json")
    assert (response.status_code, error_of(response)["status_code"]) == (400, "JSON_VALIDATION")


def test_a_json_argument_given_as_invalid_json_text_is_named(client):
    status, error = post(
        client,
        "createRoomAction",
        {**ROOM, "key": "k", "nameValue": "n", "targetKey": "t", "location": "hipchat.input.action", "targetOptions": "{oops"},
    )
    assert (status, error["status_code"], error["fields"]) == (400, "JSON_VALIDATION", ["targetOptions"])


def test_an_unknown_function_is_a_404(client):
    status, error = post(client, "sendFax", ROOM)
    assert (status, error["status_code"]) == (404, "UNKNOWN_FUNCTION")
    assert "sendFax" in error["status_msg"]


def test_a_two_megabyte_body_is_refused_unread(client):
    body = json.dumps({"args": {**ROOM, "message": "x" * (2 * 1024 * 1024)}})
    response = client.post("/api/HipChat/sendMessageToRoom", data=body, content_type="application/json")
    assert (response.status_code, error_of(response)["status_code"]) == (413, "REQUEST_TOO_LARGE")


def test_a_deeply_nested_json_argument_is_refused(client):
    nested: object = {}
    for _ in range(40):
        nested = {"x": nested}
    status, error = post(
        client,
        "createRoomAction",
        {**ROOM, "key": "k", "nameValue": "n", "targetKey": "t", "location": "hipchat.input.action", "targetOptions": json.dumps(nested)},
    )
    assert (status, error["status_code"], error["fields"]) == (400, "JSON_VALIDATION", ["targetOptions"])
    assert "nested deeper than 32 levels" in error["status_msg"]


def test_a_body_nested_past_the_parser_limit_is_refused(client):
    body = '{"args": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/api/HipChat/getRoom", data=body, content_type="application/json")
    assert (response.status_code, error_of(response)["status_code"]) == (400, "JSON_VALIDATION")


@pytest.mark.parametrize("token", [f"{TOKEN}\r\nX-Injected: 1", f"{TOKEN}\n", "two words", "t\x00ken"])
def test_a_token_with_control_characters_or_spaces_is_refused(client, token):
    status, error = post(client, "getRoom", {"authToken": token, "roomIdOrName": "1"})
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["authToken"])
    assert token not in json.dumps(error)


@pytest.mark.parametrize("name", ["..", "."])
def test_a_dot_segment_cannot_name_a_room(client, name):
    status, error = post(client, "deleteRoom", {"authToken": TOKEN, "roomIdOrName": name})
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["roomIdOrName"])


@pytest.mark.parametrize("path", ["/etc/passwd", "../metadata.json", "file:///etc/passwd", "C:\\boot.ini"])
def test_a_file_argument_never_reads_a_local_path(client, path):
    status, error = post(client, "shareFileWithRoom", {**ROOM, "file": path})
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["file"])
    assert "local paths are never read" in error["reasons"]["file"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.png", "http://localhost:9/x.png", "http://[::1]:9/x.png"])
def test_a_file_url_on_loopback_is_refused(client, url):
    status, error = post(client, "shareFileWithRoom", {**ROOM, "file": url})
    assert (status, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["file"])
    assert "loopback, private or link-local" in error["reasons"]["file"]


def test_an_unsupported_content_type_is_refused(client):
    response = client.post("/api/HipChat/getRoom", data="authToken=x", content_type="text/plain")
    assert (response.status_code, error_of(response)["status_code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_wrong_method_answers_an_envelope_not_html(client):
    response = client.delete("/api/HipChat/getRoom")
    assert response.mimetype == "application/json"
    assert (response.status_code, error_of(response)["status_code"]) == (405, "METHOD_NOT_ALLOWED")


def test_an_unknown_route_answers_an_envelope_not_html(client):
    response = client.get("/api/HipChat/getRoom/extra/parts")
    assert response.mimetype == "application/json"
    assert (response.status_code, error_of(response)["status_code"]) == (404, "NOT_FOUND")
