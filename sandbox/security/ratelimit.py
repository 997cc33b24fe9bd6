"""Rate limits and flood control, counted in SQLite so that every gunicorn worker sees the same counts.

Fixed windows aligned on the epoch: X-Ratelimit-Reset (and X-FloodControl-Reset) is the Unix second the window ends.
"""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass

from sandbox.http.errors import HipChatError


@dataclass(frozen=True)
class Quota:
    limit: int
    used: int
    reset: int

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    def headers(self, prefix: str) -> dict[str, str]:
        return {
            f"{prefix}-Limit": str(self.limit),
            f"{prefix}-Remaining": str(max(0, self.limit - self.used)),
            f"{prefix}-Reset": str(self.reset),
        }


def count(conn: sqlite3.Connection, key: str, limit: int, window: int) -> Quota:
    """Count one request against key in the current window."""
    now = int(time.time())
    start = now - now % window
    used = conn.execute(
        "INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1)"
        " ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count",
        (key, start),
    ).fetchone()[0]
    if random.random() < 0.01:  # housekeeping: forget windows long past
        conn.execute("DELETE FROM rate_counters WHERE window < ?", (now - 2 * max(window, 3600),))
    return Quota(limit, used, start + window)


RATE_PREFIX = "X-Ratelimit"
FLOOD_PREFIX = "X-FloodControl"


def too_many(quota: Quota, prefix: str, message: str) -> HipChatError:
    return HipChatError(429, message, headers=quota.headers(prefix))
