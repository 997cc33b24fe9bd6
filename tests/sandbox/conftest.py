"""Sandbox fixtures: the app on an in-memory database (Flask test client), a caller with the admin token, gunicorn runs."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from common import serving
from sandbox.app import create_app
from tests.helpers import free_port

ADMIN_TOKEN = "SandboxAdminT0ken"
CLIENT_ID = "sandbox-test-client"
CLIENT_SECRET = "sandbox-test-secret-of-32-characters"
REDIRECT_URI = "https://addon.example/cb"  # registered for the seeded add-on (SANDBOX_OAUTH_REDIRECT_URIS)
FAST_WEBHOOKS = {"webhook_poll": 0.05, "webhook_backoff": 0.1, "webhook_timeout": 2.0, "webhook_attempts": 3}


def settings_for(**overrides: Any) -> dict[str, Any]:
    return {
        "db": ":memory:",
        "admin_token": ADMIN_TOKEN,
        "oauth_client_id": CLIENT_ID,
        "oauth_client_secret": CLIENT_SECRET,
        "oauth_redirect_uris": f"{REDIRECT_URI},https://bot.example/done",
        "public_url": "http://sandbox.test",
        **FAST_WEBHOOKS,
        **overrides,
    }


class Api:
    """The test client with a token: api.get("/v2/room") sends Authorization: Bearer <token>."""

    def __init__(self, client: Any, token: str | None = ADMIN_TOKEN) -> None:
        self.client = client
        self.token = token

    def with_token(self, token: str | None) -> Api:
        return Api(self.client, token)

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def get(self, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def delete(self, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return self.client.delete(path, headers=self._headers(headers), **kwargs)

    def post(self, path: str, json_body: Any = None, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        if json_body is not None:
            kwargs["json"] = json_body
        return self.client.post(path, headers=self._headers(headers), **kwargs)

    def put(self, path: str, json_body: Any = None, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        if json_body is not None:
            kwargs["json"] = json_body
        return self.client.put(path, headers=self._headers(headers), **kwargs)


def make_app(**overrides: Any):
    return create_app(settings_for(**overrides))


@pytest.fixture
def sandbox_app() -> Iterator[Any]:
    app = make_app()
    yield app
    stop(app)


def stop(app: Any) -> None:
    box = app.extensions["sandbox"]
    box.services["deliveries"].stop()
    box.services["journal"].stop()
    box.db.close()


@pytest.fixture
def api(sandbox_app) -> Api:
    return Api(sandbox_app.test_client())


@pytest.fixture
def empty_app() -> Iterator[Any]:
    """No demo data: the group, its admin, the add-on and the built-in emoticons only."""
    app = make_app(demo=False)
    yield app
    stop(app)


@pytest.fixture
def empty_api(empty_app) -> Api:
    return Api(empty_app.test_client())


def basic(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def client_token(api: Api, scope: str | None = None, **form: str) -> str:
    """A client_credentials token of the seeded add-on."""
    data = {"grant_type": "client_credentials", **form}
    if scope:
        data["scope"] = scope
    response = api.client.post("/v2/oauth/token", data=data, headers=basic())
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def user_token(api: Api, username: str, password: str, scope: str | None = None) -> str:
    data = {"grant_type": "password", "username": username, "password": password}
    if scope:
        data["scope"] = scope
    response = api.client.post("/v2/oauth/token", data=data)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == response.status_code
    return body["error"]


def create_room(api: Api, name: str, **fields: Any) -> int:
    response = api.post("/v2/room", {"name": name, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def send(api: Api, room: str | int, text: str) -> str:
    response = api.post(f"/v2/room/{room}/message", {"message": text})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def history(api: Api, room: str | int, **query: Any) -> dict[str, Any]:
    response = api.get(f"/v2/room/{room}/history", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def multipart_related(metadata: dict[str, Any] | None, filename: str, content_type: str, data: bytes) -> tuple[str, bytes]:
    """The body HipChat's share_file takes (as the official page shows it)."""
    boundary = "sandbox-test-boundary"
    parts = []
    if metadata is not None:
        head = f'--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Disposition: attachment; name="metadata"'
        parts.append(f"{head}\r\n\r\n".encode() + json.dumps(metadata).encode() + b"\r\n")
    head = f'--{boundary}\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; name="file"; filename="{filename}"'
    parts.append(f"{head}\r\n\r\n".encode() + data + b"\r\n")
    return f"multipart/related; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


@dataclass
class Server:
    """The sandbox under gunicorn on loopback, in its own process group (so kill -9 takes master and workers)."""

    url: str
    db_path: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None
    workers: int = 2
    args: list[str] = field(default_factory=list)
    verify: str | bool = True

    def start(self) -> Server:
        port = int(self.url.rsplit(":", 1)[1])
        self.process = serving.start_gunicorn(
            "sandbox.app:create_app()", port, self.env, workers=self.workers, extra=self.args, log_path=self.log_path, new_session=True
        )
        try:
            serving.wait_http(f"{self.url}/v2/capabilities", verify=self.verify, processes=[self.process])
        except RuntimeError as exc:
            raise RuntimeError(f"the sandbox did not start ({exc}); see {self.log_path}") from None
        return self

    def kill_hard(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        return session


def server_env(tmp_path: Path, public_url: str) -> dict[str, str]:
    return {
        "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_PUBLIC_URL": public_url,
        "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN,
        "SANDBOX_OAUTH_CLIENT_ID": CLIENT_ID,
        "SANDBOX_OAUTH_CLIENT_SECRET": CLIENT_SECRET,
        "SANDBOX_WEBHOOK_POLL": "0.1",
        "SANDBOX_WEBHOOK_BACKOFF": "0.2",
    }


@pytest.fixture
def gunicorn_sandbox(tmp_path: Path) -> Iterator[Server]:
    url = f"http://127.0.0.1:{free_port()}"
    server = Server(url, tmp_path / "sandbox.db", server_env(tmp_path, url), tmp_path / "sandbox.log")
    yield server
    server.stop()


def statements_during(sandbox_app, call) -> list[str]:
    """The SQL statements a call ran (the in-memory database is one connection)."""
    conn = sandbox_app.extensions["sandbox"].db.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [" ".join(statement.split()) for statement in seen]
