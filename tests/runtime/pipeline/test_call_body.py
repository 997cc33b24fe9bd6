"""Reading a call's body: every content type bounded while it streams in, and one body shape, said plainly when missed."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
import requests

from runtime.app import create_app
from runtime.config import Settings
from tests.helpers import TOKEN, sent

ROOM_ARGS = {"authToken": TOKEN, "roomIdOrName": "Ops Room", "message": "hi"}
BIG = 2 * 1024 * 1024


def error_of(response) -> dict:
    body = response.get_json()
    assert body["callback"] == "error", body
    return body["contextWrites"]["to"]


@pytest.fixture
def small_limits(upstream):
    """A runtime with small limits: 10 KB bodies (and args fields), 1 KB files."""
    settings = Settings(api_url=upstream.url_for("/v2"), max_body_bytes=10_000, file_max_bytes=1000)
    return create_app(settings).test_client()


def test_a_form_body_over_the_body_limit_is_refused_unparsed(client, upstream):
    body = urlencode({"args": json.dumps({**ROOM_ARGS, "message": "x" * BIG})})
    response = client.post("/api/HipChat/sendMessageToRoom", data=body, content_type="application/x-www-form-urlencoded")
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (413, "REQUEST_TOO_LARGE")
    assert "1048576 bytes (RUNTIME_MAX_BODY_BYTES)" in error["status_msg"]
    assert upstream.log == []


def test_the_args_field_of_a_multipart_call_is_bounded_by_the_body_limit(small_limits, upstream):
    data = {"args": json.dumps({**ROOM_ARGS, "message": "x" * 20_000})}
    response = small_limits.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data")
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (413, "REQUEST_TOO_LARGE")
    assert "args field at most 10000 bytes" in error["status_msg"]
    assert upstream.log == []


def test_a_multipart_file_part_over_file_max_bytes_is_refused_as_it_streams(small_limits, upstream):
    data = {"args": json.dumps({"authToken": TOKEN, "roomIdOrName": "Ops Room"}), "file": (io.BytesIO(b"x" * 5000), "notes.txt")}
    response = small_limits.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data")
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (413, "REQUEST_TOO_LARGE")
    assert error["status_msg"] == "A file part is larger than 1000 bytes (FILE_MAX_BYTES)."
    assert upstream.log == []


def test_a_file_part_within_file_max_bytes_is_uploaded(small_limits, upstream):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    data = {"args": json.dumps({"authToken": TOKEN, "roomIdOrName": "Ops Room"}), "file": (io.BytesIO(b"x" * 1000), "notes.txt")}
    response = small_limits.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data")
    assert response.get_json()["callback"] == "success"
    assert b"x" * 1000 in sent(upstream)[0].get_data()


def test_a_multipart_body_with_too_many_parts_is_refused(client, upstream):
    data = {"args": json.dumps(ROOM_ARGS), **{f"extra{i}": "1" for i in range(40)}}
    response = client.post("/api/HipChat/sendMessageToRoom", data=data, content_type="multipart/form-data")
    assert (response.status_code, error_of(response)["status_code"]) == (413, "REQUEST_TOO_LARGE")
    assert upstream.log == []


def chunked(data: bytes):
    """A body requests sends chunked, without Content-Length."""
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", json.dumps({"args": {**ROOM_ARGS, "message": "x" * BIG}}).encode()),
        ("application/x-www-form-urlencoded", urlencode({"args": json.dumps({**ROOM_ARGS, "message": "x" * BIG})}).encode()),
    ],
)
def test_a_chunked_body_without_content_length_is_cut_off_at_the_limit(recorded_runtime, upstream, content_type, body):
    response = requests.post(
        f"{recorded_runtime}/api/HipChat/sendMessageToRoom", data=chunked(body), headers={"Content-Type": content_type}, timeout=30
    )
    assert "Content-Length" not in response.request.headers
    assert (response.status_code, response.json()["contextWrites"]["to"]["status_code"]) == (413, "REQUEST_TOO_LARGE")
    assert upstream.log == []


def test_a_chunked_body_of_exactly_the_limit_is_read(recorded_runtime, upstream):
    upstream.expect_request("/v2/room/Ops Room/message", method="POST").respond_with_json({"id": "m1"}, status=201)
    body = json.dumps({"args": ROOM_ARGS}).encode()
    body += b" " * (Settings().max_body_bytes - len(body))  # trailing whitespace is valid JSON
    response = requests.post(
        f"{recorded_runtime}/api/HipChat/sendMessageToRoom", data=chunked(body), headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.json()["callback"] == "success"
    assert sent(upstream)[0].get_json() == {"message": "hi"}


def test_arguments_without_the_args_wrapper_are_refused_with_the_shape_to_use(client, upstream):
    response = client.post("/api/HipChat/sendMessageToRoom", data=json.dumps(ROOM_ARGS), content_type="application/json")
    error = error_of(response)
    assert (response.status_code, error["status_code"], error["fields"]) == (400, "JSON_VALIDATION", ["args"])
    assert error["status_msg"] == (
        'The request body must be {"args": {...}}: put the arguments inside "args" '
        "(this body has authToken, roomIdOrName, message at the top level)."
    )
    assert upstream.log == []


def test_a_misspelt_wrapper_is_pointed_at_args(client):
    response = client.post("/api/HipChat/sendMessageToRoom", json={"arg": ROOM_ARGS})
    assert error_of(response)["status_msg"] == 'The request body must be {"args": {...}}; it has no "args" (arg): did you mean args?'


def test_json_sent_as_a_form_says_to_send_it_as_json(client, upstream):
    body = json.dumps({"args": {**ROOM_ARGS, "message": "a=b&c"}})  # what curl -d sends without -H
    response = client.post("/api/HipChat/sendMessageToRoom", data=body, content_type="application/x-www-form-urlencoded")
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert "The body is JSON but its Content-Type is application/x-www-form-urlencoded" in error["status_msg"]
    assert "Content-Type: application/json" in error["status_msg"]
    assert upstream.log == []


def test_json_sent_as_text_plain_says_to_send_it_as_json(client, upstream):
    response = client.post("/api/HipChat/sendMessageToRoom", data=json.dumps({"args": ROOM_ARGS}), content_type="text/plain")
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert error["status_msg"].startswith("The body is JSON but its Content-Type is text/plain")
    assert upstream.log == []


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_form_without_an_args_field_names_the_fields_it_has(client, upstream, content_type):
    response = client.post("/api/HipChat/sendMessageToRoom", data=ROOM_ARGS, content_type=content_type)
    error = error_of(response)
    assert (response.status_code, error["status_code"], error["fields"]) == (400, "JSON_VALIDATION", ["args"])
    assert "in one field named args" in error["status_msg"]
    assert error["status_msg"].endswith("this one has authToken, roomIdOrName, message.")
    assert upstream.log == []


def test_a_form_encoded_call_carries_its_args_as_json_text(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/message", method="POST").respond_with_json({"id": "m1"}, status=201)
    body = urlencode({"args": json.dumps({**ROOM_ARGS, "message": "a=b & c"})})
    response = client.post("/api/HipChat/sendMessageToRoom", data=body, content_type="application/x-www-form-urlencoded")
    assert response.get_json()["callback"] == "success"
    assert sent(upstream)[0].get_json() == {"message": "a=b & c"}


def test_keys_beside_args_are_still_ignored(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/message", method="POST").respond_with_json({"id": "m1"}, status=201)
    response = client.post("/api/HipChat/sendMessageToRoom", json={"args": ROOM_ARGS, "context": {"project": "x"}})
    assert response.get_json()["callback"] == "success"


@pytest.mark.parametrize("body", [b"", b"{}", b"  "])
def test_an_empty_body_is_a_call_without_arguments(client, upstream, body):
    response = client.post("/api/HipChat/getRoom", data=body, content_type="application/json")
    error = error_of(response)
    assert (error["status_code"], error["fields"]) == ("REQUIRED_FIELDS", ["authToken", "roomIdOrName"])
    assert upstream.log == []


def test_a_multipart_body_that_cannot_be_parsed_says_why(client, upstream):
    response = client.post("/api/HipChat/getRoom", data=b"--x\r\n", content_type="multipart/form-data")  # no boundary
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (400, "JSON_VALIDATION")
    assert error["status_msg"] == "The multipart body could not be read (Missing boundary)."
    assert upstream.log == []


LONG_INTEGER = "9" * 5000  # Python reads at most 4300 digits (sys.get_int_max_str_digits)


@pytest.mark.parametrize(
    ("function", "args_text", "field", "place"),
    [
        ("getRoomHistory", f'{{"authToken": "t", "roomIdOrName": "Ops Room", "maxResults": {LONG_INTEGER}}}', "maxResults", ""),
        (
            "sendRoomNotification",
            '{"authToken": "t", "roomIdOrName": "Ops Room", "message": "m", '
            f'"cardAttributes": [{{"label": "a", "value": {{"label": -{LONG_INTEGER}}}}}]}}',
            "cardAttributes",
            "[0].value.label: ",
        ),
    ],
    ids=["a number argument", "inside a JSON argument"],
)
@pytest.mark.parametrize("body", ["json", "form"])
def test_an_integer_too_long_to_read_is_a_json_validation_naming_its_argument(client, upstream, function, args_text, field, place, body):
    if body == "json":
        response = client.post(f"/api/HipChat/{function}", data=f'{{"args": {args_text}}}', content_type="application/json")
    else:
        response = client.post(f"/api/HipChat/{function}", data={"args": args_text})
    error = error_of(response)
    assert (response.status_code, error["status_code"], error["fields"]) == (400, "JSON_VALIDATION", [field])
    assert error["reasons"][field] == f"{place}an integer of 5000 digits, more than the 4300 a number may have"
    assert upstream.log == []
