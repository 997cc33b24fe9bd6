"""Webhook delivery: a background thread per process claims due deliveries from SQLite and POSTs them.

Each delivery goes only where sandbox.delivery.targets allows, to an address it checked, and never follows a redirect.
A claim is a lease written in one IMMEDIATE transaction, so two processes never take the same attempt; a lease that
runs out (the process died mid-delivery) makes the delivery due again, which is how pending deliveries resume after
a restart. Failures are retried with exponential backoff; every attempt is recorded (status, error, duration).

What a 2xx answer becomes is the reply handler's business (sandbox.model.replies, given by the app factory).
Webhooks made with a user token have no OAuth secret to sign with; they are sent unsigned even when they ask for
jwt, and the attempt records signed = false.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from flask import Flask

from sandbox.config import SandboxSettings
from sandbox.delivery import targets
from sandbox.security.jwt_signing import sign
from sandbox.store.db import Database

log = logging.getLogger("sandbox.webhooks")
BATCH = 8
SENDERS = 4
LEASE_SLACK_MS = 30_000
EXCERPT = 2000

# What a delivered webhook's answer becomes: the handler reads (and matches) with no transaction open, and returns the
# write to run in the attempt's transaction, which returns (outcome, whether a message was posted).
ReplyHandler = Callable[[Database, sqlite3.Row, bytes, str], Callable[[sqlite3.Connection], tuple[str, bool]]]


def with_query(url: str, **extra: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(extra)}" if parts.query else urlencode(extra)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class Deliveries:
    def __init__(self, app: Flask, db: Database, settings: SandboxSettings, on_reply: ReplyHandler) -> None:
        self.app = app
        self.db = db
        self.settings = settings
        self.on_reply = on_reply
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._local = threading.local()
        self.owner = ""

    def ensure_started(self) -> None:
        """Start this process's worker (again after a fork: threads do not survive one)."""
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        self._pid = os.getpid()
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="sandbox-webhook-send") as pool:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    claimed = self.claim(BATCH)
                except sqlite3.Error:
                    log.exception("could not claim webhook deliveries")
                    claimed = []
                if claimed:
                    wait([pool.submit(self._deliver_safely, row) for row in claimed])
                    continue
                self._wake.wait(self.settings.webhook_poll)

    def claim(self, limit: int) -> list[sqlite3.Row]:
        now = int(time.time() * 1000)
        lease = now + int(self.settings.webhook_timeout * 1000) + LEASE_SLACK_MS
        with self.db.read() as conn:  # a cheap look first: an idle poll takes no write lock
            due = conn.execute("SELECT 1 FROM deliveries WHERE state = 'pending' AND next_at <= ? LIMIT 1", (now,)).fetchone()
        if due is None:
            return []
        with self.db.write() as conn:
            return conn.execute(
                "UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id IN ("
                " SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
                " ORDER BY next_at, id LIMIT ?) RETURNING *",
                (self.owner, lease, now, now, limit),
            ).fetchall()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = targets.session()
        return session

    def _deliver_safely(self, row: sqlite3.Row) -> None:
        try:
            with self.app.app_context():
                self.deliver(row)
        except Exception:
            log.exception("webhook delivery %s failed unexpectedly", row["id"])

    def signature(self, row: sqlite3.Row) -> str | None:
        if row["authentication"] != "jwt" or not row["client_id"]:
            return None
        with self.db.read() as conn:
            client = conn.execute("SELECT secret FROM oauth_clients WHERE id = ?", (row["client_id"],)).fetchone()
            user = conn.execute("SELECT timezone FROM users WHERE id = ?", (row["user_id"],)).fetchone() if row["user_id"] else None
        if client is None:
            return None
        return sign(row["client_id"], client["secret"], row["user_id"], row["room_id"], user["timezone"] if user else "UTC")

    def deliver(self, row: sqlite3.Row) -> None:
        url = row["url"]
        headers = {"Content-Type": "application/json", "User-Agent": "HipChat-Sandbox/1.0"}
        token = self.signature(row)
        if token:
            headers["Authorization"] = f"JWT {token}"
            url = with_query(url, signed_request=token)
        started = time.time()
        status, error, body, content_type, refused = None, None, b"", "", False
        try:
            addresses = targets.checked_addresses(url, self.settings, targets.own_endpoints(self.settings, targets.listeners()))
            with targets.pinned(addresses):
                response = self._session().post(
                    url, data=row["payload"].encode("utf-8"), headers=headers, timeout=self.settings.webhook_timeout, allow_redirects=False
                )
            status, body, content_type = response.status_code, response.content[:65536], response.headers.get("Content-Type", "")
        except targets.TargetRefused as exc:
            error, refused = f"refused: {exc}", True
        except (requests.RequestException, targets.LookupFailed) as exc:
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
        duration_ms = (time.time() - started) * 1000
        delivered = status is not None and 200 <= status < 300
        if status is not None and not delivered:
            error = f"HTTP {status}"
        reply_posted = False
        reply = self.on_reply(self.db, row, body, content_type) if delivered else None
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO delivery_attempts (delivery_id, attempt, started, duration_ms, status, error, response, signed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row["id"],
                    row["attempts"],
                    int(started * 1_000_000),
                    duration_ms,
                    status,
                    error,
                    body[:EXCERPT].decode("utf-8", "replace"),
                    int(bool(token)),
                ),
            )
            if reply is not None:
                outcome, reply_posted = reply(conn)
                self._finish(conn, row, "done", outcome)
            elif refused or row["attempts"] >= self.settings.webhook_attempts:
                self._finish(conn, row, "failed", error)
            else:
                delay_ms = int(self.settings.webhook_backoff * 1000 * 2 ** (row["attempts"] - 1))
                conn.execute(
                    "UPDATE deliveries SET next_at = ?, lease_owner = NULL, lease_until = NULL, outcome = ?"
                    " WHERE id = ? AND lease_owner = ?",
                    (int(time.time() * 1000) + delay_ms, error, row["id"], self.owner),
                )
        if reply_posted:
            self.wake()

    def _finish(self, conn: sqlite3.Connection, row: sqlite3.Row, state: str, outcome: str | None) -> None:
        conn.execute(
            "UPDATE deliveries SET state = ?, outcome = ?, finished = ?, lease_owner = NULL, lease_until = NULL"
            " WHERE id = ? AND lease_owner = ?",
            (state, outcome, int(time.time() * 1_000_000), row["id"], self.owner),
        )
