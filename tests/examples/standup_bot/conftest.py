"""The Standup bot on Flask's test client, its runtime a recording stand-in on loopback (pytest-httpserver)."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
from werkzeug import Request, Response

from standup.app import create_app
from standup.config import Config

HIPCHAT_CAPABILITIES = "http://hipchat.test/v2/capabilities"
PUBLIC_URL = "http://bot.test"


@dataclass
class RuntimeStub:
    """Answers /api/HipChat/<function> as the runtime would; records every call (function, args)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    expires_in: int = 3600
    failing: set[str] = field(default_factory=set)
    revoked: set[str] = field(default_factory=set)  # OAuth clients HipChat no longer knows: getAccessToken is a 401
    secrets: dict[str, str] = field(default_factory=dict)  # a client's one secret, where the test names it
    failing_status: int = 401  # what a refused call's HipChat answered

    def refuses(self, function: str, args: dict[str, Any]) -> bool:
        if function in self.failing:
            return True
        if function != "getAccessToken":
            return False
        client = args.get("clientId")
        return client in self.revoked or (client in self.secrets and self.secrets[client] != args.get("clientSecret"))

    def handle(self, request: Request) -> Response:
        function = request.path.rsplit("/", 1)[1]
        args = json.loads(request.get_data())["args"]
        self.calls.append((function, args))
        if self.refuses(function, args):
            status = 401 if function not in self.failing else self.failing_status
            envelope = {"callback": "error", "contextWrites": {"to": {"status_code": "API_ERROR", "upstream_status": status}}}
            return Response(json.dumps(envelope), status=status, content_type="application/json")
        answers = {
            "getCapabilities": {"links": {"self": HIPCHAT_CAPABILITIES}},
            "getAccessToken": {"access_token": f"token-{len(self.calls)}", "expires_in": self.expires_in, "scope": args.get("scope")},
        }
        envelope = {"callback": "success", "contextWrites": {"to": answers.get(function, "success")}}
        return Response(json.dumps(envelope), content_type="application/json")

    def named(self, function: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == function]


@pytest.fixture
def runtime(httpserver) -> RuntimeStub:
    stub = RuntimeStub()
    httpserver.expect_request(re.compile(r"^/api/HipChat/\w+$"), method="POST").respond_with_handler(stub.handle)
    return stub


@pytest.fixture
def bot_config(httpserver, runtime, tmp_path: Path) -> Config:
    return Config(port=8002, runtime_url=httpserver.url_for("").rstrip("/"), public_url=PUBLIC_URL, db_path=str(tmp_path / "bot.db"))


@pytest.fixture
def bot(bot_config):
    return create_app(bot_config).test_client()


@dataclass
class Installed:
    oauth_id: str
    secret: str
    room_id: int | None


def install(
    bot, room_id: int | None = 7, oauth_id: str | None = None, secret: str = "s3cret-of-the-installation-of-40-chars-x"
) -> Installed:
    body = {"oauthId": oauth_id or str(uuid.uuid4()), "oauthSecret": secret, "capabilitiesUrl": HIPCHAT_CAPABILITIES, "groupId": 1}
    if room_id is not None:
        body["roomId"] = room_id
    response = bot.post("/installable", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return Installed(body["oauthId"], secret, room_id)


def event(text: str, room_id: int = 7, oauth_id: str | None = None, message_id: str | None = None) -> dict[str, Any]:
    found = {
        "event": "room_message",
        "item": {
            "message": {
                "id": message_id or str(uuid.uuid4()),
                "message": text,
                "from": {"id": 2, "name": "Bob Builder", "mention_name": "bob"},
            },
            "room": {"id": room_id, "name": "General"},
        },
        "webhook_id": 1,
    }
    if oauth_id:
        found["oauth_client_id"] = oauth_id
    return found


def sign(installed: Installed, room_id: int | None = 7, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": installed.oauth_id,
        "iat": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex[:20],
        "sub": "2",
        "context": {"room_id": room_id},
    }
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, installed.secret, algorithm="HS256")


def deliver(bot, payload: dict[str, Any], token: str | None) -> Any:
    headers = {"Authorization": f"JWT {token}"} if token else {}
    return bot.post("/webhooks/standup", data=json.dumps(payload), content_type="application/json", headers=headers)
