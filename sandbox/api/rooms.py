"""Rooms: list, create, view, update (whole record), delete, topic, statistics; and the events these raise."""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from flask import Blueprint, Response, request

from sandbox.api.users import version
from sandbox.delivery import events
from sandbox.http import links, paging, params, validation
from sandbox.http.context import db
from sandbox.http.errors import HipChatError, bad_request, conflict
from sandbox.http.representations import room_detail, room_summary
from sandbox.http.responses import json_response, no_content
from sandbox.model import resolve
from sandbox.model.messaging import NewMessage, insert
from sandbox.security import standing
from sandbox.security.auth import Principal, principal
from sandbox.store import clock
from sandbox.store.db import inserted_id

bp = Blueprint("rooms", __name__)


def check_name_free(conn: sqlite3.Connection, group_id: int, name: str, except_id: int | None) -> None:
    row = conn.execute(
        "SELECT id FROM rooms WHERE group_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?", (group_id, name, except_id)
    ).fetchone()
    if row is not None:
        raise conflict("Another room exists with that name.", field="name")


def owner_for(conn: sqlite3.Connection, caller: Principal, ident: Any, field: str) -> int:
    if ident is None or ident == "":
        if caller.user_id is not None:
            return caller.user_id
        return conn.execute("SELECT owner_id FROM groups WHERE id = ?", (caller.group_id,)).fetchone()["owner_id"]
    try:
        return resolve.user(conn, str(ident), caller)["id"]
    except HipChatError:
        raise bad_request(f"Owner {ident} not found", field, "exists", ident) from None


def participants(conn: sqlite3.Connection, room_id: int, include_offline: bool = True) -> list[sqlite3.Row]:
    online = "" if include_offline else " AND u.is_online = 1"
    return conn.execute(
        f"SELECT u.* FROM room_participants p JOIN users u ON u.id = p.user_id WHERE p.room_id = ? AND u.is_deleted = 0{online}"
        " ORDER BY p.entered, u.id",
        (room_id,),
    ).fetchall()


def detail(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    owner = conn.execute("SELECT * FROM users WHERE id = ?", (row["owner_id"],)).fetchone() if row["owner_id"] else None
    return room_detail(row, owner, participants(conn, row["id"], include_offline=False))


def visible_rooms_sql(conn: sqlite3.Connection, caller: Principal) -> tuple[str, list[Any]]:
    """The rooms the permission table lets this caller read (security/standing.can_see), as a WHERE condition."""
    user = standing.user_row(conn, caller)
    if user is None or user["is_group_admin"]:
        return "1", []
    opened = "(r.privacy = 'public' AND r.is_guest_accessible = 1)" if user["is_guest"] else "r.privacy = 'public'"
    return (
        f"({opened} OR r.owner_id = ? OR EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id = ?))",
        [caller.user_id, caller.user_id],
    )


@bp.get("/v2/room")
def list_rooms() -> Response:
    page = paging.page()
    include_private = params.boolean("include-private", True)
    include_archived = params.boolean("include-archived", False)
    expand = "items" in request.args.get("expand", "").split(",")
    caller = principal()
    with db().read() as conn:
        visible, args = visible_rooms_sql(conn, caller)
        where = ["r.group_id = ?", visible]
        if not include_private:
            where.append("r.privacy = 'public'")
        if not include_archived:
            where.append("r.is_archived = 0")
        if caller.room_id is not None:
            where.append(f"r.id = {int(caller.room_id)}")
        rows = conn.execute(
            f"SELECT r.* FROM rooms r WHERE {' AND '.join(where)} ORDER BY r.id LIMIT ? OFFSET ?",
            (caller.group_id, *args, page.limit, page.start),
        ).fetchall()
        shown, more = page.cut(rows)
        items = [detail(conn, row) if expand else room_summary(row) for row in shown]
    return json_response(paging.envelope(items, page, more))


@bp.post("/v2/room")
def create_room() -> Response:
    body = validation.read("create_room")
    caller = principal()
    now = clock.now_us()
    with db().write() as conn:
        check_name_free(conn, caller.group_id, body["name"], None)
        owner_id = owner_for(conn, caller, body.get("owner_user_id"), "owner_user_id")
        guest = bool(body.get("guest_access", False))
        dav = body.get("delegate_admin_visibility")
        room_id = inserted_id(conn.execute(
            "INSERT INTO rooms (group_id, name, topic, privacy, is_guest_accessible, guest_token, owner_id, delegate_admin_visibility,"
            " created, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                caller.group_id,
                body["name"],
                body.get("topic") or "",
                body.get("privacy", "public"),
                int(guest),
                secrets.token_urlsafe(12) if guest else None,
                owner_id,
                None if dav is None else int(dav),
                now,
                version(),
            ),
        ))
        if body.get("privacy") == "private":
            conn.execute(
                "INSERT INTO room_members (room_id, user_id, roles, added) VALUES (?, ?, '[\"room_admin\"]', ?)", (room_id, owner_id, now)
            )
        room = conn.execute("SELECT * FROM rooms WHERE id = ?", (room_id,)).fetchone()
        events.emit(conn, caller.group_id, room, "room_created", lambda: {"sender": events.sender(conn, caller)}, user_id=caller.user_id)
    return json_response({"id": room_id, "links": {"self": links.room(room_id)}}, 201, {"Location": links.room(room_id)})


