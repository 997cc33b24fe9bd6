"""Add-on extensions (actions, dialogs, external pages, glances, web panels, webhooks), global or per room; PUT creates.

Bodies are the descriptor's capability objects (research §3), stored as given with the key from the path. Also the
legacy room webhook list and its create/get/delete (hipchat-go and older clients use those).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from flask import Blueprint, Response

from sandbox.delivery import queue, rules
from sandbox.http import links, paging, validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request, not_found
from sandbox.http.responses import json_response, no_content
from sandbox.model import resolve
from sandbox.security import standing
from sandbox.security.auth import Principal, principal
from sandbox.store import clock
from sandbox.store.db import inserted_id

bp = Blueprint("extensions", __name__)

KINDS = "any(action, dialog, externalPage, glance, webPanel, webhook)"
LIMIT_PER_PLACE = 10  # "You can only create 10 webhooks in a room"; the same cap for global actions
TITLES = {
    "action": "Action",
    "dialog": "Dialog",
    "externalPage": "External page",
    "glance": "Glance",
    "webPanel": "Web panel",
    "webhook": "Webhook",
}


def read_body(kind: str, key: str) -> dict[str, Any]:
    body = validation.json_body()
    if "key" in body and body["key"] != key:
        raise bad_request("The key in the body must be the key in the URL", "key", "match", body["key"])
    body = validation.validate(f"extension_{kind}", {**body, "key": key})
    if kind == "webhook":
        rules.check(body)
    return body


def self_link(kind: str, key: str, room_id: int | None) -> str:
    return links.room(room_id, "extension", kind, key) if room_id is not None else links.api("extension", kind, key)


def find(conn: sqlite3.Connection, caller: Principal, kind: str, key: str, room_id: int | None) -> sqlite3.Row:
    row = standing.find_extension(conn, caller.group_id, kind, key, room_id)
    if row is None:
        raise not_found(f"{TITLES[kind]} {key} not found")
    return row


def save(conn: sqlite3.Connection, caller: Principal, kind: str, key: str, room_id: int | None, body: dict[str, Any]) -> int:
    """Create or replace an extension (a webhook checked by sandbox.delivery.rules before the write); a webhook replaced
    has its pending deliveries cancelled, as a deleted one has (sandbox.delivery.queue.cancel_replaced says why)."""
    existing = standing.find_extension(conn, caller.group_id, kind, key, room_id)
    event = body.get("event") if kind == "webhook" else None
    if existing is not None:
        conn.execute("UPDATE extensions SET body = ?, event = ? WHERE id = ?", (json.dumps(body), event, existing["id"]))
        if kind == "webhook":
            queue.cancel_replaced(conn, existing["id"])
        return existing["id"]
    count = conn.execute(
        "SELECT count(*) FROM extensions WHERE group_id = ? AND type = ? AND ifnull(room_id, 0) = ?", (caller.group_id, kind, room_id or 0)
    ).fetchone()[0]
    if count >= LIMIT_PER_PLACE:
        raise bad_request(f"You can only create {LIMIT_PER_PLACE} {kind} extensions {'in a room' if room_id else 'globally'}")
    return inserted_id(conn.execute(
        "INSERT INTO extensions (group_id, room_id, type, key, event, body, client_id, creator_id, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (caller.group_id, room_id, kind, key, event, json.dumps(body), caller.client_id, caller.user_id, clock.now_us()),
    ))


def remove(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Delete an extension; a webhook's pending deliveries are cancelled with it (sandbox.delivery.queue)."""
    conn.execute("DELETE FROM extensions WHERE id = ?", (row["id"],))
    if row["type"] == "webhook":
        queue.cancel_webhook(conn, row["id"])


def shown(row: sqlite3.Row) -> dict[str, Any]:
    body = json.loads(row["body"])
    found = {**body, "links": {"self": self_link(row["type"], row["key"], row["room_id"])}}
    if row["type"] == "webhook":
        found["id"] = row["id"]
        found.setdefault("authentication", "none")
    return found


