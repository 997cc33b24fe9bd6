"""Path identifiers to rows: rooms by id or name, users by id, email or @mention; 404 and 403 as HipChat."""

from __future__ import annotations

import re
import sqlite3

from sandbox.http.errors import forbidden, not_found
from sandbox.security.auth import Principal

NUMERIC_ID = re.compile(r"[0-9]{1,18}")


def numeric_id(text: str) -> int | None:
    """The id a path segment names, when it is one: ASCII digits that fit SQLite's integers ("²" is a digit to str.isdigit)."""
    return int(text) if NUMERIC_ID.fullmatch(text) else None


def room(conn: sqlite3.Connection, ident: str, caller: Principal) -> sqlite3.Row:
    row = None
    if numeric_id(ident) is not None:
        row = conn.execute("SELECT * FROM rooms WHERE id = ? AND group_id = ?", (numeric_id(ident), caller.group_id)).fetchone()
    if row is None:
        row = conn.execute("SELECT * FROM rooms WHERE name = ? COLLATE NOCASE AND group_id = ?", (ident, caller.group_id)).fetchone()
    return visible(conn, row, ident, caller)


def room_again(conn: sqlite3.Connection, room_id: int, ident: str, caller: Principal) -> sqlite3.Row:
    """The room an earlier read found as ident, by its id (a rename in between changes nothing); checked again."""
    row = conn.execute("SELECT * FROM rooms WHERE id = ? AND group_id = ?", (room_id, caller.group_id)).fetchone()
    return visible(conn, row, ident, caller)


def visible(conn: sqlite3.Connection, row: sqlite3.Row | None, ident: str, caller: Principal) -> sqlite3.Row:
    if row is None:
        raise not_found(f"Room {ident} not found")
    if caller.room_id is not None and caller.room_id != row["id"]:
        raise forbidden(f"This token is for another room and cannot be used for room {ident}")
    if not can_see(conn, row, caller):
        raise forbidden(f"Access denied to the private room {ident}")
    return row


def can_see(conn: sqlite3.Connection, room_row: sqlite3.Row, caller: Principal) -> bool:
    """Public rooms: everyone in the group. Private rooms: add-ons, group admins, the owner and members."""
    if room_row["privacy"] == "public" or caller.user_id is None:
        return True
    if room_row["owner_id"] == caller.user_id or is_admin(conn, caller):
        return True
    member = conn.execute("SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?", (room_row["id"], caller.user_id)).fetchone()
    return member is not None


def is_admin(conn: sqlite3.Connection, caller: Principal) -> bool:
    if caller.user_id is None:
        return False
    row = conn.execute("SELECT is_group_admin FROM users WHERE id = ?", (caller.user_id,)).fetchone()
    return bool(row and row["is_group_admin"])


def user(conn: sqlite3.Connection, ident: str, caller: Principal, include_deleted: bool = False) -> sqlite3.Row:
    """By id (a deleted user stays readable by id, flagged is_deleted), email, or @mention name."""
    row = None
    if numeric_id(ident) is not None:
        row = conn.execute("SELECT * FROM users WHERE id = ? AND group_id = ?", (numeric_id(ident), caller.group_id)).fetchone()
        if row is not None and row["is_deleted"] and not include_deleted:
            row = None
    elif ident.startswith("@"):
        row = conn.execute(
            "SELECT * FROM users WHERE mention_name = ? COLLATE NOCASE AND group_id = ? AND is_deleted = 0", (ident[1:], caller.group_id)
        ).fetchone()
    elif "@" in ident:
        row = conn.execute(
            "SELECT * FROM users WHERE email = ? COLLATE NOCASE AND group_id = ? AND is_deleted = 0", (ident, caller.group_id)
        ).fetchone()
    if row is None:
        raise not_found(f"User {ident} not found")
    return row


def group(conn: sqlite3.Connection, ident: str, caller: Principal) -> sqlite3.Row:
    group_id = numeric_id(ident)
    row = conn.execute("SELECT * FROM groups WHERE id = ?", (group_id,)).fetchone() if group_id is not None else None
    if row is None:
        raise not_found(f"Group {ident} not found")
    if row["id"] != caller.group_id:
        raise forbidden(f"Access denied to group {ident}")
    return row
