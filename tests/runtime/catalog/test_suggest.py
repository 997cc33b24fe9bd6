"""Did you mean: a misspelt function or argument is answered with the closest names, and leads the error."""

from __future__ import annotations

import io
import json

from tests.helpers import TOKEN

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}


def error_of(response) -> dict:
    body = response.get_json()
    assert body["callback"] == "error", body
    return body["contextWrites"]["to"]


def test_an_unknown_function_points_at_the_closest_names(client, upstream):
    response = client.post("/api/HipChat/sendMessage", json={"args": {**ROOM, "message": "hi"}})
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (404, "UNKNOWN_FUNCTION")
    assert error["status_msg"].startswith("The HipChat package has no function 'sendMessage'; did you mean sendMessageToRoom")
    assert upstream.log == []


def test_the_block_route_points_at_the_closest_names_too(client):
    response = client.get("/api/HipChat/getRoomHistroy")
    assert error_of(response)["status_msg"].startswith("The HipChat package has no function 'getRoomHistroy'; did you mean getRoomHistory")


def test_a_function_far_from_every_name_gets_no_guess(client):
    response = client.post("/api/HipChat/sendFax", json={"args": ROOM})
    assert error_of(response)["status_msg"] == "The HipChat package has no function 'sendFax'."


def test_a_misspelt_argument_leads_the_error_with_the_argument_it_meant(client, upstream):
    response = client.post("/api/HipChat/sendMessageToRoom", json={"args": {**ROOM, "mesage": "hi"}})
    error = error_of(response)
    assert (response.status_code, error["status_code"]) == (400, "INVALID_ARGUMENTS")
    assert error["status_msg"] == (
        "mesage is not an argument of sendMessageToRoom; did you mean message? Please, check and fill in required fields: message."
    )
    assert error["fields"] == ["mesage", "message"]
    assert error["reasons"] == {"mesage": "not an argument of sendMessageToRoom; did you mean message?", "message": "required"}
    assert upstream.log == []


def test_an_unknown_argument_beside_a_bad_value_reports_both(client):
    response = client.post("/api/HipChat/getRoomHistory", json={"args": {**ROOM, "maxResult": 10, "startIndex": "x"}})
    error = error_of(response)
    assert error["status_msg"] == (
        "maxResult is not an argument of getRoomHistory; did you mean maxResults? Invalid arguments. startIndex: must be a whole number."
    )
    assert error["fields"] == ["maxResult", "startIndex"]


def test_a_flood_of_unknown_arguments_lists_the_first_few(client):
    body = json.dumps({"args": {**ROOM, **{f"extra{i}": 1 for i in range(50_000)}}})
    response = client.post("/api/HipChat/getRoom", data=body, content_type="application/json")
    error = error_of(response)
    assert error["fields"] == ["extra0", "extra1", "extra2", "extra3", "extra4"]
    assert "49995 more unknown argument(s) not listed." in error["status_msg"]
    assert len(response.get_data()) < 1500


def test_an_upload_named_after_no_file_argument_points_at_the_file_argument(client, upstream):
    data = {"args": json.dumps(ROOM), "fiel": (io.BytesIO(b"notes"), "notes.txt")}
    response = client.post("/api/HipChat/shareFileWithRoom", data=data, content_type="multipart/form-data")
    error = error_of(response)
    assert error["reasons"] == {"fiel": "an uploaded file part must be named after a File argument; did you mean file?"}
    assert upstream.log == []
