"""What the hipchat_sandbox fixture gives a test: a running sandbox, driven over HTTP with its admin token.

Rooms and users are created the first time they are named; `post_as` is a person typing in the room (through the room
viewer's own posting route, so webhooks and slash commands fire as they do there); `messages` and `wait_for` read the
room's history (messages, notifications, cards); `install` and `uninstall` take an add-on in or out from its
descriptor; `fault` makes the /v2 API misbehave (sandbox.model.faults).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from sandbox.launch import Server

TIMEOUT_S = 30.0
WAIT_POLL_S = 0.1
SHOWN_MESSAGES = 10
HISTORY_LIMIT = 1000


class SandboxError(AssertionError):
    """The sandbox refused an admin call (the message has its answer)."""


def _text(item: dict[str, Any]) -> str:
    sender = item.get("from")
    who = sender.get("mention_name") or sender.get("name") if isinstance(sender, dict) else sender
    card = " [card]" if item.get("card") else ""
    return f"{item.get('type', 'message')} from {who or '?'}: {str(item.get('message', ''))[:200]!r}{card}"


class HipChatSandbox:
    """A sandbox server for one test (or a session, reset between tests)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.root = server.root
        self.url = server.api_url  # the /v2 base: HIPCHAT_API_URL for a bot
        self.admin_token = server.admin_token  # /_sandbox/
        self.api_token = server.api_token  # the group admin's personal token for /v2: every scope, never /_sandbox/
        self.http = requests.Session()
        self.http.trust_env = False  # loopback: never through a proxy
        self.http.headers["Authorization"] = f"Bearer {server.admin_token}"
        self.http.headers["X-Sandbox-Faults"] = "off"  # the helpers' own /v2 calls never spend a fault (sandbox.model.faults)

    # --- plumbing -------------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, expect: tuple[int, ...] = (200, 201, 204), **kwargs: Any) -> requests.Response:
        """An admin-token request to path (under the server's root); SandboxError when the status is not expected."""
        response = self.http.request(method, f"{self.root}{path}", timeout=TIMEOUT_S, **kwargs)
        if response.status_code not in expect:
            raise SandboxError(f"{method} {path}: HTTP {response.status_code} {response.text[:500]}")
        return response

    def reset(self, demo: bool = False) -> None:
        """Everything back to a fresh sandbox (same admin token); demo data only when asked."""
        self.request("POST", "/_sandbox/reset", json={"demo": demo})

    # --- rooms and people -----------------------------------------------------------------------------------------
    def room(self, name: str | int) -> dict[str, Any]:
        """The room (HipChat's room object), created when no room has that name; an id must exist."""
        found = self.request("GET", f"/v2/room/{quote(str(name), safe='')}", expect=(200, 404))
        if found.status_code == 404 and isinstance(name, str):
            self.request("POST", "/v2/room", json={"name": name})
            found = self.request("GET", f"/v2/room/{quote(name, safe='')}")
        elif found.status_code == 404:
            raise SandboxError(f"room {name} not found")
        return found.json()

    def user(self, mention: str) -> dict[str, Any]:
        """The user with that mention name ("@bob" or "bob"), created when there is none."""
        name = mention.removeprefix("@")
        if not name:
            raise ValueError("user() needs a mention name such as '@bob'")
        found = self.request("GET", f"/v2/user/@{quote(name, safe='')}", expect=(200, 404))
        if found.status_code == 404:
            body = {"name": name.capitalize(), "mention_name": name, "email": f"{name.lower()}@sandbox.example"}
            created = self.request("POST", "/v2/user", json=body).json()
            found = self.request("GET", f"/v2/user/{created['id']}")
        return found.json()

    def post_as(self, user: str, room: str | int, text: str) -> str:
        """A person typing text in the room (slash commands included): the message's id. Webhooks fire as in the viewer."""
        sender, target = self.user(user), self.room(room)
        path = f"/_sandbox/viewer/api/rooms/{target['id']}/messages"
        return self.request("POST", path, json={"user_id": sender["id"], "message": text}).json()["id"]

    # --- what happened --------------------------------------------------------------------------------------------
    def messages(self, room: str | int) -> list[dict[str, Any]]:
        """The room's history, oldest first: HipChat's message items (messages, notifications with their cards, ...)."""
        target = self.room(room)
        page = self.request("GET", f"/_sandbox/api/rooms/{target['id']}/history", params={"limit": HISTORY_LIMIT}).json()
        return list(reversed(page["items"]))

    def wait_for(self, room: str | int, predicate: Callable[[dict[str, Any]], Any], timeout: float = 10.0) -> dict[str, Any]:
        """The first message of the room for which predicate is true, waiting up to timeout seconds for it to come."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.messages(room)
            for item in seen:
                if predicate(item):
                    return item
            if time.monotonic() >= deadline:
                shown = "\n".join(f"  {_text(item)}" for item in seen[-SHOWN_MESSAGES:]) or "  (none)"
                what = getattr(predicate, "__name__", repr(predicate))
                raise AssertionError(
                    f"no message in room {room!r} matched {what} within {timeout:g} s; the last {min(len(seen), SHOWN_MESSAGES)}"
                    f" of {len(seen)} it saw:\n{shown}"
                )
            time.sleep(WAIT_POLL_S)

    def journal(self, since: int = 0) -> list[dict[str, Any]]:
        """The /v2 requests the sandbox answered (oldest first), tokens redacted; "fault" names an injected answer."""
        return self.request("GET", "/_sandbox/journal", params={"since": since, "limit": 5000}).json()["items"]

    def deliveries(self) -> list[dict[str, Any]]:
        """Webhook deliveries, newest first, each with its "attempts" (status, error, duration) and "state"."""
        return self.request("GET", "/_sandbox/api/deliveries", params={"limit": 1000}).json()["items"]

    def glances(self, room: str | int | None = None) -> list[dict[str, Any]]:
        """Glance updates add-ons pushed (pushUIChangesToRoom), newest first: {"room_id", "client_id", "glance": [...]}."""
        items = self.request("GET", "/_sandbox/api/ui").json()["items"]
        if room is None:
            return items
        room_id = self.room(room)["id"]
        return [item for item in items if item["room_id"] == room_id]

    # --- add-ons --------------------------------------------------------------------------------------------------
    def install(self, descriptor_url: str, room: str | int | None = None) -> dict[str, Any]:
        """Install the add-on from its descriptor, as HipChat did (into the room, else globally): the installation."""
        body: dict[str, Any] = {"descriptor_url": descriptor_url}
        if room is not None:
            body["room_id"] = self.room(room)["id"]
        return self.request("POST", "/_sandbox/api/addons", json=body).json()

    def uninstall(self, installation: dict[str, Any] | str) -> None:
        """Uninstall (the installation install() gave, or its oauth id): the add-on gets HipChat's DELETE."""
        oauth_id = installation if isinstance(installation, str) else installation["id"]
        self.request("DELETE", f"/_sandbox/api/addons/{quote(oauth_id, safe='')}")

    # --- faults ---------------------------------------------------------------------------------------------------
    def fault(self, **fields: Any) -> dict[str, Any]:
        """A fault (POST /_sandbox/api/faults with these fields: method, path or pattern, token_kind, addon, status,
        message, headers, reset_s, delay_ms, close, times): the fault with its "id"."""
        return self.request("POST", "/_sandbox/api/faults", json=fields).json()

    def faults(self) -> list[dict[str, Any]]:
        """Every fault with its "hits" and whether it is still "active"."""
        return self.request("GET", "/_sandbox/api/faults").json()["items"]

    def remove_fault(self, fault: dict[str, Any] | int | None = None) -> None:
        """Remove the fault (or every fault, without one)."""
        fault_id = fault["id"] if isinstance(fault, dict) else fault
        self.request("DELETE", "/_sandbox/api/faults" + (f"/{fault_id}" if fault_id is not None else ""))


class HipChatRuntime:
    """The function package runtime on a sandbox: `url` is its root, as in <url>/api/HipChat/<function>."""

    def __init__(self, server: Server, sandbox: HipChatSandbox | None = None) -> None:
        self.server = server
        self.url = server.root
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.trust_env = False

    def call(self, function: str, **args: Any) -> dict[str, Any]:
        """POST <url>/api/HipChat/<function> {"args": args}: the RapidAPI envelope."""
        return self.http.post(f"{self.url}/api/HipChat/{function}", json={"args": args}, timeout=TIMEOUT_S).json()
