"""Flood control on sending: per token and recipient (room or user), X-FloodControl-* headers, 429 past the limit."""

from __future__ import annotations

import sqlite3

from flask import g

from sandbox.http.context import settings
from sandbox.security import ratelimit
from sandbox.security.auth import principal


def check(conn: sqlite3.Connection, recipient: str) -> None:
    quota = ratelimit.count(conn, f"flood:{principal().token_hash}:{recipient}", settings().flood, settings().flood_window)
    g.extra_headers.update(quota.headers(ratelimit.FLOOD_PREFIX))
    if quota.exceeded:
        raise ratelimit.too_many(quota, ratelimit.FLOOD_PREFIX, "Flood control limit exceeded")
