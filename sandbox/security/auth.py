"""Tokens: issuing them, finding the caller behind one, and what the caller may do.

Only a token's SHA-256 is stored. Kinds: personal (SANDBOX_ADMIN_TOKEN, the personal grant), user (password,
authorization_code, refresh_token grants), client (client_credentials: an add-on) and room (room_notification).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from flask import g, request

from sandbox.security.access import Access
from sandbox.store import clock

USER_KINDS = ("personal", "user")


@dataclass(frozen=True)
class Principal:
    kind: str
    token_hash: str
    group_id: int
    scopes: frozenset[str]
    user_id: int | None = None
    client_id: str | None = None
    room_id: int | None = None
    expires_at: int | None = None
    name: str | None = None  # the add-on's name for a client token, else the user's (None: not read)

    @property
    def is_user(self) -> bool:
        return self.kind in USER_KINDS and self.user_id is not None

    def label(self) -> str:
        """Who, for the journal: never the token."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"client:{self.client_id}" if self.client_id else self.kind


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(length: int = 40) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def token_from_request() -> str | None:
    """The bearer token, from the Authorization header or the auth_token query parameter."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("auth_token") or None


def issue(
    conn: sqlite3.Connection,
    kind: str,
    group_id: int,
    scopes: list[str] | tuple[str, ...],
    user_id: int | None = None,
    client_id: str | None = None,
    room_id: int | None = None,
    ttl: int | None = None,
    token: str | None = None,
) -> str:
    token = token or new_token()
    now = clock.now_us()
    expires = now + ttl * 1_000_000 if ttl else None
    conn.execute(
        "INSERT OR REPLACE INTO tokens (hash, kind, user_id, client_id, group_id, room_id, scopes, created, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (hash_token(token), kind, user_id, client_id, group_id, room_id, " ".join(scopes), now, expires),
    )
    return token


def lookup(conn: sqlite3.Connection, token: str) -> Principal | None:
    """The live caller behind a token; None when it is unknown, expired, or its user was deleted."""
    digest = hash_token(token)
    row = conn.execute(
        "SELECT t.*, u.is_deleted AS user_deleted, coalesce(c.name, u.name, '') AS name FROM tokens t"
        " LEFT JOIN users u ON u.id = t.user_id LEFT JOIN oauth_clients c ON c.id = t.client_id WHERE t.hash = ?",
        (digest,),
    ).fetchone()
    if row is None or row["user_deleted"]:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= clock.now_us():
        return None
    return Principal(
        kind=row["kind"],
        token_hash=digest,
        group_id=row["group_id"],
        scopes=frozenset(row["scopes"].split()),
        user_id=row["user_id"],
        client_id=row["client_id"],
        room_id=row["room_id"],
        expires_at=row["expires_at"],
        name=row["name"],
    )


def missing_scope(principal: Principal, access: Access) -> str | None:
    """Why this caller may not call the endpoint, or None when it may."""
    if access.scopes and not principal.scopes.intersection(access.scopes):
        needed = " or ".join(f"'{scope}'" for scope in access.scopes)
        return f"Access denied: this method requires the scope {needed}"
    if access.users_only and not principal.is_user:
        return "Access denied: this method is only available to users, not to add-ons"
    return None


def principal() -> Principal:
    """The caller of the request being handled, as the gate found it."""
    return g.principal
