"""Users: list, create (which also undeletes), view, update (whole record), delete (HipChat's soft delete), auto-join rooms, invites."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
from typing import Any

from flask import Blueprint, Response, request

from sandbox.http import links, paging, params, validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request, conflict, forbidden
from sandbox.http.representations import room_summary, user_detail, user_summary
from sandbox.http.responses import json_response, no_content
from sandbox.model import resolve
from sandbox.security.auth import Principal, principal
from sandbox.store import clock
from sandbox.store.db import inserted_id

bp = Blueprint("users", __name__)
BLANK_MEANS_GENERATE = ("mention_name", "password")
BLANK_MEANS_UNCHANGED = ("password",)  # update_user: clients of the live API send "" for "keep the password"


def version() -> str:
    return secrets.token_hex(4).upper()


def without_blanks(body: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The body without the named fields where they are "" (which means "not given" for them)."""
    return {key: value for key, value in body.items() if not (key in keys and value == "")}


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), 10_000).hex()
    return f"{salt}${digest}"


def check_password(stored: str | None, password: str) -> bool:
    if not stored or "$" not in stored:
        return False
    salt, digest = stored.split("$", 1)
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), 10_000).hex()
    return secrets.compare_digest(candidate, digest)


def mention_from(conn: sqlite3.Connection, group_id: int, name: str) -> str:
    """HipChat's default @mention: the name's words run together, made unique with a number."""
    base = re.sub(r"\W", "", "".join(word.capitalize() for word in name.split())) or "User"
    candidate, n = base, 1
    while taken(conn, group_id, "mention_name", candidate, None):
        n += 1
        candidate = f"{base}{n}"
    return candidate


def taken(conn: sqlite3.Connection, group_id: int, column: str, value: str, except_id: int | None) -> bool:
    row = conn.execute(
        f"SELECT id FROM users WHERE group_id = ? AND is_deleted = 0 AND {column} = ? COLLATE NOCASE AND id IS NOT ?",
        (group_id, value, except_id),
    ).fetchone()
    return row is not None


def check_unique(conn: sqlite3.Connection, group_id: int, email: str, mention: str, except_id: int | None) -> None:
    if taken(conn, group_id, "email", email, except_id):
        raise conflict(f"Another user has the email {email}", field="email")
    if taken(conn, group_id, "mention_name", mention, except_id):
        raise conflict(f"Another user has the mention name {mention}", field="mention_name")


def check_timezone(body: dict[str, Any]) -> None:
    if "timezone" in body and clock.zone(body["timezone"]) is None:
        raise bad_request(f"Unknown timezone '{body['timezone']}'", "timezone", "timezone", body["timezone"])


def group_of(conn: sqlite3.Connection, caller: Principal) -> sqlite3.Row:
    return conn.execute("SELECT * FROM groups WHERE id = ?", (caller.group_id,)).fetchone()


@bp.get("/v2/user")
def list_users() -> Response:
    page = paging.page()
    guests = params.boolean("include-guests", False)
    deleted = params.boolean("include-deleted", False)
    expand = "items" in request.args.get("expand", "").split(",")
    caller = principal()
    where = ["group_id = ?"] + ([] if guests else ["is_guest = 0"]) + ([] if deleted else ["is_deleted = 0"])
    with db().read() as conn:
        rows = conn.execute(
            f"SELECT * FROM users WHERE {' AND '.join(where)} ORDER BY id LIMIT ? OFFSET ?", (caller.group_id, page.limit, page.start)
        ).fetchall()
        shown, more = page.cut(rows)
        group = group_of(conn, caller)
        items = [user_detail(row, group) if expand else user_summary(row) for row in shown]
    return json_response(paging.envelope(items, page, more))


@bp.post("/v2/user")
def create_user() -> Response:
    # An empty mention name or password means "make one up" (hypchat sends "" for both by default).
    body = validation.validate("create_user", without_blanks(validation.json_body(), BLANK_MEANS_GENERATE))
    check_timezone(body)
    caller = principal()
    password = body.get("password") or secrets.token_urlsafe(12)
    now = clock.now_us()
    with db().write() as conn:
        mention = body.get("mention_name") or mention_from(conn, caller.group_id, body["name"])
        check_unique(conn, caller.group_id, body["email"], mention, None)
        fields = (
            body["name"],
            mention,
            body["email"],
            body.get("title", ""),
            body.get("timezone", "UTC"),
            json.dumps(body.get("roles", ["user"])),
            int(body.get("is_group_admin", False)),
            hash_password(password),
            version(),
        )
        # Creating a user whose email belongs to a deleted user brings that user back (create_user docs).
        deleted = conn.execute(
            "SELECT id FROM users WHERE group_id = ? AND email = ? COLLATE NOCASE AND is_deleted = 1 ORDER BY id DESC",
            (caller.group_id, body["email"]),
        ).fetchone()
        if deleted is not None:
            user_id = deleted["id"]
            conn.execute(
                "UPDATE users SET name = ?, mention_name = ?, email = ?, title = ?, timezone = ?, roles = ?, is_group_admin = ?,"
                " password_hash = ?, version = ?, is_deleted = 0 WHERE id = ?",
                (*fields, user_id),
            )
        else:
            user_id = inserted_id(conn.execute(
                "INSERT INTO users (name, mention_name, email, title, timezone, roles, is_group_admin, password_hash, version, group_id,"
                " created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*fields, caller.group_id, now),
            ))
    answer: dict[str, Any] = {"id": user_id, "links": {"self": links.user(user_id)}}
    if "password" not in body:
        answer["password"] = password  # generated: HipChat returns it once
    return json_response(answer, 201, {"Location": links.user(user_id)})


