"""A number JSON cannot carry anywhere in a call is a 400 JSON_VALIDATION naming the argument, over HTTP in every body
a call may come in: an integer longer than Python converts (4,300 digits), never a 500; NaN, Infinity and a float
beyond range (1e999), which Python's json reads, never sent on."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.helpers import TOKEN

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}
ACTION = {"key": "k", "nameValue": "n", "targetKey": "t", "location": "hipchat.input.action"}
DIGITS = "7" * 5000
REASON = "an integer of 5000 digits, more than the 4300 a number may have"


def args_text(args: dict, raw: str) -> str:
    """The args as JSON text with the raw JSON number written where the placeholder string was."""
    return json.dumps(args).replace('"@LONG@"', raw)


def refusal(response) -> dict:
    assert response.status_code == 400, response.get_data()[:500]
    error = response.get_json()["contextWrites"]["to"]
    assert error["status_code"] == "JSON_VALIDATION"
    return error


@pytest.mark.parametrize(
    ("function", "args", "field", "place"),
    [
        ("sendMessageToRoom", {**ROOM, "message": "@LONG@"}, "message", ""),  # a String argument
        ("getRoomHistory", {**ROOM, "maxResults": "@LONG@"}, "maxResults", ""),  # a Number argument
        ("createRoomAction", {**ROOM, **ACTION, "targetOptions": {"a": [1, "@LONG@"]}}, "targetOptions", "a[1]: "),  # inside JSON
        ("sendMessageToRoom", {**ROOM, "message": "hi", "extra": "@LONG@"}, "extra", ""),  # an unknown argument
    ],
)
@pytest.mark.parametrize("body", ["json", "form", "multipart"])
def test_a_long_integer_in_a_body_is_json_validation_naming_the_argument(client, upstream, function, args, field, place, body):
    text = args_text(args, DIGITS)
    if body == "json":
        response = client.post(f"/api/HipChat/{function}", data='{"args": ' + text + "}", content_type="application/json")
    elif body == "form":
        form = urlencode({"args": text})
        response = client.post(f"/api/HipChat/{function}", data=form, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(f"/api/HipChat/{function}", data={"args": text}, content_type="multipart/form-data")
    error = refusal(response)
    assert error["fields"] == [field]
    assert error["reasons"] == {field: place + REASON}
    assert error["status_msg"] == f"Invalid JSON input. {field}: {place}{REASON}."
    assert upstream.log == []


def test_a_negative_long_integer_is_named_too(client, upstream):
    response = client.post(
        "/api/HipChat/sendMessageToRoom",
        data=args_text({"args": {**ROOM, "message": "@LONG@"}}, "-" + DIGITS),
        content_type="application/json",
    )
    assert refusal(response)["fields"] == ["message"]
    assert upstream.log == []


def test_a_long_integer_in_json_text_of_a_json_argument_names_the_argument(client, upstream):
    options = '{"a": ' + DIGITS + "}"
    response = client.post("/api/HipChat/createRoomAction", json={"args": {**ROOM, **ACTION, "targetOptions": options}})
    error = refusal(response)
    assert error["reasons"] == {"targetOptions": f"a: {REASON}"}
    assert upstream.log == []


def test_a_long_integer_as_the_text_of_a_number_argument_names_the_argument(client, upstream):
    response = client.post("/api/HipChat/getRoomHistory", json={"args": {**ROOM, "maxResults": DIGITS}})
    error = refusal(response)
    assert error["reasons"] == {"maxResults": REASON}
    assert upstream.log == []


def test_a_number_text_beyond_a_floats_range_is_refused_not_sent_as_infinity(client, upstream):
    response = client.post("/api/HipChat/getRoomHistory", json={"args": {**ROOM, "startIndex": "1e999"}})
    assert refusal(response)["reasons"] == {"startIndex": "a number out of range"}
    assert upstream.log == []


def test_an_integer_of_exactly_the_limit_is_read_and_sent(client, upstream):
    """4300 digits is still a number: it goes upstream inside the JSON argument that holds it."""
    upstream.expect_request("/v2/room/Ops Room/extension/action/k", method="PUT").respond_with_data("", status=204)
    args = {**ROOM, **ACTION, "targetOptions": {"a": "@LONG@"}}
    response = client.post("/api/HipChat/createRoomAction", data=args_text({"args": args}, "9" * 4300), content_type="application/json")
    assert response.status_code == 200, response.get_data()[:300]
    assert json.loads(upstream.log[0][0].get_data())["target"]["options"] == {"a": int("9" * 4300)}


NOT_A_NUMBER = "NaN and infinity are not JSON numbers"


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999", "-1.5e400"])
@pytest.mark.parametrize("body", ["json", "form", "multipart"])
def test_nan_or_infinity_in_a_body_is_json_validation_naming_the_argument(client, upstream, raw, body):
    text = args_text({**ROOM, **ACTION, "targetOptions": {"ratio": [0.5, "@LONG@"]}}, raw)
    if body == "json":
        response = client.post("/api/HipChat/createRoomAction", data='{"args": ' + text + "}", content_type="application/json")
    elif body == "form":
        form = urlencode({"args": text})
        response = client.post("/api/HipChat/createRoomAction", data=form, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post("/api/HipChat/createRoomAction", data={"args": text}, content_type="multipart/form-data")
    error = refusal(response)
    assert error["reasons"] == {"targetOptions": f"ratio[1]: {NOT_A_NUMBER}"}
    assert upstream.log == []


def test_nan_in_json_text_of_a_json_argument_names_the_argument(client, upstream):
    response = client.post("/api/HipChat/createRoomAction", json={"args": {**ROOM, **ACTION, "targetOptions": '{"a": NaN}'}})
    assert refusal(response)["reasons"] == {"targetOptions": f"a: {NOT_A_NUMBER}"}
    assert upstream.log == []


def test_a_finite_float_is_read_and_sent(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/extension/action/k", method="PUT").respond_with_data("", status=204)
    args = {**ROOM, **ACTION, "targetOptions": {"ratio": 0.25, "big": 1e308}}
    response = client.post("/api/HipChat/createRoomAction", json={"args": args})
    assert response.status_code == 200, response.get_data()[:300]
    assert json.loads(upstream.log[0][0].get_data())["target"]["options"] == {"ratio": 0.25, "big": 1e308}
