"""Path identifiers to rows: rooms by id or name, users by id, email or @mention; 404 and 403 as HipChat."""

from __future__ import annotations

import sqlite3

from sandbox.http.errors import forbidden, not_found
from sandbox.security import standing
from sandbox.security.auth import Principal
from sandbox.security.standing import is_admin, numeric_id

__all__ = ["group", "is_admin", "numeric_id", "room", "room_again", "user", "visible"]


def room(conn: sqlite3.Connection, ident: str, caller: Principal) -> sqlite3.Row:
    return visible(conn, standing.find_room(conn, ident, caller.group_id), ident, caller)


def room_again(conn: sqlite3.Connection, room_id: int, ident: str, caller: Principal) -> sqlite3.Row:
    """The room an earlier read found as ident, by its id (a rename in between changes nothing); checked again."""
    row = conn.execute("SELECT * FROM rooms WHERE id = ? AND group_id = ?", (room_id, caller.group_id)).fetchone()
    return visible(conn, row, ident, caller)


def visible(conn: sqlite3.Connection, row: sqlite3.Row | None, ident: str, caller: Principal) -> sqlite3.Row:
    """The room, when the caller may see it (the permission table's readers: security/standing.py)."""
    if row is None:
        raise not_found(f"Room {ident} not found")
    refused = standing.visible(conn, row, ident, caller)
    if refused is not None:
        raise refused
    return row


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
