"""/_sandbox/: reset, seed and the journal for tests and scripts; JSON under /_sandbox/api/ for bots' authors and the room viewer.

Every endpoint here needs the admin token or a viewer session (sandbox.admin.guard), but POST /_sandbox/login, which
opens a session. GET /_sandbox/ itself is left for the HTML viewer.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import Any

from flask import Blueprint, Response, request

from sandbox.admin import bootstrap, guard
from sandbox.admin.viewer import consent
from sandbox.api import members
from sandbox.http import links, params, validation
from sandbox.http.context import db, sandbox, settings
from sandbox.http.errors import bad_request, not_found
from sandbox.http.representations import room_summary, user_summary
from sandbox.http.responses import json_response
from sandbox.model import history, resolve
from sandbox.model.authcodes import RedirectRefused
from sandbox.security.access import ALL_SCOPES
from sandbox.security.auth import Principal
from sandbox.store import clock, journal

bp = Blueprint("admin", __name__, url_prefix="/_sandbox")
OPEN_ENDPOINTS = ("admin.login",)

FILL_MAX = 50_000  # per request: a larger history is filled by several requests
FILL_BATCH = 5_000  # rows per transaction, so that other requests get the write lock in between
# Between batches the fill rests as long as the batch took (at least 5 ms): a writer waiting in SQLite's busy handler
# polls at growing intervals (up to 100 ms) and needs a gap that long to get in; half the lock's time stays free.
FILL_PAUSE_S = 0.005
MAX_ID = 2**62


@bp.before_request
def admin_only() -> None:
    if request.endpoint not in OPEN_ENDPOINTS:
        guard.require_admin()


@bp.post("/login")
def login() -> Response:
    """A one-time login code (or the admin token) for a viewer session: {"code": ...} -> {"token", "expires_in"}."""
    code = body().get("code")
    if not isinstance(code, str) or not code.strip():
        raise bad_request("code is required", "code", "optional", None)
    with db().write() as conn:
        token = guard.open_session(conn, code.strip())
    return json_response({"token": token, "expires_in": guard.SESSION_TTL_S})


@bp.post("/api/logins")
def new_login() -> Response:
    """A login link for the room viewer: good once, for ten minutes. The admin token's alone: a viewer session minting
    links would renew itself forever."""
    guard.require_admin_token()
    with db().write() as conn:
        code = guard.new_login(conn)
    return json_response({"code": code, "url": f"{links.base()}/_sandbox/#login={code}", "expires_in": guard.LOGIN_TTL_S}, 201)


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    validation.check_text(data)
    return data if isinstance(data, dict) else {}


def credentials_json(credentials: bootstrap.Credentials) -> dict[str, Any]:
    """What reset and seed made, without a secret: the admin token and the add-on's secret are the caller's already (or
    the banner's), and an answer is no place to hand them to whoever holds a viewer session (issue 13, item 5)."""
    return {
        "admin_user_id": credentials.admin_id,
        "demo": credentials.demo or None,
        "group_id": credentials.group_id,
        "oauth_client_id": credentials.client_id,
    }


@bp.post("/reset")
def reset() -> Response:
    """Everything back to a fresh sandbox: admin token and add-on as configured; demo data only with {"demo": true}."""
    sandbox().services["journal"].discard()
    bootstrap.wipe(db())
    sandbox().services["rate_leases"].clear()
    credentials = bootstrap.bootstrap(db(), settings(), with_demo=bool(body().get("demo", request.args.get("demo") == "true")))
    return json_response(credentials_json(credentials))


@bp.post("/seed")
def seed() -> Response:
    """Add the demo data (once)."""
    credentials = bootstrap.bootstrap(db(), settings(), with_demo=True)
    return json_response(credentials_json(credentials))


@bp.post("/api/consents")
def consent_for_a_user() -> Response:
    """Answer /users/authorize's consent page for a user, as if they had signed in and clicked (tests and scripts):
    {"client_id", "redirect_uri", "scope", "state", "user_id" (id, email or @mention), "approve": true|false} ->
    {"location"}, the URL the page would have sent the browser to. The admin token's alone, never a viewer session's:
    it makes codes worth any user's token."""
    guard.require_admin_token()
    data = body()
    if not isinstance(data.get("approve"), bool):
        raise bad_request("approve must be true or false", "approve", "type", data.get("approve"))
    with db().write() as conn:
        try:
            ask = consent.read_request(conn, {name: data[name] for name in consent.FIELDS if isinstance(data.get(name), str)})
        except RedirectRefused as refused:
            field = "client_id" if "client_id" in str(refused) else "redirect_uri"
            raise bad_request(str(refused), field, "registered", data.get(field)) from None
        if ask.error:
            return json_response({"location": ask.back(error=ask.error)})
        caller = Principal("client", "", ask.client["group_id"], frozenset(), client_id=ask.client["id"])
        user = resolve.user(conn, str(data.get("user_id") or ""), caller)
        return json_response({"location": consent.decide(conn, ask, user, data["approve"])})


@bp.get("/journal")
def read_journal() -> Response:
    since = params.integer("since", 0, 0, MAX_ID)
    limit = params.integer("limit", 500, 1, 5000)
    sandbox().services["journal"].flush()
    items = journal.entries(db(), since, limit)
    return json_response({"items": items, "last_id": items[-1]["id"] if items else since})


def admin_caller(conn: sqlite3.Connection) -> Principal:
    group = conn.execute("SELECT id, owner_id FROM groups ORDER BY id LIMIT 1").fetchone()
    if group is None:
        raise not_found("The sandbox has no group; POST /_sandbox/reset")
    return Principal("personal", "", group["id"], frozenset(ALL_SCOPES), user_id=group["owner_id"])


@bp.get("/api/rooms")
def rooms() -> Response:
    with db().read() as conn:
        rows = conn.execute("SELECT * FROM rooms ORDER BY id").fetchall()
    return json_response(
        {
            "items": [
                {
                    **room_summary(row),
                    "topic": row["topic"],
                    "messages_sent": row["messages_sent"],
                    "last_active": clock.iso(row["last_active"]) if row["last_active"] else None,
                    "history": f"{links.base()}/_sandbox/api/rooms/{row['id']}/history",
                }
                for row in rows
            ]
        }
    )


def messages_page(conn: sqlite3.Connection, column: str, value: Any) -> dict[str, Any]:
    """Newest first, `before` a seq for the next page; each item is HipChat's message item plus its seq."""
    limit = params.integer("limit", 100, 1, 1000)
    before = params.integer("before", 0, 0, MAX_ID)
    sql = f"SELECT * FROM messages WHERE {column} = ?" + (" AND seq < ?" if before else "") + " ORDER BY seq DESC LIMIT ?"
    args = (value, before, limit) if before else (value, limit)
    rows = conn.execute(sql, args).fetchall()
    items = history.render(conn, rows)
    for item, row in zip(items, rows, strict=True):
        item["seq"] = row["seq"]
    return {"items": items, "next_before": rows[-1]["seq"] if len(rows) == limit else None}


@bp.get("/api/rooms/<int:room_id>/history")
def room_history(room_id: int) -> Response:
    with db().read() as conn:
        room = conn.execute("SELECT * FROM rooms WHERE id = ?", (room_id,)).fetchone()
        if room is None:
            raise not_found(f"Room {room_id} not found")
        page = messages_page(conn, "room_id", room_id)
    return json_response({"room": {**room_summary(room), "topic": room["topic"]}, **page})


@bp.get("/api/chats")
def chats() -> Response:
    with db().read() as conn:
        rows = conn.execute(
            "SELECT chat, count(*) AS n, max(ts) AS last FROM messages WHERE chat IS NOT NULL GROUP BY chat ORDER BY last DESC"
        ).fetchall()
    return json_response({"items": [{"chat": r["chat"], "messages": r["n"], "last_active": clock.iso(r["last"])} for r in rows]})


@bp.get("/api/chats/<chat>/history")
def chat_history(chat: str) -> Response:
    with db().read() as conn:
        return json_response(messages_page(conn, "chat", chat))


@bp.get("/api/users")
def users() -> Response:
    with db().read() as conn:
        rows = conn.execute("SELECT * FROM users ORDER BY id").fetchall()
    return json_response(
        {
            "items": [
                {
                    **user_summary(r),
                    "email": r["email"],
                    "is_deleted": bool(r["is_deleted"]),
                    "is_guest": bool(r["is_guest"]),
                    "is_online": bool(r["is_online"]),
                }
                for r in rows
            ]
        }
    )


@bp.route("/api/rooms/<int:room_id>/participants/<int:user_id>", methods=["PUT", "DELETE"])
def participant(room_id: int, user_id: int) -> Response:
    """A user enters (PUT) or leaves (DELETE) a room, raising room_enter / room_exit."""
    with db().write() as conn:
        room = conn.execute("SELECT * FROM rooms WHERE id = ?", (room_id,)).fetchone()
        user = conn.execute("SELECT * FROM users WHERE id = ? AND is_deleted = 0", (user_id,)).fetchone()
        if room is None or user is None:
            raise not_found("Room or user not found")
        changed = (
            members.enter(conn, room["group_id"], room, user)
            if request.method == "PUT"
            else members.leave(conn, room["group_id"], room, user)
        )
    sandbox().services["deliveries"].wake()
    return json_response({"changed": changed})


@bp.post("/api/rooms/<int:room_id>/fill")
def fill(room_id: int) -> Response:
    """Bulk history for load tests and benchmarks: {"count": n} messages from the room's owner, oldest first, ending now.

    Each batch is its own transaction: the room's count grows as they commit, and other requests run in between.
    """
    count = body().get("count", 0)
    if not isinstance(count, int) or isinstance(count, bool) or not 0 < count <= FILL_MAX:
        raise bad_request(f"count must be 1 - {FILL_MAX} (fill a larger history with several requests)", "count", "range", count)
    with db().read() as conn:
        room = conn.execute("SELECT * FROM rooms WHERE id = ?", (room_id,)).fetchone()
    if room is None:
        raise not_found(f"Room {room_id} not found")
    end = clock.now_us()
    added = 0
    for first in range(0, count, FILL_BATCH):
        batch = range(first, min(first + FILL_BATCH, count))
        began = time.monotonic()
        with db().write() as conn:
            if conn.execute("SELECT 1 FROM rooms WHERE id = ?", (room_id,)).fetchone() is None:
                break  # deleted in between
            conn.executemany(
                "INSERT INTO messages (id, room_id, ts, type, sender_id, message) VALUES (?, ?, ?, 'message', ?, ?)",
                ((str(uuid.uuid4()), room_id, end - (count - i) * 1000, room["owner_id"], f"fill message {i}") for i in batch),
            )
            conn.execute(
                "UPDATE rooms SET messages_sent = messages_sent + ?, last_active = max(ifnull(last_active, 0), ?) WHERE id = ?",
                (len(batch), end, room_id),
            )
        added += len(batch)
        if added < count:
            time.sleep(max(FILL_PAUSE_S, time.monotonic() - began))
    return json_response({"room_id": room_id, "added": added})


@bp.get("/api/deliveries")
def deliveries() -> Response:
    limit = params.integer("limit", 100, 1, 1000)
    state = request.args.get("state")
    with db().read() as conn:
        sql = "SELECT * FROM deliveries" + (" WHERE state = ?" if state else "") + " ORDER BY id DESC LIMIT ?"
        rows = conn.execute(sql, (state, limit) if state else (limit,)).fetchall()
        ids = [row["id"] for row in rows]
        attempts: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        if ids:
            marks = ",".join("?" * len(ids))
            for a in conn.execute(f"SELECT * FROM delivery_attempts WHERE delivery_id IN ({marks}) ORDER BY id", ids):
                attempts[a["delivery_id"]].append(
                    {
                        "attempt": a["attempt"],
                        "date": clock.iso(a["started"]),
                        "duration_ms": round(a["duration_ms"], 2),
                        "status": a["status"],
                        "ended": a["ended"],
                        "error": a["error"],
                        "response": a["response"],
                        "signed": bool(a["signed"]),
                    }
                )
    items = [
        {
            "id": row["id"],
            "webhook_id": row["webhook_id"],
            "webhook_key": row["webhook_key"],
            "event": row["event"],
            "room_id": row["room_id"],
            "url": row["url"],
            "target": row["target"],
            "authentication": row["authentication"],
            "state": row["state"],
            "attempts": attempts[row["id"]],
            "outcome": row["outcome"],
            "payload": json.loads(row["payload"]),
            "created": clock.iso(row["created"]),
        }
        for row in rows
    ]
    return json_response({"items": items})


@bp.get("/api/ui")
def ui_updates() -> Response:
    with db().read() as conn:
        rows = conn.execute("SELECT * FROM ui_updates ORDER BY id DESC LIMIT 200").fetchall()
    return json_response(
        {
            "items": [
                {
                    "id": r["id"],
                    "room_id": r["room_id"],
                    "user_id": r["user_id"],
                    "client_id": r["client_id"],
                    "glance": json.loads(r["glance"]),
                    "date": clock.iso(r["created"]),
                }
                for r in rows
            ]
        }
    )
