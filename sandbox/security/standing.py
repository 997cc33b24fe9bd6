"""Who a caller is to the room or extension a request names (a column of the permission table), and the refusal.

The gate calls `refusal` for every /v2 request after the scope check; `model/resolve.py` finds rooms and checks they
may be seen with the same functions, so a method and the gate never disagree.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from flask import g, has_request_context

from sandbox.http.errors import HipChatError, forbidden
from sandbox.security import permissions
from sandbox.security.auth import Principal
from sandbox.security.permissions import Who

NUMERIC_ID = re.compile(r"[0-9]{1,18}")


def numeric_id(text: str) -> int | None:
    """The id a path segment names, when it is one: ASCII digits that fit SQLite's integers ("²" is a digit to str.isdigit)."""
    return int(text) if NUMERIC_ID.fullmatch(text) else None


def find_room(conn: sqlite3.Connection, ident: str, group_id: int) -> sqlite3.Row | None:
    """A room of the group by id, else by name (case-insensitive)."""
    row = None
    if numeric_id(ident) is not None:
        row = conn.execute("SELECT * FROM rooms WHERE id = ? AND group_id = ?", (numeric_id(ident), group_id)).fetchone()
    if row is None:
        row = conn.execute("SELECT * FROM rooms WHERE name = ? COLLATE NOCASE AND group_id = ?", (ident, group_id)).fetchone()
    return row


def find_extension(conn: sqlite3.Connection, group_id: int, kind: str, key: str, room_id: int | None) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM extensions WHERE group_id = ? AND type = ? AND ifnull(room_id, 0) = ? AND key = ?",
        (group_id, kind, room_id or 0, key),
    ).fetchone()


def find_webhook(conn: sqlite3.Connection, group_id: int, room_id: int, webhook_id: str) -> sqlite3.Row | None:
    """A room webhook by its id (the legacy /webhook/<id> routes)."""
    if numeric_id(webhook_id) is None:
        return None
    return conn.execute(
        "SELECT * FROM extensions WHERE id = ? AND room_id = ? AND group_id = ? AND type = 'webhook'",
        (numeric_id(webhook_id), room_id, group_id),
    ).fetchone()


def user_row(conn: sqlite3.Connection, caller: Principal) -> sqlite3.Row | None:
    """The caller's user row (None for an add-on or room token), read once a request: the gate's check, the method's
    and the one inside its write all judge the same caller."""
    if caller.user_id is None:
        return None
    known = g.get("caller_user") if has_request_context() else None
    if known is not None and known[0] == (caller.token_hash, caller.user_id):
        return known[1]
    row = conn.execute("SELECT is_group_admin, is_guest FROM users WHERE id = ?", (caller.user_id,)).fetchone()
    if has_request_context():
        g.caller_user = ((caller.token_hash, caller.user_id), row)
    return row


def is_admin(conn: sqlite3.Connection, caller: Principal) -> bool:
    row = user_row(conn, caller)
    return bool(row and row["is_group_admin"])


def caller_kind(conn: sqlite3.Connection, caller: Principal, room: sqlite3.Row | None, made: sqlite3.Row | None = None) -> str:
    """The column of the permission table this caller is in, for the room (None: a method of the group) and, for an
    extension, the one it names (None when there is none yet)."""
    if caller.kind == "room":
        return permissions.ROOM_TOKEN
    user = user_row(conn, caller)
    if user is None:  # an add-on's token
        if made is not None and made["client_id"] is not None and made["client_id"] != caller.client_id:
            return permissions.OTHER_ADDON
        return permissions.ADDON
    if user["is_group_admin"]:
        return permissions.GROUP_ADMIN
    if room is None:
        return permissions.GUEST if user["is_guest"] else permissions.MEMBER
    if room["owner_id"] == caller.user_id:
        return permissions.ROOM_OWNER
    member = conn.execute("SELECT roles FROM room_members WHERE room_id = ? AND user_id = ?", (room["id"], caller.user_id)).fetchone()
    if member is not None and "room_admin" in json.loads(member["roles"] or "[]"):
        return permissions.ROOM_ADMIN
    if member is not None:
        return permissions.MEMBER
    if user["is_guest"]:
        # [DC] in permissions.py: a guest is in the rooms opened to guests (and those it was added to), nowhere else.
        return permissions.MEMBER if room["is_guest_accessible"] and room["privacy"] == "public" else permissions.GUEST
    return permissions.MEMBER if room["privacy"] == "public" else permissions.NON_MEMBER


def other_room_token(caller: Principal, room: sqlite3.Row, ident: str) -> HipChatError | None:
    if caller.room_id is not None and caller.room_id != room["id"]:
        return forbidden(f"This token is for another room and cannot be used for room {ident}")
    return None


def can_see(conn: sqlite3.Connection, room: sqlite3.Row, caller: Principal) -> bool:
    """Whether the room's readers include this caller (permissions.ROOM_READERS)."""
    return permissions.ROOM_READERS.answer(caller_kind(conn, caller, room)) == permissions.ALLOW


def visible(conn: sqlite3.Connection, room: sqlite3.Row, ident: str, caller: Principal) -> HipChatError | None:
    """Why the caller may not see the room, or None."""
    refused = other_room_token(caller, room, ident)
    if refused is None and not can_see(conn, room, caller):
        refused = forbidden(permissions.ROOM_READERS.refusal.format(room=ident))
    return refused


def made_by(conn: sqlite3.Connection, group_id: int, room: sqlite3.Row | None, args: Mapping[str, Any]) -> sqlite3.Row | None:
    """The extension or webhook the path names, when it exists."""
    room_id = room["id"] if room is not None else None
    if "webhook_id" in args and room_id is not None:
        return find_webhook(conn, group_id, room_id, args["webhook_id"])
    if "kind" in args and "key" in args:
        return find_extension(conn, group_id, args["kind"], args["key"], room_id)
    return None


def refusal(conn: sqlite3.Connection, caller: Principal, who: Who, args: Mapping[str, Any]) -> HipChatError | None:
    """Why the permission table refuses this caller the method (its rule `who`, the path's arguments), or None.

    A room the path names that does not exist is left to the method (404). A room the caller may see is remembered
    for the request (seen_room)."""
    room = None
    if "room" in args:
        room = find_room(conn, args["room"], caller.group_id)
        if room is None:
            return None
        refused = visible(conn, room, args["room"], caller)
        if refused is not None:
            return refused
        g.room_seen = (args["room"], room)
    made = made_by(conn, caller.group_id, room, args) if who.unowned is not None else None
    if who.unowned is not None and (made is None or made["client_id"] is None):
        who = who.unowned
    if who.answer(caller_kind(conn, caller, room, made)) == permissions.FORBID:
        return forbidden(who.refusal.format(room=args.get("room", "")))
    return None


def seen_room(ident: str) -> sqlite3.Row | None:
    """The room the path names as ident, as the gate found it when it checked the caller may see it (refusal), earlier
    in this request and in a read of its own: for reads that may be that moment behind. A write checks again."""
    seen = g.get("room_seen")
    return seen[1] if seen is not None and seen[0] == ident else None
