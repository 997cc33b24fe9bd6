"""Who is in a room: members (private rooms), participants (who is there now), invitations (public rooms)."""

from __future__ import annotations

import json
import sqlite3

from flask import Blueprint, Response

from sandbox.delivery import events
from sandbox.http import paging, params, validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request, not_found
from sandbox.http.representations import user_summary
from sandbox.http.responses import json_response, no_content
from sandbox.model import resolve
from sandbox.security.auth import principal
from sandbox.store import clock

bp = Blueprint("members", __name__)


def require_private(room: sqlite3.Row, action: str) -> None:
    if room["privacy"] != "private":
        raise bad_request(f"Can only {action} private rooms")


@bp.get("/v2/room/<seg:room>/member")
def list_members(room: str) -> Response:
    page = paging.page()
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
        require_private(row, "list members of")
        users = conn.execute(
            "SELECT u.* FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = ? AND u.is_deleted = 0"
            " ORDER BY m.added, u.id LIMIT ? OFFSET ?",
            (row["id"], page.limit, page.start),
        ).fetchall()
    shown, more = page.cut(users)
    return json_response(paging.envelope([user_summary(user) for user in shown], page, more))


@bp.put("/v2/room/<seg:room>/member/<seg:user>")
def add_member(room: str, user: str) -> Response:
    body = validation.read("add_member", required=False)
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        require_private(row, "add members to")
        member = resolve.user(conn, user, caller)
        roles = json.dumps(body.get("room_roles") or ["room_member"])
        conn.execute(
            "INSERT INTO room_members (room_id, user_id, roles, added) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (room_id, user_id) DO UPDATE SET roles = excluded.roles",
            (row["id"], member["id"], roles, clock.now_us()),
        )
    return no_content()


@bp.delete("/v2/room/<seg:room>/member/<seg:user>")
def remove_member(room: str, user: str) -> Response:
    caller = principal()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        require_private(row, "remove members from")
        member = resolve.user(conn, user, caller)
        if conn.execute("DELETE FROM room_members WHERE room_id = ? AND user_id = ?", (row["id"], member["id"])).rowcount == 0:
            raise not_found(f"User {user} is not a member of room {room}")
        leave(conn, caller.group_id, row, member)
    return no_content()


@bp.get("/v2/room/<seg:room>/participant")
def participants(room: str) -> Response:
    page = paging.page()
    include_offline = params.boolean("include-offline", False)
    online = "" if include_offline else " AND u.is_online = 1"
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
        users = conn.execute(
            f"SELECT u.* FROM room_participants p JOIN users u ON u.id = p.user_id WHERE p.room_id = ? AND u.is_deleted = 0{online}"
            " ORDER BY p.entered, u.id LIMIT ? OFFSET ?",
            (row["id"], page.limit, page.start),
        ).fetchall()
    shown, more = page.cut(users)
    return json_response(paging.envelope([user_summary(user) for user in shown], page, more))


@bp.post("/v2/room/<seg:room>/invite/<seg:user>")
def invite(room: str, user: str) -> Response:
    """The sandbox has no one to accept an invitation, so it does as if accepted: the room joins the user's auto-join list."""
    body = validation.read("invite_to_room", required=False)
    caller = principal()
    now = clock.now_us()
    with db().write() as conn:
        row = resolve.room(conn, room, caller)
        if row["privacy"] != "public":
            raise bad_request("Can only invite users to public rooms; add members to private rooms")
        invitee = resolve.user(conn, user, caller)
        conn.execute(
            "INSERT INTO invitations (room_id, user_id, inviter_id, reason, created) VALUES (?, ?, ?, ?, ?)",
            (row["id"], invitee["id"], caller.user_id, body.get("reason"), now),
        )
        conn.execute("INSERT OR IGNORE INTO auto_join (user_id, room_id, added) VALUES (?, ?, ?)", (invitee["id"], row["id"], now))
    return no_content()


def enter(conn: sqlite3.Connection, group_id: int, room: sqlite3.Row, user: sqlite3.Row) -> bool:
    """The user comes into the room (room_enter); False when already there."""
    added = conn.execute(
        "INSERT OR IGNORE INTO room_participants (room_id, user_id, entered) VALUES (?, ?, ?)", (room["id"], user["id"], clock.now_us())
    ).rowcount
    if added:
        events.emit(conn, group_id, room, "room_enter", {"sender": user_summary(user)}, user_id=user["id"])
    return bool(added)


def leave(conn: sqlite3.Connection, group_id: int, room: sqlite3.Row, user: sqlite3.Row) -> bool:
    """The user leaves the room (room_exit); False when not there."""
    removed = conn.execute("DELETE FROM room_participants WHERE room_id = ? AND user_id = ?", (room["id"], user["id"])).rowcount
    if removed:
        events.emit(conn, group_id, room, "room_exit", {"sender": user_summary(user)}, user_id=user["id"])
    return bool(removed)
