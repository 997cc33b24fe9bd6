"""Webhook delivery: HipChat's payloads, patterns, JWT signing, retries with backoff, replies, and no blocking of the sender."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from werkzeug import Response

from tests.sandbox.conftest import (
    ADMIN_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    Api,
    client_token,
    history,
    make_app,
    multipart_related,
    send,
    stop,
)


def wait_until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def received(httpserver, count: int = 1) -> list[Any]:
    return wait_until(lambda: [request for request, _ in httpserver.log] if len(httpserver.log) >= count else None)


def payloads(httpserver, count: int = 1) -> list[dict[str, Any]]:
    return [json.loads(request.get_data()) for request in received(httpserver, count)]


def hook(api: Api, httpserver, event: str, place: str = "/v2/room/General", key: str = "hook", **fields: Any) -> int:
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    body = {"url": httpserver.url_for("/hook"), "event": event, "name": "Test hook", **fields}
    response = api.put(f"{place}/extension/webhook/{key}", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def deliveries(api: Api) -> list[dict[str, Any]]:
    return api.get("/_sandbox/api/deliveries").get_json()["items"]


def test_a_room_message_is_posted_with_hipchats_envelope(api, httpserver):
    webhook_id = hook(api, httpserver, "room_message")
    message_id = send(api, "General", "hello @bob")
    (payload,) = payloads(httpserver)
    assert set(payload) == {"event", "item", "webhook_id"}, "no oauth_client_id for a webhook made with a user token"
    assert (payload["event"], payload["webhook_id"]) == ("room_message", webhook_id)
    message = payload["item"]["message"]
    assert (message["id"], message["message"], message["type"], message["from"]["mention_name"]) == (
        message_id,
        "hello @bob",
        "message",
        "admin",
    )
    assert [user["mention_name"] for user in message["mentions"]] == ["bob"]
    room = payload["item"]["room"]
    assert (room["id"], room["name"], room["privacy"], room["is_archived"]) == (1, "General", "public", False)
    assert room["links"]["self"] == "http://sandbox.test/v2/room/1"


def test_a_pattern_filters_messages(api, httpserver):
    hook(api, httpserver, "room_message", pattern="^/weather")
    send(api, "General", "what is the /weather")
    send(api, "General", "/weather Paris")
    (payload,) = payloads(httpserver)
    assert payload["item"]["message"]["message"] == "/weather Paris"
    time.sleep(0.2)
    assert len(httpserver.log) == 1
    assert len(deliveries(api)) == 1


def test_an_add_on_webhook_with_jwt_is_signed_with_the_add_on_secret(api, httpserver):
    addon = api.with_token(client_token(api))
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    body = {"url": httpserver.url_for("/hook") + "?from=hipchat", "event": "room_message", "authentication": "jwt"}
    webhook_id = addon.put("/v2/room/General/extension/webhook/signed", body).get_json()["id"]
    send(api, "General", "sign this")
    (request,) = received(httpserver)
    header_token = request.headers["Authorization"].removeprefix("JWT ")
    assert request.args["signed_request"] == header_token
    assert request.args["from"] == "hipchat"
    claims = jwt.decode(header_token, CLIENT_SECRET, algorithms=["HS256"])
    assert (claims["iss"], claims["sub"], claims["prn"], claims["context"]) == (CLIENT_ID, "1", "1", {"room_id": 1, "user_tz": "UTC"})
    assert len(claims["jti"]) == 20 and claims["exp"] > claims["iat"]
    payload = json.loads(request.get_data())
    assert (payload["oauth_client_id"], payload["webhook_id"]) == (CLIENT_ID, webhook_id)
    assert deliveries(api)[0]["attempts"][0]["signed"] is True


def test_a_jwt_webhook_made_with_a_user_token_goes_unsigned(api, httpserver):
    hook(api, httpserver, "room_message", authentication="jwt")
    send(api, "General", "no secret to sign with")
    (request,) = received(httpserver)
    assert "Authorization" not in request.headers and "signed_request" not in request.args
    assert wait_until(lambda: deliveries(api)[0]["attempts"])[0]["signed"] is False


def test_a_failed_delivery_is_retried_with_backoff_and_every_attempt_recorded(api, httpserver):
    httpserver.expect_oneshot_request("/flaky").respond_with_data("down", status=500)
    httpserver.expect_oneshot_request("/flaky").respond_with_data("still down", status=503)
    httpserver.expect_request("/flaky").respond_with_data("", status=200)
    api.put("/v2/room/General/extension/webhook/flaky", {"url": httpserver.url_for("/flaky"), "event": "room_message"})
    send(api, "General", "retry me")
    received(httpserver, 3)
    delivery = wait_until(lambda: next((d for d in deliveries(api) if d["state"] == "done"), None))
    assert [a["status"] for a in delivery["attempts"]] == [500, 503, 200]
    assert [a["error"] for a in delivery["attempts"]] == ["HTTP 500", "HTTP 503", None]
    started = [a["date"] for a in delivery["attempts"]]
    assert started == sorted(started)


def test_a_delivery_gives_up_after_the_last_attempt(api, httpserver):
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    api.put("/v2/room/General/extension/webhook/down", {"url": httpserver.url_for("/down"), "event": "room_message"})
    send(api, "General", "nobody listens")
    delivery = wait_until(lambda: next((d for d in deliveries(api) if d["state"] == "failed"), None))
    assert len(delivery["attempts"]) == 3 and delivery["outcome"] == "HTTP 500"


def test_an_unreachable_webhook_records_the_connection_error(api, httpserver):
    api.put("/v2/room/General/extension/webhook/gone", {"url": "http://127.0.0.1:9/gone", "event": "room_message"})
    send(api, "General", "into the void")
    delivery = wait_until(lambda: next((d for d in deliveries(api) if d["state"] == "failed"), None))
    assert delivery["attempts"][0]["status"] is None
    assert delivery["attempts"][0]["error"].startswith("ConnectionError")


def test_a_json_reply_is_posted_to_the_room_as_a_notification(api, httpserver):
    httpserver.expect_request("/bot").respond_with_json({"message": "pong", "color": "green", "message_format": "text"})
    api.put("/v2/room/General/extension/webhook/bot", {"url": httpserver.url_for("/bot"), "event": "room_message", "name": "Pong bot"})
    send(api, "General", "ping")
    reply = wait_until(lambda: next((i for i in history(api, "General")["items"] if i["message"] == "pong"), None))
    assert (reply["type"], reply["from"], reply["color"], reply["message_format"]) == ("notification", "Pong bot", "green", "text")
    assert "reply posted" in deliveries(api)[0]["outcome"]


def test_an_invalid_reply_is_recorded_and_not_posted(api, httpserver):
    httpserver.expect_request("/bot").respond_with_json({"message": "", "color": "blue"})
    api.put("/v2/room/General/extension/webhook/bot", {"url": httpserver.url_for("/bot"), "event": "room_message"})
    ping = send(api, "General", "ping")
    delivery = wait_until(lambda: next((d for d in deliveries(api) if d["state"] == "done"), None))
    assert delivery["outcome"].startswith("delivered; reply not posted")
    items = history(api, "General")["items"]
    assert [item["id"] for item in items].index(ping) == len(items) - 1, "something was posted to the room after the ping"


def test_a_slow_webhook_does_not_hold_up_the_sender(api, httpserver):
    def slow(_request):
        time.sleep(1.0)
        return Response("", status=204)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    api.put("/v2/room/General/extension/webhook/slow", {"url": httpserver.url_for("/slow"), "event": "room_message"})
    started = time.monotonic()
    send(api, "General", "quick")
    assert time.monotonic() - started < 0.5
    received(httpserver)


def test_a_global_webhook_hears_every_room(api, httpserver):
    hook(api, httpserver, "room_message", place="/v2")
    send(api, "Random", "from random")
    (payload,) = payloads(httpserver)
    assert payload["item"]["room"]["name"] == "Random"


EVENTS: list[tuple[str, Callable[[Api], Any], set[str]]] = [
    ("room_notification", lambda api: api.post("/v2/room/General/notification", {"message": "note"}), {"message", "room"}),
    ("room_topic_change", lambda api: api.put("/v2/room/General/topic", {"topic": "new topic"}), {"topic", "sender", "room"}),
    ("room_enter", lambda api: api.put("/_sandbox/api/rooms/1/participants/4"), {"sender", "room"}),
    ("room_exit", lambda api: api.delete("/_sandbox/api/rooms/1/participants/2"), {"sender", "room"}),
    ("room_file_upload", lambda api: api.post("/v2/room/General/share/file", **share()), {"file", "sender", "room"}),
    ("room_archived", lambda api: api.put("/v2/room/General", room_update(True)), {"sender", "room"}),
    ("room_deleted", lambda api: api.delete("/v2/room/General"), {"sender", "room"}),
]


def share() -> dict[str, Any]:
    content_type, body = multipart_related({"message": "f"}, "f.txt", "text/plain", b"data")
    return {"data": body, "content_type": content_type}


def room_update(archived: bool) -> dict[str, Any]:
    return {"name": "General", "privacy": "public", "is_archived": archived, "is_guest_accessible": False, "topic": "t", "owner": {"id": 1}}


@pytest.mark.parametrize(("event", "action", "keys"), EVENTS, ids=[event for event, _, _ in EVENTS])
def test_room_events_reach_their_webhooks(api, httpserver, event, action, keys):
    hook(api, httpserver, event)
    assert action(api).status_code in (200, 204)
    (payload,) = payloads(httpserver)
    assert payload["event"] == event
    assert set(payload["item"]) == keys
    assert payload["item"]["room"]["name"] == "General"


def test_room_created_and_unarchived_reach_global_webhooks(api, httpserver):
    hook(api, httpserver, "room_created", place="/v2", key="created")
    hook(api, httpserver, "room_unarchived", place="/v2", key="unarchived")
    api.post("/v2/room", {"name": "Fresh"})
    api.put("/v2/room/Old%20Projects", {**room_update(False), "name": "Old Projects"})
    events = sorted((p["event"], p["item"]["room"]["name"]) for p in payloads(httpserver, 2))
    assert events == [("room_created", "Fresh"), ("room_unarchived", "Old Projects")]


def test_pending_deliveries_resume_after_a_restart(tmp_path, httpserver, monkeypatch):
    db_path = str(tmp_path / "resume.db")
    first = make_app(db=db_path)
    first.extensions["sandbox"].services["deliveries"].stop()
    monkeypatch.setattr(first.extensions["sandbox"].services["deliveries"], "ensure_started", lambda: None)
    api = Api(first.test_client())
    hook(api, httpserver, "room_message")
    send(api, "General", "queued before the crash")
    stop(first)
    assert httpserver.log == []
    second = make_app(db=db_path)
    try:
        (payload,) = payloads(httpserver)
        assert payload["item"]["message"]["message"] == "queued before the crash"
    finally:
        stop(second)


def test_two_processes_never_deliver_the_same_event_twice(tmp_path, httpserver):
    db_path = str(tmp_path / "two.db")
    apps = [make_app(db=db_path), make_app(db=db_path)]
    try:
        api = Api(apps[0].test_client())
        hook(api, httpserver, "room_message")
        for n in range(20):
            Api(apps[n % 2].test_client(), ADMIN_TOKEN).post("/v2/room/General/message", {"message": f"m{n}"})
        bodies = payloads(httpserver, 20)
        time.sleep(0.3)
        assert len(httpserver.log) == 20
        assert sorted(b["item"]["message"]["message"] for b in bodies) == sorted(f"m{n}" for n in range(20))
    finally:
        for app in apps:
            stop(app)
