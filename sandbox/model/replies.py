"""A webhook's answer: a 2xx JSON reply with a `message` is posted to the room as a notification, as HipChat does for
slash commands. Replies to room_notification events are not posted: a bot answering notifications would otherwise
answer itself.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sandbox.http import validation
from sandbox.http.errors import HipChatError
from sandbox.model.posting import notification


def webhook_label(conn: sqlite3.Connection, row: sqlite3.Row) -> str:
    """Who a reply notification is from: the webhook's name, else its add-on's."""
    hook = conn.execute("SELECT body FROM extensions WHERE id = ?", (row["webhook_id"],)).fetchone()
    name = json.loads(hook["body"]).get("name") if hook else None
    if not name and row["client_id"]:
        client = conn.execute("SELECT name FROM oauth_clients WHERE id = ?", (row["client_id"],)).fetchone()
        name = client["name"] if client else None
    return name or "Webhook"


def post_reply(conn: sqlite3.Connection, row: sqlite3.Row, body: bytes, content_type: str) -> tuple[str, bool]:
    """Post the webhook's JSON reply to the room; returns the outcome text and whether something was posted."""
    if not body.strip() or "json" not in content_type.lower():
        return "delivered", False
    try:
        reply: Any = json.loads(body)
    except ValueError:
        return "delivered; reply is not JSON", False
    if not isinstance(reply, dict) or "message" not in reply:
        return "delivered", False
    if row["event"] == "room_notification":
        return "delivered; replies to room_notification are not posted", False
    room = conn.execute("SELECT * FROM rooms WHERE id = ?", (row["room_id"],)).fetchone()
    if room is None:
        return "delivered; the room is gone, reply not posted", False
    try:
        validation.validate("webhook_reply", reply)
        message_id, _ = notification(conn, room["group_id"], room, reply, webhook_label(conn, row), row["client_id"])
    except HipChatError as error:
        return f"delivered; reply not posted: {error.message}", False
    return f"delivered; reply posted as message {message_id}", True
