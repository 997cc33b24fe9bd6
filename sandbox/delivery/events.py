"""Room events: HipChat's payloads, and a delivery queued for every matching webhook, in the event's own transaction.

A webhook matches when its event is the event's, and it is the room's or a global one (no room). A `pattern` is a
regular expression searched in the message text (room_message, room_notification) with RE2 (sandbox.delivery.patterns);
`^/weather` is a slash command.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from flask import g, has_request_context

from sandbox.delivery import patterns
from sandbox.http.representations import client_summary, room_summary, user_summary
from sandbox.security.auth import Principal
from sandbox.store import clock

MESSAGE_EVENTS = ("room_message", "room_notification")


def sender(conn: sqlite3.Connection, caller: Principal) -> dict[str, Any] | None:
    """The acting user's summary, or the add-on (OAuth client) when a client token acted."""
    if caller.user_id is not None:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (caller.user_id,)).fetchone()
        return user_summary(row) if row else None
    if caller.client_id is not None:
        row = conn.execute("SELECT * FROM oauth_clients WHERE id = ?", (caller.client_id,)).fetchone()
        return client_summary(row) if row else None
    return None


def emit(
    conn: sqlite3.Connection,
    group_id: int,
    room: sqlite3.Row,
    event: str,
    item: dict[str, Any] | Callable[[], dict[str, Any]],
    user_id: int | None = None,
    text: str | None = None,
) -> int:
    """Queue the event for every matching webhook; returns how many deliveries were queued.

    item may be a function: it is called only when some webhook matches, so an event nobody listens to costs one query.
    """
    hooks = conn.execute(
        "SELECT id, key, room_id, body, client_id FROM extensions"
        " WHERE group_id = ? AND event = ? AND type = 'webhook' AND (room_id = ? OR room_id IS NULL) ORDER BY id",
        (group_id, event, room["id"]),
    ).fetchall()
    queued = 0
    now = clock.now_us()
    full_item: dict[str, Any] | None = None
    for hook in hooks:
        body = json.loads(hook["body"])
        pattern = body.get("pattern")
        if pattern and event in MESSAGE_EVENTS and not patterns.matches(pattern, text or ""):
            continue
        if full_item is None:
            full_item = {**(item() if callable(item) else item), "room": room_summary(room)}
        payload: dict[str, Any] = {"event": event, "item": full_item, "webhook_id": hook["id"]}
        if hook["client_id"]:
            payload["oauth_client_id"] = hook["client_id"]
        conn.execute(
            "INSERT INTO deliveries (webhook_id, webhook_key, event, room_id, url, authentication, client_id, user_id, payload,"
            " next_at, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                hook["id"],
                hook["key"],
                event,
                room["id"],
                body["url"],
                body.get("authentication", "none"),
                hook["client_id"],
                user_id,
                json.dumps(payload, ensure_ascii=False),
                now // 1000,
                now,
            ),
        )
        queued += 1
    if queued and has_request_context():
        g.wake_deliveries = True
    return queued
