"""Posting to a room: the message and the event it raises, in one transaction. Used by the routes and webhook replies.

The webhooks the message goes to are matched before that transaction (events.match), never inside it.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from typing import Any

from sandbox.delivery import events
from sandbox.http.errors import bad_request
from sandbox.model import history
from sandbox.model.messaging import NewMessage, insert

NOTIFICATION_COLORS = ("yellow", "green", "red", "purple", "gray")


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def message_item(conn: sqlite3.Connection, message_id: str) -> Callable[[], dict[str, Any]]:
    """The stored message as an event item, rendered only when some webhook wants it."""

    def build() -> dict[str, Any]:
        row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
        return {"message": history.render(conn, [row])[0]}

    return build


def post(conn: sqlite3.Connection, group_id: int, room: sqlite3.Row, new: NewMessage, matched: events.Matched) -> tuple[str, int]:
    """Store the message and queue its event for the webhooks matched before this write."""
    new.room_id = room["id"]
    message_id, ts = insert(conn, group_id, new)
    events.emit(conn, group_id, room, matched.event, message_item(conn, message_id), user_id=new.sender_id, matched=matched)
    return message_id, ts


def check_in_room(conn: sqlite3.Connection, room: sqlite3.Row, message_id: str, field: str) -> None:
    found = conn.execute("SELECT 1 FROM messages WHERE id = ? AND room_id = ?", (message_id, room["id"])).fetchone()
    if found is None:
        raise bad_request(f"Message {message_id} not found in this room", field, "exists", message_id)


def notification(
    conn: sqlite3.Connection,
    group_id: int,
    room: sqlite3.Row,
    body: dict[str, Any],
    label: str,
    client_id: str | None,
    matched: events.Matched,
) -> tuple[str, int]:
    """A notification from a send_room_notification body (also a webhook's reply)."""
    if body.get("attach_to"):
        check_in_room(conn, room, body["attach_to"], "attach_to")
    color = body.get("color") or "yellow"
    new = NewMessage(
        type="notification",
        message=body["message"],
        from_label=body.get("from") or label,
        client_id=client_id,
        message_format=body.get("message_format") or "html",
        color=random.choice(NOTIFICATION_COLORS) if color == "random" else color,
        notify=truthy(body.get("notify")),
        card=body.get("card"),
        attach_to=body.get("attach_to"),
    )
    return post(conn, group_id, room, new, matched)
