"""A webhook's answer: a 2xx JSON reply with a `message` is posted to the room as a notification, as HipChat does for
slash commands. Replies to room_notification events are not posted: a bot answering notifications would otherwise
answer itself.

Reading the reply and matching it against the room's webhooks happen first, outside any transaction; what comes back
is the write the delivery runs in its attempt's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from sandbox.delivery import events
from sandbox.http import validation
from sandbox.http.errors import HipChatError
from sandbox.model.posting import notification
from sandbox.store.db import Database

ReplyWrite = Callable[[sqlite3.Connection], tuple[str, bool]]


def webhook_label(conn: sqlite3.Connection, row: sqlite3.Row) -> str:
    """Who a reply notification is from: the webhook's name, else its add-on's."""
    hook = conn.execute("SELECT body FROM extensions WHERE id = ?", (row["webhook_id"],)).fetchone()
    name = json.loads(hook["body"]).get("name") if hook else None
    if not name and row["client_id"]:
        client = conn.execute("SELECT name FROM oauth_clients WHERE id = ?", (row["client_id"],)).fetchone()
        name = client["name"] if client else None
    return name or "Webhook"


def room_of(conn: sqlite3.Connection, room_id: int) -> sqlite3.Row:
    """The room a delivery was for; LookupError when it is gone."""
    room = conn.execute("SELECT * FROM rooms WHERE id = ?", (room_id,)).fetchone()
    if room is None:
        raise LookupError(room_id)
    return room


def outcome(text: str) -> ReplyWrite:
    return lambda conn: (text, False)


def post_reply(db: Database, row: sqlite3.Row, body: bytes, content_type: str) -> ReplyWrite:
    """What the reply becomes: the write that posts it to the room (outcome text, whether something was posted)."""
    if not body.strip() or "json" not in content_type.lower():
        return outcome("delivered")
    try:
        reply: Any = json.loads(body)
    except ValueError:
        return outcome("delivered; reply is not JSON")
    if not isinstance(reply, dict) or "message" not in reply:
        return outcome("delivered")
    if row["event"] == "room_notification":
        return outcome("delivered; replies to room_notification are not posted")
    try:
        reply = validation.validate("webhook_reply", reply)
    except HipChatError as error:
        return outcome(f"delivered; reply not posted: {error.message}")
    try:
        matched = events.match(db, "room_notification", reply["message"], lambda conn: room_of(conn, row["room_id"]))
    except LookupError:
        return outcome("delivered; the room is gone, reply not posted")

    def write(conn: sqlite3.Connection) -> tuple[str, bool]:
        try:
            fresh = room_of(conn, row["room_id"])
        except LookupError:
            return "delivered; the room is gone, reply not posted", False
        try:
            message_id, _ = notification(conn, fresh["group_id"], fresh, reply, webhook_label(conn, row), row["client_id"], matched)
        except HipChatError as error:
            return f"delivered; reply not posted: {error.message}", False
        return f"delivered; reply posted as message {message_id}", True

    return write
