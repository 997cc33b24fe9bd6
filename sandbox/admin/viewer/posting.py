"""Posting from the viewer as one of the sandbox's users: what a person types (a message, or /standup hi) goes into the
room as that user's message and raises room_message, as sendMessageToRoom with that user's token would (flood
control aside: it counts per token, and a person at the viewer has none)."""

from __future__ import annotations

from typing import Any

from sandbox.api.roomchat import recipients
from sandbox.http import validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request, not_found
from sandbox.model import resolve
from sandbox.model.messaging import NewMessage
from sandbox.model.posting import post
from sandbox.security.auth import Principal


def as_user(room: str, user_id: Any, text: Any) -> tuple[str, int]:
    """(message id, timestamp) of the message the user posted; 400 naming the field, 404, or the room's own refusals."""
    body = validation.validate("send_message", {"message": text})
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise bad_request("user_id must be the id of the user to post as", "user_id", "type", None)
    with db().read() as conn:
        user = conn.execute("SELECT * FROM users WHERE id = ? AND is_deleted = 0", (user_id,)).fetchone()
    if user is None:
        raise not_found(f"User {user_id} not found")
    caller = Principal("user", "", user["group_id"], frozenset(), user_id=user["id"])
    matched = recipients(room, caller, "room_message", body["message"])  # matched before the write, as every send is
    with db().write() as conn:
        row = resolve.room_again(conn, matched.room_id, room, caller)
        if row["is_archived"]:
            raise bad_request(f"Room {room} is archived")
        return post(conn, user["group_id"], row, NewMessage(type="message", message=body["message"], sender_id=user["id"]), matched)
