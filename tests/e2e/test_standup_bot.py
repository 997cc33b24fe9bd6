"""The example bot end to end, three processes under gunicorn: runtime, sandbox and the Standup bot (started by its Procfile
line). Installed from its descriptor URL, /standup posted through the viewer's post endpoint, the card in the room's
history (read through the runtime), the glance count, uninstall."""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

from tests.sandbox.delivery.test_webhooks import wait_until


def call(stack, function: str, **args: Any) -> Any:
    envelope = requests.post(f"{stack.runtime_url}/api/HipChat/{function}", json={"args": args}, timeout=10).json()
    assert envelope["callback"] == "success", envelope
    return envelope["contextWrites"]["to"]


def admin(stack, method: str, path: str, body: Any = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {stack.token}"}
    return requests.request(method, f"{stack.sandbox_url}{path}", json=body, headers=headers, timeout=15)


def cards(stack, room_id: int) -> list[dict[str, Any]]:
    items = call(stack, "getRecentRoomHistory", authToken=stack.token, roomIdOrName=str(room_id), maxResults=50)["items"]
    return [item for item in items if item.get("card")]


def test_standup_from_install_to_card_glance_and_uninstall(live_stack, standup_bot):
    room_id = call(live_stack, "createRoom", authToken=live_stack.token, name=f"Standup {uuid.uuid4().hex[:6]}")["id"]
    installed = admin(
        live_stack, "POST", "/_sandbox/api/addons", {"descriptor_url": f"{standup_bot}/capabilities.json", "room_id": room_id}
    )
    assert installed.status_code == 201, installed.text
    installation = installed.json()
    assert (installation["addon_key"], installation["room_id"], installation["allowed_scopes"]) == (
        "standup-bot",
        room_id,
        ["send_notification"],
    )
    glance = next(ext for ext in installation["extensions"] if ext["type"] == "glance")
    assert glance["content"]["label"]["value"] == "<b>0</b> notes", "the bot pushed its count when it was installed"

    users = admin(live_stack, "GET", "/_sandbox/api/users").json()["items"]
    bob = next(user["id"] for user in users if user["mention_name"] == "bob")
    posted = admin(
        live_stack, "POST", f"/_sandbox/viewer/api/rooms/{room_id}/messages", {"user_id": bob, "message": "/standup wrote the e2e test"}
    )
    assert posted.status_code == 201, posted.text

    (card,) = wait_until(lambda: cards(live_stack, room_id), timeout=15)
    assert card["card"]["title"] == "Standup · Bob Builder"
    assert card["card"]["description"] == {"value": "wrote the e2e test", "format": "text"}
    assert card["from"] == "Standup" and card["notification_sender"]["client_id"] == installation["id"]

    def pushed_count() -> str | None:
        shown = admin(live_stack, "GET", f"/_sandbox/api/addons/{installation['id']}").json()
        label = next(ext for ext in shown["extensions"] if ext["type"] == "glance")["content"]["label"]["value"]
        return label if label == "<b>1</b> note" else None

    wait_until(pushed_count, timeout=15)

    def delivered() -> dict[str, Any] | None:
        latest = admin(live_stack, "GET", f"/_sandbox/api/addons/{installation['id']}").json()["deliveries"][0]
        return latest if latest["state"] != "pending" else None

    delivery = wait_until(delivered, timeout=15)
    assert (delivery["event"], delivery["state"], delivery["status"]) == ("room_message", "done", 204)

    removed = admin(live_stack, "DELETE", f"/_sandbox/api/addons/{installation['id']}")
    assert removed.status_code == 200 and removed.json()["callback"]["status"] == 204, "the bot answered the DELETE"
    refused = requests.post(
        f"{live_stack.runtime_url}/api/HipChat/getAccessToken",
        json={"args": {"grantType": "client_credentials", "clientId": installation["id"], "clientSecret": installation["oauth_secret"]}},
        timeout=10,
    ).json()
    assert refused["callback"] == "error" and refused["contextWrites"]["to"]["upstream_status"] == 401
    assert admin(live_stack, "POST", f"/_sandbox/viewer/api/rooms/{room_id}/messages", {"user_id": bob, "message": "/standup gone?"}).ok
    time.sleep(1.5)
    assert len(cards(live_stack, room_id)) == 1, "no webhook after the uninstall"
