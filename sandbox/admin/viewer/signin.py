"""Users signed in on the consent page (/users/authorize): a sandbox user's email or @mention and password, as
HipChat's own login page took them, open a session kept in a cookie.

The cookie opens nothing but the consent page: it is scoped to /users/, HttpOnly, SameSite=Lax, and neither /v2/ nor
/_sandbox/ reads it (their credentials come from the Authorization header). The approve form carries a token derived
from the session's secret (csrf_token), so a page elsewhere cannot approve for the user even where a browser would
send the cookie. Only hashes of session secrets are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time

from flask import request
from werkzeug.wrappers import Response as AnyResponse

from sandbox.security import auth

COOKIE = "sandbox_user"
COOKIE_PATH = "/users/"
SESSION_TTL_S = 3600


def open_session(conn: sqlite3.Connection, user_id: int) -> str:
    secret = secrets.token_urlsafe(32)
    now = int(time.time())
    conn.execute("DELETE FROM user_sessions WHERE expires <= ?", (now,))
    conn.execute(
        "INSERT INTO user_sessions (hash, user_id, expires) VALUES (?, ?, ?)", (auth.hash_token(secret), user_id, now + SESSION_TTL_S)
    )
    return secret


def set_cookie(response: AnyResponse, secret: str) -> None:
    response.set_cookie(
        COOKIE, secret, max_age=SESSION_TTL_S, path=COOKIE_PATH, httponly=True, samesite="Lax", secure=request.scheme == "https"
    )


def session_secret() -> str | None:
    return request.cookies.get(COOKIE) or None


def current_user(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """The signed-in user (not deleted), or None."""
    secret = session_secret()
    if not secret:
        return None
    return conn.execute(
        "SELECT u.* FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ? AND s.expires > ? AND u.is_deleted = 0",
        (auth.hash_token(secret), int(time.time())),
    ).fetchone()


def csrf_token(secret: str) -> str:
    """The approve form's token: bound to this session, unknowable without its secret."""
    return hmac.new(secret.encode(), b"sandbox consent form", hashlib.sha256).hexdigest()


def csrf_ok(given: str | None) -> bool:
    secret = session_secret()
    if not secret or not given:
        return False
    return hmac.compare_digest(csrf_token(secret).encode(), given.encode("utf-8", "surrogatepass"))
