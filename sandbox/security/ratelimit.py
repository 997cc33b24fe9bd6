"""Rate limits and flood control, counted in SQLite so that every gunicorn worker sees the same counts.

Fixed windows aligned on the epoch: X-Ratelimit-Reset (and X-FloodControl-Reset) is the Unix second the window ends.

Flood control counts each send in the send's own write transaction (`count`): a send writes anyway. The rate limit
applies to every request, reads included, and a write per request made every GET queue for the database's one write
lock (profiled: that queue was most of the sandbox's latency under concurrency). So a worker reserves calls ahead
(`Leases`): it adds a lease of n calls to the window's shared count in one write and hands them out from memory, and
writes again when they are used up. What the limit promises still holds across workers: the shared count is every
call granted plus the reserved ones, and a lease never takes the count past the limit, so the workers together never
grant more than the limit in a window. A lease is at most 1/LEASE_SHARE of what is left (and MAX_LEASE), so near the
limit it is one call and the count is exact; the price is that a worker can refuse while another still holds a few
unused calls of its lease (at most what is left / LEASE_SHARE each), and X-Ratelimit-Remaining counts the other
workers' unused leases as used. Rejected alternatives: counts kept per process and reconciled later let N workers
each grant up to the limit between reconciliations (N x the limit); a single writer process is one more server for
the Procfile to run and a hop for every request.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from dataclasses import dataclass

from sandbox.http.errors import HipChatError
from sandbox.store.db import Database

LEASE_SHARE = 16
MAX_LEASE = 32
MAX_KEYS = 10_000  # leases a worker keeps; past it, leases of ended windows are dropped (unused calls of theirs are void)


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


def window_start(window: int) -> int:
    now = int(time.time())
    return now - now % window


@dataclass
class Lease:
    start: int  # the window the calls belong to
    left: int  # reserved calls not handed out yet
    counted: int  # the shared count when this worker last reserved


class Leases:
    """One worker's reserved calls, per key (see the module's docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._held: dict[str, Lease] = {}

    def take(self, key: str, limit: int, window: int) -> Quota:
        """Count one request against key in the current window."""
        start = window_start(window)
        quota = self._from_lease(key, limit, window, start)
        if quota is not None:
            return quota
        with self.db.write() as conn:
            used = conn.execute("SELECT count FROM rate_counters WHERE key = ? AND window = ?", (key, start)).fetchone()
            used = used[0] if used else 0
            size = min(MAX_LEASE, max(1, (limit - used) // LEASE_SHARE), max(0, limit - used))
            if size:
                used = conn.execute(
                    "INSERT INTO rate_counters (key, window, count) VALUES (?, ?, ?)"
                    " ON CONFLICT (key, window) DO UPDATE SET count = count + excluded.count RETURNING count",
                    (key, start, size),
                ).fetchone()[0]
            if random.random() < 0.01:  # housekeeping: forget windows long past
                conn.execute("DELETE FROM rate_counters WHERE window < ?", (start - 2 * max(window, 3600),))
        if not size:
            return Quota(limit, limit + 1, start + window)
        with self._lock:
            lease = self._held.get(key)
            if lease is None or lease.start != start:
                if len(self._held) >= MAX_KEYS:
                    self._forget_ended(start)
                lease = self._held[key] = Lease(start, 0, used)
            lease.left += size - 1  # one of them is this request's
            lease.counted = max(lease.counted, used)
            return Quota(limit, lease.counted - lease.left, start + window)

    def _from_lease(self, key: str, limit: int, window: int, start: int) -> Quota | None:
        with self._lock:
            lease = self._held.get(key)
            if lease is None or lease.start != start or not lease.left:
                return None
            lease.left -= 1
            return Quota(limit, lease.counted - lease.left, start + window)

    def _forget_ended(self, start: int) -> None:
        self._held = {key: lease for key, lease in self._held.items() if lease.start == start}
        if len(self._held) >= MAX_KEYS:
            self._held.clear()

    def clear(self) -> None:
        """After a reset has emptied the counts: this worker's leases are void with them."""
        with self._lock:
            self._held.clear()


RATE_PREFIX = "X-Ratelimit"
FLOOD_PREFIX = "X-FloodControl"


def too_many(quota: Quota, prefix: str, message: str) -> HipChatError:
    return HipChatError(429, message, headers=quota.headers(prefix))
