"""A slash command round trip under gunicorn: a ^/echo webhook on a loopback server, the JWT-signed event verified there,
and the reply from the webhook's response appearing in the room's history."""

from __future__ import annotations

import json
import time

import jwt
import requests
from werkzeug import Request, Response

from tests.sandbox.conftest import CLIENT_ID, CLIENT_SECRET


def test_echo_slash_command_round_trip(gunicorn_sandbox, httpserver):
    server = gunicorn_sandbox.start()
    seen: list[dict] = []

    def echo_bot(request: Request) -> Response:
        token = request.headers["Authorization"].removeprefix("JWT ")
        claims = jwt.decode(token, CLIENT_SECRET, algorithms=["HS256"], issuer=CLIENT_ID)  # raises unless signed by our secret
        assert request.args["signed_request"] == token
        event = json.loads(request.get_data())
        seen.append({"claims": claims, "event": event})
        text = event["item"]["message"]["message"].removeprefix("/echo").strip()
        reply = {"message": f"echo: {text}", "color": "purple", "message_format": "text", "notify": False}
        return Response(json.dumps(reply), content_type="application/json")

    httpserver.expect_request("/echo", method="POST").respond_with_handler(echo_bot)
    addon_token = requests.post(
        f"{server.url}/v2/oauth/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5
    ).json()["access_token"]
    hook = {"url": httpserver.url_for("/echo"), "event": "room_message", "pattern": "^/echo", "authentication": "jwt", "name": "Echo"}
    created = requests.put(
        f"{server.url}/v2/room/General/extension/webhook/echo", json=hook, headers={"Authorization": f"Bearer {addon_token}"}, timeout=5
    )
    assert created.status_code == 201

    admin = server.session()
    assert admin.post(f"{server.url}/v2/room/General/message", json={"message": "no command here"}, timeout=5).status_code == 201
    sent = admin.post(f"{server.url}/v2/room/General/message", json={"message": "/echo hi"}, timeout=5)
    assert sent.status_code == 201

    deadline = time.monotonic() + 10
    reply = None
    while reply is None and time.monotonic() < deadline:
        items = admin.get(f"{server.url}/v2/room/General/history/latest?max-results=5", timeout=5).json()["items"]
        reply = next((item for item in items if item["type"] == "notification" and item["message"] == "echo: hi"), None)
        time.sleep(0.1)
    assert reply is not None, "the webhook's reply never reached the room"
    assert (reply["from"], reply["color"], reply["message_format"]) == ("Echo", "purple", "text")

    assert len(seen) == 1, "the pattern lets only the command through"
    event = seen[0]["event"]
    assert (event["event"], event["oauth_client_id"], event["item"]["message"]["id"]) == ("room_message", CLIENT_ID, sent.json()["id"])
    assert seen[0]["claims"]["context"]["room_id"] == event["item"]["room"]["id"]
