"""OAuth: POST /v2/oauth/token (every HipChat grant), sessions (view, delete), OAuth clients. The authorize page of the
code grant, where a signed-in user consents, is sandbox.admin.viewer.consent; its rules are sandbox.model.authcodes.

Grant rules (research §5): client credentials as HTTP Basic are required for client_credentials, authorization_code
and room_notification, and for refresh_token when the refresh token was issued to a client; password and personal
take the user's username (email or @mention) and password, Basic optional. Refresh tokens rotate on use.
"""

from __future__ import annotations

import hmac
import sqlite3
from typing import Any

from flask import Blueprint, Response, request

from sandbox.api.users import check_password
from sandbox.http import links
from sandbox.http.context import db, settings
from sandbox.http.errors import HipChatError, bad_request, missing_field, not_found
from sandbox.http.representations import client_summary, group_summary, user_summary
from sandbox.http.responses import json_response, no_content
from sandbox.model import authcodes, resolve
from sandbox.security import auth
from sandbox.security.access import ALL_SCOPES
from sandbox.security.auth import Principal, hash_token, principal
from sandbox.store import clock

bp = Blueprint("oauth", __name__)

GRANTS = ("authorization_code", "refresh_token", "password", "client_credentials", "personal", "room_notification")
PERSONAL_TTL = 365 * 24 * 3600
ADMIN_ONLY_SCOPES = ("admin_group", "import_data")


def invalid_client() -> HipChatError:
    return HipChatError(401, "Invalid OAuth client credentials", headers={"WWW-Authenticate": 'Basic realm="HipChat"'})


def basic_client(conn: sqlite3.Connection, required: bool) -> sqlite3.Row | None:
    """The OAuth client of the request's HTTP Basic credentials; None without them unless required (then 401)."""
    credentials = request.authorization
    if credentials is None or credentials.type != "basic":
        if required:
            raise invalid_client()
        return None
    client = conn.execute("SELECT * FROM oauth_clients WHERE id = ?", (credentials.username or "",)).fetchone()
    given = (credentials.password or "").encode("utf-8", "surrogatepass")  # compare_digest takes ASCII str or bytes
    if client is None or not hmac.compare_digest(client["secret"].encode("utf-8"), given):
        raise invalid_client()
    return client


def known_client(conn: sqlite3.Connection) -> sqlite3.Row:
    """The OAuth client of the request's HTTP Basic credentials, which the grant requires."""
    client = basic_client(conn, required=True)
    if client is None:  # basic_client raised already; this tells the type checker so
        raise invalid_client()
    return client


def granted(requested: str | None, allowed: list[str] | tuple[str, ...]) -> list[str]:
    if not requested or not requested.strip():
        return list(allowed)
    scopes = requested.replace(",", " ").split()
    for scope in scopes:
        if scope not in allowed:
            raise bad_request(f"Invalid scope: {scope}", "scope", "scope", requested)
    return scopes


def user_scopes(user: sqlite3.Row, client: sqlite3.Row | None) -> list[str]:
    allowed = [s for s in ALL_SCOPES if user["is_group_admin"] or s not in ADMIN_ONLY_SCOPES]
    if client is not None:
        allowed = [s for s in allowed if s in client["scopes"].split()]
    return allowed


def form(name: str) -> str | None:
    return request.form.get(name) or None


def required_form(name: str) -> str:
    value = request.form.get(name)
    if not value:
        raise missing_field(name)
    return value


def login(conn: sqlite3.Connection, group_id: int | None) -> sqlite3.Row:
    username, password = required_form("username"), required_form("password")
    name = username.lstrip("@")
    column = "email" if "@" in name else "mention_name"
    sql = f"SELECT * FROM users WHERE {column} = ? COLLATE NOCASE AND is_deleted = 0" + (" AND group_id = ?" if group_id else "")
    user = conn.execute(sql, (name, group_id) if group_id else (name,)).fetchone()
    if user is None or not check_password(user["password_hash"], password):
        raise HipChatError(401, "Invalid username or password")
    return user