@bp.get("/v2/room/<seg:room>")
def get_room(room: str) -> Response:
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
        return json_response(detail(conn, row))


def change_topic(conn: sqlite3.Connection, caller: Principal, room: sqlite3.Row, topic: str) -> None:
    """A topic change is a history item (type topic) and a room_topic_change event."""
    label = None
    if caller.user_id is None and caller.client_id:
        client = conn.execute("SELECT name FROM oauth_clients WHERE id = ?", (caller.client_id,)).fetchone()
        label = client["name"] if client else None
    insert(
        conn,
        caller.group_id,
        NewMessage(type="topic", message=topic, room_id=room["id"], sender_id=caller.user_id, from_label=label, client_id=caller.client_id),
    )
    fresh = conn.execute("SELECT * FROM rooms WHERE id = ?", (room["id"],)).fetchone()
    events.emit(
        conn,
        caller.group_id,
        fresh,
        "room_topic_change",
        lambda: {"topic": topic, "sender": events.sender(conn, caller)},
        user_id=caller.user_id,
    )


@bp.put("/v2/room/<seg:room>")
def update_room(room: str) -> Response:
    body = validation.read("update_room")
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        check_name_free(conn, caller.group_id, body["name"], row["id"])
        owner_id = owner_for(conn, caller, body["owner"]["id"], "owner.id")
        guest_token = row["guest_token"] or (secrets.token_urlsafe(12) if body["is_guest_accessible"] else None)
        dav = body.get("delegate_admin_visibility", row["delegate_admin_visibility"])
        conn.execute(
            "UPDATE rooms SET name = ?, privacy = ?, is_archived = ?, is_guest_accessible = ?, guest_token = ?, topic = ?, owner_id = ?,"
            " delegate_admin_visibility = ?, version = ? WHERE id = ?",
            (
                body["name"],
                body["privacy"],
                int(body["is_archived"]),
                int(body["is_guest_accessible"]),
                guest_token,
                body["topic"],
                owner_id,
                None if dav is None else int(dav),
                version(),
                row["id"],
            ),
        )
        if body["privacy"] == "private":
            conn.execute(
                "INSERT OR IGNORE INTO room_members (room_id, user_id, roles, added) VALUES (?, ?, '[\"room_admin\"]', ?)",
                (row["id"], owner_id, clock.now_us()),
            )
        if body["topic"] != row["topic"]:
            change_topic(conn, caller, row, body["topic"])
        if bool(body["is_archived"]) != bool(row["is_archived"]):
            fresh = conn.execute("SELECT * FROM rooms WHERE id = ?", (row["id"],)).fetchone()
            event = "room_archived" if body["is_archived"] else "room_unarchived"
            events.emit(conn, caller.group_id, fresh, event, lambda: {"sender": events.sender(conn, caller)}, user_id=caller.user_id)
    return no_content()


@bp.delete("/v2/room/<seg:room>")
def delete_room(room: str) -> Response:
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        events.emit(conn, caller.group_id, row, "room_deleted", lambda: {"sender": events.sender(conn, caller)}, user_id=caller.user_id)
        conn.execute("DELETE FROM rooms WHERE id = ?", (row["id"],))
    return no_content()


@bp.get("/v2/room/<seg:room>/statistics")
def statistics(room: str) -> Response:
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
    return json_response(
        {
            "last_active": clock.iso(row["last_active"]) if row["last_active"] else None,
            "links": {"self": links.room(row["id"], "statistics")},
            "messages_sent": row["messages_sent"],
        }
    )


@bp.put("/v2/room/<seg:room>/topic")
def set_topic(room: str) -> Response:
    body = validation.read("set_topic")
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        conn.execute("UPDATE rooms SET topic = ?, version = ? WHERE id = ?", (body["topic"], version(), row["id"]))
        change_topic(conn, caller, row, body["topic"])
    return no_content()
