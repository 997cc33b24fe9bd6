"""HipChat's answers in the envelope: successes, HipChat errors, rate limits, and an upstream that fails."""

from __future__ import annotations

import base64
import time

import pytest
from werkzeug import Response

from runtime.app import create_app
from runtime.config import Settings
from tests.helpers import TOKEN, free_port, sent

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}
ROOM_PATH = "/v2/room/Ops Room"


def to(response) -> object:
    return response.get_json()["contextWrites"]["to"]


def get_room(client):
    return client.post("/api/HipChat/getRoom", json={"args": ROOM})


def test_a_json_answer_is_the_success_payload(client, upstream):
    upstream.expect_request(ROOM_PATH, method="GET").respond_with_json({"id": 7, "name": "Ops Room"})
    response = get_room(client)
    assert response.status_code == 200
    assert response.get_json() == {"callback": "success", "contextWrites": {"to": {"id": 7, "name": "Ops Room"}}}


def test_an_empty_204_answer_is_the_word_success(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/topic", method="PUT").respond_with_data("", status=204)
    response = client.post("/api/HipChat/setRoomTopic", json={"args": {**ROOM, "topic": "Release day"}})
    assert (response.status_code, response.get_json()["callback"], to(response)) == (200, "success", "success")


def test_a_redirect_gives_the_target_url_not_the_image(client, upstream):
    upstream.expect_request("/v2/user/alice@example.com/photo/big", method="GET").respond_with_data(
        b"\x89PNG", status=302, headers={"Location": "/files/photos/alice-big.png"}
    )
    response = client.post("/api/HipChat/getPhoto", json={"args": {"authToken": TOKEN, "idOrEmail": "alice@example.com", "size": "big"}})
    assert response.status_code == 200
    assert to(response) == upstream.url_for("/files/photos/alice-big.png")


def test_the_request_carries_the_packages_user_agent(client, upstream):
    upstream.expect_request(ROOM_PATH, method="GET").respond_with_json({"id": 7})
    get_room(client)
    assert sent(upstream)[0].headers["User-Agent"] == "hipchat-package-runtime/1.0"


def test_rate_limit_headers_are_passed_back(client, upstream):
    headers = {"X-Ratelimit-Limit": "500", "X-Ratelimit-Remaining": "499", "X-Ratelimit-Reset": "1800000000", "X-Other": "no"}
    upstream.expect_request(ROOM_PATH).respond_with_json({"id": 7}, headers=headers)
    response = get_room(client)
    assert response.headers["X-Ratelimit-Limit"] == "500"
    assert response.headers["X-Ratelimit-Remaining"] == "499"
    assert response.headers["X-Ratelimit-Reset"] == "1800000000"
    assert "X-Other" not in response.headers


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (400, "Bad Request", "Required field 'message' is missing"),
        (401, "Unauthorized", "Authenticated requests only."),
        (403, "Forbidden", "You do not have the scope view_room."),
        (404, "Not Found", "Room Ops Room not found"),
    ],
)
def test_a_hipchat_error_keeps_its_status_and_error_object(client, upstream, status, reason, message):
    hipchat_error = {"code": status, "message": message, "type": reason}
    upstream.expect_request(ROOM_PATH).respond_with_json({"error": hipchat_error}, status=status)
    response = get_room(client)
    assert response.status_code == status
    assert response.get_json()["callback"] == "error"
    assert to(response) == {
        "status_code": "API_ERROR",
        "status_msg": message,
        "fields": [],
        "upstream_status": status,
        "error": hipchat_error,
    }


def test_a_429_is_rate_limited_with_the_reset_time_and_headers(client, upstream):
    headers = {"X-Ratelimit-Limit": "500", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "1800000300"}
    hipchat_error = {"code": 429, "message": "Rate Limit exceeded", "type": "Too Many Requests"}
    upstream.expect_request(ROOM_PATH).respond_with_json({"error": hipchat_error}, status=429, headers=headers)
    response = get_room(client)
    assert response.status_code == 429
    assert response.headers["X-Ratelimit-Remaining"] == "0"
    error = to(response)
    assert (error["status_code"], error["reset"], error["upstream_status"], error["error"]) == (
        "RATE_LIMITED",
        1800000300,
        429,
        hipchat_error,
    )


def test_flood_control_reset_is_used_when_that_limit_is_exhausted(client, upstream):
    headers = {
        "X-Ratelimit-Remaining": "480",
        "X-Ratelimit-Reset": "1800000300",
        "X-FloodControl-Remaining": "0",
        "X-FloodControl-Reset": "1800000060",
    }
    upstream.expect_request("/v2/room/Ops Room/message", method="POST").respond_with_json(
        {"error": {"code": 429, "message": "Flood control", "type": "Too Many Requests"}}, status=429, headers=headers
    )
    response = client.post("/api/HipChat/sendMessageToRoom", json={"args": {**ROOM, "message": "hi"}})
    assert to(response)["reset"] == 1800000060
    assert response.headers["X-FloodControl-Reset"] == "1800000060"


def test_a_server_error_upstream_is_an_api_error_with_502(client, upstream):
    upstream.expect_request(ROOM_PATH).respond_with_data("<html>Internal Server Error</html>", status=500)
    response = get_room(client)
    assert response.status_code == 502
    error = to(response)
    assert (error["status_code"], error["upstream_status"], error["body"]) == ("API_ERROR", 500, "<html>Internal Server Error</html>")


def test_a_closed_port_is_an_internal_package_error_with_502(client):
    app = create_app(Settings(api_url=f"http://127.0.0.1:{free_port()}/v2"))
    response = get_room(app.test_client())
    assert response.status_code == 502
    assert to(response)["status_code"] == "INTERNAL_PACKAGE_ERROR"
    assert TOKEN not in response.get_data(as_text=True)


def test_a_read_timeout_is_upstream_timeout_with_504(upstream):
    def slow(_request):
        time.sleep(1.5)
        return Response("{}", content_type="application/json")

    upstream.expect_request(ROOM_PATH).respond_with_handler(slow)
    app = create_app(Settings(api_url=upstream.url_for("/v2"), read_timeout=0.3))
    started = time.monotonic()
    response = get_room(app.test_client())
    assert time.monotonic() - started < 1.4
    assert response.status_code == 504
    assert to(response)["status_code"] == "UPSTREAM_TIMEOUT"


def test_a_non_json_success_answer_is_given_as_text(client, upstream):
    upstream.expect_request("/v2/capabilities").respond_with_data("plain text", content_type="text/plain")
    response = client.post("/api/HipChat/getCapabilities", json={"args": {}})
    assert to(response) == "plain text"


def test_basic_credentials_outside_latin_1_are_sent_in_utf_8(client, upstream):
    upstream.expect_request("/v2/oauth/token", method="POST").respond_with_json({"access_token": "a", "token_type": "bearer"})
    args = {"grantType": "client_credentials", "clientId": "klient-\u0100", "clientSecret": "s\u00e9cret-\u263a"}
    response = client.post("/api/HipChat/getAccessToken", json={"args": args})
    assert response.get_json()["callback"] == "success"
    credentials = sent(upstream)[0].headers["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(credentials).decode("utf-8") == "klient-\u0100:s\u00e9cret-\u263a"
