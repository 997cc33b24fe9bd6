"""Room events: HipChat's payloads, and a delivery queued for every matching webhook, in the event's own transaction.

A webhook matches when its event is the event's, and it is the room's or a global one (no room). A `pattern` is a
regular expression searched in the message text (room_message, room_notification) with RE2 (sandbox.delivery.patterns);
`^/weather` is a slash command.

Patterns are never matched inside a write transaction, which holds the database's one write lock: a message event is
matched first (match(): a read, then the matching with no transaction open), and the write that stores the message
queues the deliveries of the webhooks found then (emit() with the Matched), skipping any deleted in between.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context

from sandbox.delivery import patterns, queue
from sandbox.http.representations import client_summary, room_summary, user_summary
from sandbox.security.auth import Principal
from sandbox.store import clock
from sandbox.store.db import Database

MESSAGE_EVENTS = ("room_message", "room_notification")


@dataclass(frozen=True)
class Matched:
    """The webhooks a message event goes to, found before the write that queues them."""

    room_id: int
    event: str
    hook_ids: frozenset[int]


WEBHOOKS = (
    "SELECT id, key, room_id, body, client_id FROM extensions"
    " WHERE group_id = ? AND event = ? AND type = 'webhook' AND (room_id = ? OR room_id IS NULL) ORDER BY id"
)


def webhooks(conn: sqlite3.Connection, group_id: int, room_id: int, event: str) -> list[sqlite3.Row]:
    return conn.execute(WEBHOOKS, (group_id, event, room_id)).fetchall()


def match(
    db: Database, event: str, text: str, find_room: Callable[[sqlite3.Connection], sqlite3.Row], seen: sqlite3.Row | None = None
) -> Matched:
    """The room's and its group's webhooks for a message event whose pattern (if any) is found in text.

    One read finds the room (find_room: its row, or the caller's 404/403) and its webhooks; the patterns are matched
    after it, with no transaction open. A room already found and checked in this request (seen) is not read again:
    the webhooks are then one statement. Refuses to run inside a write transaction.
    """
    if db.writing():
        raise RuntimeError("webhook patterns are matched before the write transaction, never inside it")
    if seen is not None:
        room = seen
        hooks = db.fetch_all(WEBHOOKS, (room["group_id"], event, room["id"]))
    else:
        with db.read() as conn:
            room = find_room(conn)
            hooks = webhooks(conn, room["group_id"], room["id"], event)
    found = frozenset(
        hook["id"] for hook in hooks if (pattern := json.loads(hook["body"]).get("pattern")) is None or patterns.matches(pattern, text)
    )
    return Matched(room["id"], event, found)


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
    matched: Matched | None = None,
) -> int:
    """Queue the event for every webhook that wants it, in the caller's write; returns how many deliveries were queued.

    A message event takes the webhooks match() found before the write (a pattern is never matched here); any other
    event goes to every webhook of its kind. item may be a function: it is called only when some webhook wants it.
    """
    if event in MESSAGE_EVENTS and (matched is None or (matched.room_id, matched.event) != (room["id"], event)):
        raise ValueError(f"a {event} event needs its webhooks matched before the write (events.match)")
    if matched is not None and not matched.hook_ids:
        return 0
    queued = 0
    now = clock.now_us()
    full_item: dict[str, Any] | None = None
    for hook in webhooks(conn, group_id, room["id"], event):
        if matched is not None and hook["id"] not in matched.hook_ids:
            continue  # created after the match: the message came before it
        body = json.loads(hook["body"])
        if full_item is None:
            full_item = {**(item() if callable(item) else item), "room": room_summary(room)}
        payload: dict[str, Any] = {"event": event, "item": full_item, "webhook_id": hook["id"]}
        if hook["client_id"]:
            payload["oauth_client_id"] = hook["client_id"]
        conn.execute(
            "INSERT INTO deliveries (webhook_id, webhook_key, event, room_id, url, target, authentication, client_id, user_id,"
            " payload, next_at, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                hook["id"],
                hook["key"],
                event,
                room["id"],
                body["url"],
                queue.target_of(body["url"]),
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
