"""Who may use /_sandbox/: the holder of the admin token, or a viewer session opened with a one-time login.

The credential comes from the Authorization header (Bearer) only: never from a cookie or the query string, so a
page on another origin, a cross-site form, or a webhook aimed at the sandbox itself carries none. The admin token's
holder makes login links (POST /_sandbox/api/logins; `make run` prints one): a code good once, for ten minutes,
that the viewer trades for a session token (POST /_sandbox/login) it keeps in the browser. Only hashes are stored.
"""

from __future__ import annotations

import secrets
import sqlite3
import time

from flask import request

from sandbox.http.context import db
from sandbox.http.errors import HipChatError, unauthorized
from sandbox.security import auth

LOGIN_TTL_S = 600
SESSION_TTL_S = 12 * 3600
ADMIN_REQUIRED = (
    "The /_sandbox/ endpoints need the sandbox's admin token (Authorization: Bearer <token>), "
    "or a session from the login link `make run` prints."
)


SPENT = "That login link was used already, has expired, or is not one: ask for a new one (POST /_sandbox/api/logins)."


def bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def is_admin_token(conn: sqlite3.Connection, token: str) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'admin_token_hash'").fetchone()
    return row is not None and secrets.compare_digest(row["value"], auth.hash_token(token))


def _live(conn: sqlite3.Connection, kind: str, secret: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM admin_credentials WHERE hash = ? AND kind = ? AND expires > ?", (auth.hash_token(secret), kind, int(time.time()))
    ).fetchone()
    return row is not None


def is_admin(conn: sqlite3.Connection, token: str | None) -> bool:
    if not token:
        return False
    return is_admin_token(conn, token) or _live(conn, "session", token)


def require_admin() -> None:
    """401 unless the request carries the admin token or a live viewer session."""
    with db().read() as conn:
        if not is_admin(conn, bearer()):
            raise unauthorized(ADMIN_REQUIRED)


def holds_admin_token() -> bool:
    """Whether the request carries the admin token itself (not a viewer session)."""
    token = bearer()
    with db().read() as conn:
        return token is not None and is_admin_token(conn, token)


def require_admin_token() -> None:
    """403 for a viewer session, 401 for anyone else, unless the request carries the admin token itself.

    What only the token may do: make login links (a 12-hour session must not renew itself forever), read or mint
    credentials (an add-on's OAuth secret, an OAuth code on a user's behalf). Issue 13, item 5.
    """
    if holds_admin_token():
        return
    require_admin()
    raise HipChatError(403, "A viewer session cannot do this: it needs the sandbox's admin token itself.")


def _issue(conn: sqlite3.Connection, kind: str, ttl_s: int) -> str:
    secret = secrets.token_urlsafe(32)
    now = int(time.time())
    conn.execute("DELETE FROM admin_credentials WHERE expires <= ?", (now,))
    conn.execute("INSERT INTO admin_credentials (hash, kind, expires) VALUES (?, ?, ?)", (auth.hash_token(secret), kind, now + ttl_s))
    return secret


def new_login(conn: sqlite3.Connection) -> str:
    """A one-time login code."""
    return _issue(conn, "login", LOGIN_TTL_S)


def open_session(conn: sqlite3.Connection, secret: str) -> str:
    """A viewer session for a login code (spent here) or for the admin token itself; 401 for anything else."""
    spent = conn.execute(
        "DELETE FROM admin_credentials WHERE hash = ? AND kind = 'login' AND expires > ? RETURNING hash",
        (auth.hash_token(secret), int(time.time())),
    ).fetchone()
    if spent is None and not is_admin_token(conn, secret):
        raise HipChatError(401, SPENT)
    return _issue(conn, "session", SESSION_TTL_S)
