"""Text that is not valid Unicode (a lone surrogate, bytes that are not UTF-8) is a 400 naming the field, never a 500."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest

from tests.helpers import TOKEN, sent

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}
LONE = "x\ud800y"  # json.dumps writes it as the escape "\ud800", which json.loads turns back into a lone surrogate
CARD = {"cardId": "1", "cardStyle": "application", "cardTitle": "t"}
ACTION = {"key": "k", "nameValue": "n", "targetKey": "t", "location": "hipchat.input.action"}


def post_text(client, function: str, text: str | bytes, content_type: str = "application/json"):
    return client.post(f"/api/HipChat/{function}", data=text, content_type=content_type)


def refusal(response) -> dict:
    assert response.status_code == 400, response.get_data()
    error = response.get_json()["contextWrites"]["to"]
    assert error["status_code"] == "JSON_VALIDATION"
    return error


@pytest.mark.parametrize(
    ("function", "args", "field", "place"),
    [
        ("sendMessageToRoom", {**ROOM, "message": LONE}, "message", ""),  # JSON body
        ("sendMessageToRoom", {**ROOM, "roomIdOrName": LONE, "message": "hi"}, "roomIdOrName", ""),  # path
        ("getRoomHistory", {**ROOM, "timezone": LONE}, "timezone", ""),  # query
        ("sendMessageToRoom", {**ROOM, "message": "hi", "mess\ud800ge": "x"}, "mess\\ud800ge", ""),  # an unknown argument's name
        ("getAccessToken", {"grantType": "client_credentials", "clientId": "c", "clientSecret": LONE}, "clientSecret", ""),  # Basic
        ("getAccessToken", {"grantType": "client_credentials", "clientId": "c", "clientSecret": "s", "scope": LONE}, "scope", ""),  # form
        ("sendRoomNotification", {**ROOM, "message": "m", **CARD, "cardAttributes": [{"label": LONE}]}, "cardAttributes", "[0].label: "),
        ("createRoomAction", {**ROOM, **ACTION, "targetOptions": {"a\udc00": 1}}, "targetOptions", "a\\udc00: "),  # a key in JSON
        ("createRoomAction", {**ROOM, **ACTION, "targetOptions": json.dumps({"a": [LONE]})}, "targetOptions", "a[0]: "),  # JSON as text
    ],
)
def test_a_lone_surrogate_escape_is_refused_naming_the_field(client, upstream, function, args, field, place):
    error = refusal(post_text(client, function, json.dumps({"args": args})))
    assert error["fields"] == [field]
    assert error["reasons"][field].startswith(place + "not valid Unicode text")
    assert upstream.log == []


@pytest.mark.parametrize("raw", [b"\xff", b"\xed\xa0\x80", b"\xc3"])  # not UTF-8; an encoded surrogate; a cut sequence
def test_bytes_that_are_not_utf8_are_refused_naming_the_field(client, upstream, raw):
    body = b'{"args": {"authToken": "' + TOKEN.encode() + b'", "roomIdOrName": "r", "message": "x' + raw + b'y"}}'
    error = refusal(post_text(client, "sendMessageToRoom", body))
    assert error["fields"] == ["message"]
    assert upstream.log == []


def test_a_surrogate_pair_escape_is_an_ordinary_character(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/message", method="POST").respond_with_json({"id": "m1"}, status=201)
    response = post_text(client, "sendMessageToRoom", json.dumps({"args": {**ROOM, "message": "ship it 🚀"}}))  # "\ud83d\ude80"
    assert response.get_json()["callback"] == "success"
    assert sent(upstream)[0].get_json() == {"message": "ship it 🚀"}


def test_a_lone_surrogate_in_a_form_encoded_args_field_is_named(client, upstream):
    body = urlencode({"args": json.dumps({**ROOM, "message": LONE})})
    error = refusal(post_text(client, "sendMessageToRoom", body, "application/x-www-form-urlencoded"))
    assert error["fields"] == ["message"]
    assert upstream.log == []


def test_percent_escaped_bytes_that_are_not_utf8_in_a_form_are_named(client, upstream):
    body = "args=" + json.dumps({**ROOM, "message": "x"}).replace('"x"', '"x%FFy"')
    error = refusal(post_text(client, "sendMessageToRoom", body, "application/x-www-form-urlencoded"))
    assert error["fields"] == ["message"]
    assert upstream.log == []


def test_a_lone_surrogate_in_a_multipart_args_field_is_named(client, upstream):
    data = {"args": json.dumps({**ROOM, "message": LONE}), "file": (io.BytesIO(b"notes"), "notes.txt")}
    error = refusal(client.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data"))
    assert error["fields"] == ["message"]
    assert upstream.log == []


def test_a_body_without_args_echoes_a_bad_key_safely(client):
    response = post_text(client, "sendMessageToRoom", json.dumps({"mess\ud800ge": "x"}))
    error = refusal(response)
    assert "mess\\ud800ge" in error["status_msg"]
