"""The delivery queue in SQLite: what is due, who holds what, and what an attempt leaves behind.

Rules:
- A delivery is due when it is pending, its next_at has come and nobody holds a live lease on it.
- A claim takes one due delivery (oldest next_at first) in one IMMEDIATE transaction and writes a lease, so two
  processes (gunicorn workers) never take the same attempt. A lease that runs out (its process died mid-delivery)
  makes the delivery due again.
- A receiver (target: host:port) has at most `per_target` deliveries in flight, counted over every process: a
  delivery whose target is at its limit is skipped, and the next due one for another receiver is claimed instead.
- Deleting a webhook (or uninstalling its add-on), or replacing it under its key, cancels its pending deliveries (not
  yet attempted, or awaiting a retry); one in flight finishes its attempt, which is recorded, and is not retried nor
  its reply posted.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sandbox.delivery import targets
from sandbox.store import clock
from sandbox.store.db import Database

PENDING, DONE, FAILED, CANCELLED = "pending", "done", "failed", "cancelled"


def target_of(url: str) -> str:
    """The receiver a URL reaches, as the per-target limit counts it: host:port as the delivery connects."""
    try:
        found = targets.endpoint(url)
    except targets.TargetRefused:
        return url  # never delivered anyway (refused at delivery): its own queue
    host = f"[{found.host}]" if ":" in found.host else found.host
    return f"{host}:{found.port}"


# The next delivery a sender may take: due, not leased, and its receiver below its limit of deliveries in flight.
NEXT = (
    "SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= :now AND (lease_until IS NULL OR lease_until < :now)"
    " AND target NOT IN (SELECT target FROM deliveries WHERE lease_until >= :now GROUP BY target HAVING count(*) >= :limit)"
    " ORDER BY next_at, id LIMIT 1"
)


def claim(db: Database, owner: str, now_ms: int, lease_until_ms: int, per_target: int) -> sqlite3.Row | None:
    """The next due delivery whose receiver has room, leased to owner (its attempts counted); None when there is none.

    A read looks first, so that an idle sender, or one whose due deliveries all wait for their receiver, takes no
    write lock; the claim itself runs the same selection again inside the write.
    """
    values = {"owner": owner, "lease": lease_until_ms, "now": now_ms, "limit": max(1, per_target)}
    with db.read() as conn:
        if conn.execute(NEXT, values).fetchone() is None:
            return None
    with db.write() as conn:
        return conn.execute(
            f"UPDATE deliveries SET lease_owner = :owner, lease_until = :lease, attempts = attempts + 1 WHERE id = ({NEXT}) RETURNING *",
            values,
        ).fetchone()


def state_of(conn: sqlite3.Connection, delivery_id: int) -> str | None:
    row = conn.execute("SELECT state FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    return row["state"] if row else None


def record(conn: sqlite3.Connection, row: sqlite3.Row, started_us: int, attempt: Any, signed: bool, excerpt: int) -> None:
    """One attempt (an attempt.Result): when, how long, its status, why it ended, the start of the answer."""
    conn.execute(
        "INSERT INTO delivery_attempts (delivery_id, attempt, started, duration_ms, status, error, ended, response, signed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row["id"],
            row["attempts"],
            started_us,
            attempt.duration_ms,
            attempt.status,
            attempt.error,
            attempt.ended,
            attempt.body[:excerpt].decode("utf-8", "replace"),
            int(signed),
        ),
    )


def finish(conn: sqlite3.Connection, row: sqlite3.Row, owner: str, state: str, outcome: str | None) -> None:
    """The delivery done or failed, its lease released; a delivery cancelled meanwhile stays cancelled."""
    conn.execute(
        "UPDATE deliveries SET state = CASE WHEN state = 'pending' THEN :state ELSE state END,"
        " outcome = CASE WHEN state = 'pending' THEN :outcome ELSE outcome END,"
        " finished = CASE WHEN state = 'pending' THEN :finished ELSE finished END,"
        " lease_owner = NULL, lease_until = NULL WHERE id = :id AND lease_owner = :owner",
        {"state": state, "outcome": outcome, "finished": clock.now_us(), "id": row["id"], "owner": owner},
    )


def retry(conn: sqlite3.Connection, row: sqlite3.Row, owner: str, next_at_ms: int, outcome: str | None) -> None:
    """Due again at next_at_ms, its lease released (a delivery cancelled meanwhile only loses its lease)."""
    conn.execute(
        "UPDATE deliveries SET next_at = CASE WHEN state = 'pending' THEN :next ELSE next_at END,"
        " outcome = CASE WHEN state = 'pending' THEN :outcome ELSE outcome END,"
        " lease_owner = NULL, lease_until = NULL WHERE id = :id AND lease_owner = :owner",
        {"next": next_at_ms, "outcome": outcome, "id": row["id"], "owner": owner},
    )


def _cancel(conn: sqlite3.Connection, column: str, value: Any, reason: str) -> int:
    return conn.execute(
        f"UPDATE deliveries SET state = 'cancelled', outcome = ?, finished = ? WHERE {column} = ? AND state = 'pending'",
        (f"cancelled: {reason}", clock.now_us(), value),
    ).rowcount


def cancel_webhook(conn: sqlite3.Connection, webhook_id: int) -> int:
    """Cancel the pending deliveries of a webhook being deleted, in the caller's write; returns how many."""
    return _cancel(conn, "webhook_id", webhook_id, "the webhook was deleted")


def cancel_replaced(conn: sqlite3.Connection, webhook_id: int) -> int:
    """Cancel the pending deliveries of a webhook being replaced under its key, in the caller's write; returns how many.

    They were queued for the registration replaced (its URL, pattern, authentication), and a replaced registration is
    a new one: re-aimed at the new URL, they would carry to a receiver events it never registered for, matched by a
    pattern it may not have. Cancelled, they are recorded as such, as a deleted webhook's are.
    """
    return _cancel(conn, "webhook_id", webhook_id, "the webhook was replaced")


def cancel_client(conn: sqlite3.Connection, client_id: str) -> int:
    """Cancel the pending deliveries of an add-on being uninstalled (its client), in the caller's write."""
    return _cancel(conn, "client_id", client_id, "the add-on was uninstalled")
