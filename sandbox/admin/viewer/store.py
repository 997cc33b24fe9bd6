"""Read-only queries of the viewer: one room, and its messages after a cursor (the messages' seq).

The room list comes from the sandbox's own GET /_sandbox/api/rooms; what is here is what that API lacks: a cursor to
poll from, and each message's HTML parts already sanitized."""

from __future__ import annotations

from typing import Any

from sandbox.admin.viewer.shape import viewer_message
from sandbox.http.context import db
from sandbox.model.history import render
from sandbox.model.resolve import numeric_id

FIRST_PAGE = 200  # messages shown when a room is opened
PAGE = 500  # most messages one poll brings


def room(ident: str) -> dict[str, Any] | None:
    """A room by id or by name, as the API finds one: a number is an id first, else a name without case."""
    columns = "SELECT id, name, topic, privacy, is_archived FROM rooms"
    with db().read() as conn:
        row = None
        if numeric_id(ident) is not None:
            row = conn.execute(f"{columns} WHERE id = ?", (numeric_id(ident),)).fetchone()
        if row is None:
            row = conn.execute(f"{columns} WHERE name = ? COLLATE NOCASE", (ident,)).fetchone()
    if row is None:
        return None
    return {"id": row["id"], "name": row["name"], "topic": row["topic"], "privacy": row["privacy"], "is_archived": bool(row["is_archived"])}


def messages(room_id: int, after: int | None) -> tuple[list[dict[str, Any]], int]:
    """Messages in arrival order: the latest FIRST_PAGE, or those after the cursor; and the new cursor."""
    with db().read() as conn:
        if after is None:
            rows = conn.execute(
                "SELECT * FROM messages WHERE room_id = ? AND deleted = 0 ORDER BY seq DESC LIMIT ?", (room_id, FIRST_PAGE)
            ).fetchall()
            rows.reverse()
        else:
            rows = conn.execute(
                "SELECT * FROM messages WHERE room_id = ? AND deleted = 0 AND seq > ? ORDER BY seq LIMIT ?", (room_id, after, PAGE)
            ).fetchall()
        items = render(conn, rows)
        cursor = rows[-1]["seq"] if rows else after
        if cursor is None:
            cursor = conn.execute("SELECT ifnull(MAX(seq), 0) FROM messages WHERE room_id = ?", (room_id,)).fetchone()[0]
    return [viewer_message(row["seq"], item) for row, item in zip(rows, items, strict=True)], cursor