def refresh_for(conn: sqlite3.Connection, user_id: int, client_id: str | None, group_id: int, scopes: list[str]) -> str:
    token = auth.new_token()
    conn.execute(
        "INSERT INTO refresh_tokens (hash, user_id, client_id, group_id, scopes, created) VALUES (?, ?, ?, ?, ?, ?)",
        (hash_token(token), user_id, client_id, group_id, " ".join(scopes), clock.now_us()),
    )
    return token


def answer(conn: sqlite3.Connection, token: str, ttl: int, group_id: int, scopes: list[str], refresh: str | None) -> Response:
    group = conn.execute("SELECT name FROM groups WHERE id = ?", (group_id,)).fetchone()
    body: dict[str, Any] = {
        "access_token": token,
        "expires_in": ttl,
        "group_id": group_id,
        "group_name": group["name"],
        "scope": " ".join(scopes),
        "token_type": "bearer",
    }
    if refresh:
        body["refresh_token"] = refresh
    return json_response(body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"})


@bp.post("/v2/oauth/token")
def generate_token() -> Response:
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise bad_request(f"Invalid content type: {request.content_type or 'None'}")
    grant = required_form("grant_type")
    if grant not in GRANTS:
        raise bad_request(f"Invalid grant_type: {grant}", "grant_type", "enum", grant)
    ttl = settings().token_ttl
    with db().write() as conn:
        if grant == "client_credentials":
            client = known_client(conn)
            scopes = granted(form("scope"), client["scopes"].split())
            token = auth.issue(conn, "client", client["group_id"], scopes, client_id=client["id"], room_id=client["room_id"], ttl=ttl)
            return answer(conn, token, ttl, client["group_id"], scopes, None)
        if grant == "room_notification":
            client = known_client(conn)
            room_id = client["room_id"]
            if room_id is None:
                ident = required_form("room_id")
                caller = Principal("client", "", client["group_id"], frozenset(), client_id=client["id"])
                room_id = resolve.room(conn, ident, caller)["id"]
            scopes = granted(form("scope"), ["send_notification"])
            token = auth.issue(conn, "room", client["group_id"], scopes, client_id=client["id"], room_id=room_id, ttl=ttl)
            return answer(conn, token, ttl, client["group_id"], scopes, None)
        if grant in ("password", "personal"):
            password_client = basic_client(conn, required=False)
            user = login(conn, password_client["group_id"] if password_client else None)
            scopes = granted(form("scope"), user_scopes(user, password_client))
            client_id = password_client["id"] if password_client else None
            if grant == "personal":
                token = auth.issue(conn, "personal", user["group_id"], scopes, user_id=user["id"], client_id=client_id, ttl=PERSONAL_TTL)
                return answer(conn, token, PERSONAL_TTL, user["group_id"], scopes, None)
            token = auth.issue(conn, "user", user["group_id"], scopes, user_id=user["id"], client_id=client_id, ttl=ttl)
            return answer(conn, token, ttl, user["group_id"], scopes, refresh_for(conn, user["id"], client_id, user["group_id"], scopes))
        if grant == "authorization_code":
            client = known_client(conn)
            code = required_form("code")
            redeemed = authcodes.redeem(conn, code, client["id"])  # spent here, whatever follows: a code is good once
            if redeemed is None:
                raise bad_request("Invalid or expired authorization code", "code", "exists", None)
            redirect_to = form("redirect_url") or form("redirect_uri")
            if redeemed.redirect_uri and redirect_to != redeemed.redirect_uri:
                raise bad_request("redirect_url does not match the one the code was issued for", "redirect_url", "match", redirect_to)
            scopes, user_id = redeemed.scopes, redeemed.user_id
            token = auth.issue(conn, "user", client["group_id"], scopes, user_id=user_id, client_id=client["id"], ttl=ttl)
            return answer(
                conn, token, ttl, client["group_id"], scopes, refresh_for(conn, user_id, client["id"], client["group_id"], scopes)
            )
        # refresh_token: the old refresh token is spent, a new one comes with the new access token.
        refresh = required_form("refresh_token")
        row = conn.execute("SELECT * FROM refresh_tokens WHERE hash = ?", (hash_token(refresh),)).fetchone()
        if row is None:
            raise bad_request("Invalid refresh token", "refresh_token", "exists", None)
        if row["client_id"] is None:
            basic_client(conn, required=False)  # credentials, when sent, must be right
        elif known_client(conn)["id"] != row["client_id"]:
            raise invalid_client()
        conn.execute("DELETE FROM refresh_tokens WHERE hash = ?", (row["hash"],))
        scopes = granted(form("scope"), row["scopes"].split())
        token = auth.issue(conn, "user", row["group_id"], scopes, user_id=row["user_id"], client_id=row["client_id"], ttl=ttl)
        return answer(
            conn, token, ttl, row["group_id"], scopes, refresh_for(conn, row["user_id"], row["client_id"], row["group_id"], scopes)
        )


def session_row(conn: sqlite3.Connection, token: str, caller: Principal) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM tokens WHERE hash = ?", (hash_token(token),)).fetchone()
    if row is None or row["group_id"] != caller.group_id or (row["expires_at"] is not None and row["expires_at"] <= clock.now_us()):
        raise not_found("OAuth session not found")
    return row


PERSONAL_CLIENT_NAME = "Personal access token"


def session_client(conn: sqlite3.Connection, row: sqlite3.Row, client: sqlite3.Row | None, user: sqlite3.Row | None) -> dict[str, Any]:
    """The session's client, for every kind of token: HipChat answered an object with allowed_scopes, name and room
    (null, or the room a room token or room installation is for) even for a personal token; the official Ruby gem
    reads client.room unguarded (hipchat-rb lib/hipchat/client.rb `scopes`, fixture in spec/support/
    shared_contexts_for_hipchat.rb: {"allowed_scopes", "name", "room"}). A token made without an OAuth client (the
    personal grant, the admin token) has no client id: its client is the token itself, allowed its own scopes."""
    if client is not None:
        shown = client_summary(client)
    else:
        name = f"{PERSONAL_CLIENT_NAME} of {user['name']}" if user is not None else PERSONAL_CLIENT_NAME
        shown = {"allowed_scopes": row["scopes"].split(), "id": None, "name": name}
    room_id = row["room_id"] if row["room_id"] is not None else (client["room_id"] if client is not None else None)
    room = conn.execute("SELECT id, name FROM rooms WHERE id = ?", (room_id,)).fetchone() if room_id is not None else None
    shown["room"] = {"id": room["id"], "links": {"self": links.room(room["id"])}, "name": room["name"]} if room is not None else None
    return shown


@bp.get("/v2/oauth/token/<seg:token>")
def get_session(token: str) -> Response:
    caller = principal()
    with db().read() as conn:
        row = session_row(conn, token, caller)
        client = conn.execute("SELECT * FROM oauth_clients WHERE id = ?", (row["client_id"],)).fetchone() if row["client_id"] else None
        user = conn.execute("SELECT * FROM users WHERE id = ?", (row["user_id"],)).fetchone() if row["user_id"] else None
        group = conn.execute("SELECT * FROM groups WHERE id = ?", (row["group_id"],)).fetchone()
        shown_client = session_client(conn, row, client, user)
    remaining = None if row["expires_at"] is None else max(0, (row["expires_at"] - clock.now_us()) // 1_000_000)
    owner = user_summary(user) if user is not None else (client_summary(client) if client is not None else None)
    return json_response(
        {
            "access_token": token,
            "client": shown_client,
            "expires_in": remaining,
            "group": group_summary(group),
            "owner": owner,
            "scopes": row["scopes"].split(),
        }
    )


@bp.delete("/v2/oauth/token/<seg:token>")
def delete_session(token: str) -> Response:
    caller = principal()
    with db().write() as conn:
        row = session_row(conn, token, caller)
        conn.execute("DELETE FROM tokens WHERE hash = ?", (row["hash"],))
    return no_content()


@bp.get("/v2/oauth/client/<seg:client_id>")
def get_client(client_id: str) -> Response:
    with db().read() as conn:
        client = conn.execute("SELECT * FROM oauth_clients WHERE id = ? AND group_id = ?", (client_id, principal().group_id)).fetchone()
    if client is None:
        raise not_found(f"OAuth client {client_id} not found")
    return json_response(client_summary(client))
