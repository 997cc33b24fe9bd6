"""Add-on endpoints: installable data (readable once), integration links (redirects with a time to live), UI pushes (glances)."""

from __future__ import annotations

import json
import secrets
import sqlite3

from flask import Blueprint, Response

from sandbox.http import links, validation
from sandbox.http.context import db
from sandbox.http.errors import not_found
from sandbox.http.responses import json_response, no_content, redirect
from sandbox.model import resolve
from sandbox.security.auth import Principal, principal
from sandbox.store import clock

bp = Blueprint("addon", __name__)


@bp.get("/v2/addon/<seg:addon>/installable/<seg:token>")
def installable(addon: str, token: str) -> Response:
    with db().write() as conn:
        client = conn.execute("SELECT * FROM oauth_clients WHERE installable_token = ?", (token,)).fetchone()
        if client is None or client["installable_read"] or addon not in (client["addon_key"], client["id"]):
            raise not_found("Installable data not found, or already read")
        conn.execute("UPDATE oauth_clients SET installable_read = 1 WHERE id = ?", (client["id"],))
    data = {
        "capabilitiesUrl": client["capabilities_url"] or links.api("capabilities"),
        "groupId": client["group_id"],
        "oauthId": client["id"],
        "oauthSecret": client["secret"],
    }
    if client["room_id"] is not None:
        data["roomId"] = client["room_id"]
    return json_response(data)


@bp.post("/v2/addon/link")
def create_link() -> Response:
    """ttl is in seconds; the answer names the token and the URL that redirects to the target."""
    body = validation.read("create_link")
    caller = principal()
    token = secrets.token_urlsafe(24)
    now = clock.now_us()
    expires = now + body["ttl"] * 1_000_000
    with db().write() as conn:
        conn.execute(
            "INSERT INTO integration_links (token, group_id, client_id, target, expires_at, created) VALUES (?, ?, ?, ?, ?, ?)",
            (token, caller.group_id, caller.client_id, body["target"], expires, now),
        )
    return json_response({"expires": clock.iso(expires), "token": token, "url": links.api("addon", "link", token)})


def live_link(conn: sqlite3.Connection, token: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM integration_links WHERE token = ?", (token,)).fetchone()
    if row is None or row["expires_at"] <= clock.now_us():
        raise not_found("Integration link not found or expired")
    return row


@bp.get("/v2/addon/link/<seg:token>")
def invoke_link(token: str) -> Response:
    with db().read() as conn:
        row = live_link(conn, token)
    return redirect(row["target"])


@bp.delete("/v2/addon/link/<seg:token>")
def delete_link(token: str) -> Response:
    caller = principal()
    with db().write() as conn:
        row = live_link(conn, token)
        if row["group_id"] != caller.group_id:
            raise not_found("Integration link not found or expired")
        conn.execute("DELETE FROM integration_links WHERE token = ?", (token,))
    return no_content()


def push(caller: Principal, room_id: int | None, user_id: int | None, glance: list) -> None:
    with db().write() as conn:
        conn.execute(
            "INSERT INTO ui_updates (group_id, room_id, user_id, client_id, glance, created) VALUES (?, ?, ?, ?, ?, ?)",
            (caller.group_id, room_id, user_id, caller.client_id, json.dumps(glance), clock.now_us()),
        )


@bp.post("/v2/addon/ui")
def ui_group() -> Response:
    body = validation.read("ui_update")
    push(principal(), None, None, body["glance"])
    return no_content()


@bp.post("/v2/addon/ui/room/<seg:room>")
def ui_room(room: str) -> Response:
    body = validation.read("ui_update")
    caller = principal()
    with db().read() as conn:
        room_id = resolve.room(conn, room, caller)["id"]
    push(caller, room_id, None, body["glance"])
    return no_content()


@bp.post("/v2/addon/ui/room/<seg:room>/user/<seg:user>")
def ui_room_user(room: str, user: str) -> Response:
    body = validation.read("ui_update")
    caller = principal()
    with db().read() as conn:
        room_id = resolve.room(conn, room, caller)["id"]
        user_id = resolve.user(conn, user, caller)["id"]
    push(caller, room_id, user_id, body["glance"])
    return no_content()


@bp.post("/v2/addon/ui/user/<seg:user>")
def ui_user(user: str) -> Response:
    body = validation.read("ui_update")
    caller = principal()
    with db().read() as conn:
        user_id = resolve.user(conn, user, caller)["id"]
    push(caller, None, user_id, body["glance"])
    return no_content()