@bp.get(f"/v2/extension/<{KINDS}:kind>/<seg:key>")
def get_global(kind: str, key: str) -> Response:
    with db().read() as conn:
        return json_response(shown(find(conn, principal(), kind, key, None)))


@bp.put(f"/v2/extension/<{KINDS}:kind>/<seg:key>")
def put_global(kind: str, key: str) -> Response:
    body = read_body(kind, key)
    with db().write() as conn:
        ext_id = save(conn, principal(), kind, key, None, body)
    return json_response({"id": ext_id, "links": {"self": self_link(kind, key, None)}}, 201)


@bp.delete(f"/v2/extension/<{KINDS}:kind>/<seg:key>")
def delete_global(kind: str, key: str) -> Response:
    with db().write() as conn:
        remove(conn, find(conn, principal(), kind, key, None))
    return no_content()


@bp.get(f"/v2/room/<seg:room>/extension/<{KINDS}:kind>/<seg:key>")
def get_room_extension(room: str, kind: str, key: str) -> Response:
    caller = principal()
    with db().read() as conn:
        row = resolve.room(conn, room, caller)
        return json_response(shown(find(conn, caller, kind, key, row["id"])))


@bp.put(f"/v2/room/<seg:room>/extension/<{KINDS}:kind>/<seg:key>")
def put_room_extension(room: str, kind: str, key: str) -> Response:
    body = read_body(kind, key)
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        ext_id = save(conn, caller, kind, key, row["id"], body)
    return json_response({"id": ext_id, "links": {"self": self_link(kind, key, row["id"])}}, 201)


@bp.delete(f"/v2/room/<seg:room>/extension/<{KINDS}:kind>/<seg:key>")
def delete_room_extension(room: str, kind: str, key: str) -> Response:
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        remove(conn, find(conn, caller, kind, key, row["id"]))
    return no_content()


def legacy_item(row: sqlite3.Row) -> dict[str, Any]:
    body = json.loads(row["body"])
    return {
        "authentication": body.get("authentication", "none"),
        "event": body["event"],
        "id": row["id"],
        "key": row["key"],
        "links": {"self": links.room(row["room_id"], "webhook", row["id"])},
        "name": body.get("name", ""),
        "pattern": body.get("pattern"),
        "url": body["url"],
    }


@bp.get("/v2/room/<seg:room>/webhook")
def list_room_webhooks(room: str) -> Response:
    page = paging.page()
    caller = principal()
    with db().read() as conn:
        row = resolve.room(conn, room, caller)
        rows = conn.execute(
            "SELECT * FROM extensions WHERE group_id = ? AND room_id = ? AND type = 'webhook' ORDER BY id LIMIT ? OFFSET ?",
            (caller.group_id, row["id"], page.limit, page.start),
        ).fetchall()
    items, more = page.cut(rows)
    return json_response(paging.envelope([legacy_item(item) for item in items], page, more))


@bp.post("/v2/room/<seg:room>/webhook")
def create_room_webhook(room: str) -> Response:
    body = validation.read("legacy_webhook")
    rules.check(body)
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        key = f"webhook-{clock.now_us()}"
        ext_id = save(conn, caller, "webhook", key, row["id"], {**body, "key": key})
    return json_response({"id": ext_id, "links": {"self": links.room(row["id"], "webhook", ext_id)}}, 201)


def legacy_find(conn: sqlite3.Connection, caller: Principal, room_id: int, webhook_id: str) -> sqlite3.Row:
    found = standing.find_webhook(conn, caller.group_id, room_id, webhook_id)
    if found is None:
        raise not_found(f"Webhook {webhook_id} not found")
    return found


@bp.get("/v2/room/<seg:room>/webhook/<seg:webhook_id>")
def get_room_webhook(room: str, webhook_id: str) -> Response:
    caller = principal()
    with db().read() as conn:
        row = resolve.room(conn, room, caller)
        return json_response(legacy_item(legacy_find(conn, caller, row["id"], webhook_id)))


@bp.delete("/v2/room/<seg:room>/webhook/<seg:webhook_id>")
def delete_room_webhook(room: str, webhook_id: str) -> Response:
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        remove(conn, legacy_find(conn, caller, row["id"], webhook_id))
    return no_content()