@bp.get("/v2/user/<seg:user>")
def get_user(user: str) -> Response:
    caller = principal()
    with db().read() as conn:
        row = resolve.user(conn, user, caller, include_deleted=True)
        group = group_of(conn, caller)
    return json_response(user_detail(row, group))


def guard_owner(conn: sqlite3.Connection, caller: Principal, row: sqlite3.Row, action: str) -> None:
    group = group_of(conn, caller)
    if group["owner_id"] == row["id"] and caller.user_id != row["id"]:
        raise forbidden(f"Only the group owner can {action} the group owner's profile")


@bp.put("/v2/user/<seg:user>")
def update_user(user: str) -> Response:
    body = validation.validate("update_user", without_blanks(validation.json_body(), BLANK_MEANS_UNCHANGED))
    check_timezone(body)
    caller = principal()
    with db().write() as conn:
        row = resolve.user(conn, user, caller)
        if row["is_guest"]:
            raise bad_request("Guest users cannot be updated")
        guard_owner(conn, caller, row, "update")
        check_unique(conn, caller.group_id, body["email"], body["mention_name"], row["id"])
        presence = body.get("presence") or {}
        conn.execute(
            "UPDATE users SET name = ?, mention_name = ?, email = ?, title = ?, timezone = ?, roles = ?, is_group_admin = ?,"
            " presence_status = ?, presence_show = ?, password_hash = ?, version = ? WHERE id = ?",
            (
                body["name"],
                body["mention_name"],
                body["email"],
                body.get("title", row["title"]),
                body.get("timezone", row["timezone"]),
                json.dumps(body["roles"]) if "roles" in body else row["roles"],
                int(body.get("is_group_admin", bool(row["is_group_admin"]))),
                presence.get("status", row["presence_status"]),
                presence.get("show", row["presence_show"]),
                hash_password(body["password"]) if body.get("password") else row["password_hash"],
                version(),
                row["id"],
            ),
        )
    return no_content()


@bp.delete("/v2/user/<seg:user>")
def delete_user(user: str) -> Response:
    """HipChat keeps a deleted user (is_deleted, readable by id) but takes it out of lists, rooms and sessions."""
    caller = principal()
    with db().write() as conn:
        row = resolve.user(conn, user, caller)
        group = group_of(conn, caller)
        if group["owner_id"] == row["id"]:
            raise forbidden("The group owner cannot be deleted")
        conn.execute("UPDATE users SET is_deleted = 1, is_online = 0, version = ? WHERE id = ?", (version(), row["id"]))
        for table in ("room_members", "room_participants", "auto_join", "tokens", "refresh_tokens"):
            conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (row["id"],))
    return no_content()


@bp.get("/v2/user/<seg:user>/preference/auto-join")
def auto_join(user: str) -> Response:
    page = paging.page()
    with db().read() as conn:
        row = resolve.user(conn, user, principal())
        rooms = conn.execute(
            "SELECT r.* FROM auto_join a JOIN rooms r ON r.id = a.room_id WHERE a.user_id = ? ORDER BY a.added, r.id LIMIT ? OFFSET ?",
            (row["id"], page.limit, page.start),
        ).fetchall()
    shown, more = page.cut(rooms)
    return json_response(paging.envelope([room_summary(room) for room in shown], page, more))


@bp.post("/v2/invite/user")
def invite_to_group() -> Response:
    """An invited user exists at once, without a password, as HipChat's invite made the account."""
    body = validation.read("invite_user")
    caller = principal()
    with db().write() as conn:
        mention = mention_from(conn, caller.group_id, body["name"])
        check_unique(conn, caller.group_id, body["email"], mention, None)
        user_id = inserted_id(conn.execute(
            "INSERT INTO users (group_id, name, mention_name, email, title, version, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (caller.group_id, body["name"], mention, body["email"], body.get("title", ""), version(), clock.now_us()),
        ))
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return json_response({**user_summary(row), "email": row["email"], "title": row["title"]})
