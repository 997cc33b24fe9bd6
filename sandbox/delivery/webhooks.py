"""Webhook delivery: sender threads in every process take due deliveries from the SQLite queue and POST them.

Each process runs SENDERS senders. A free sender claims the next due delivery at once (sandbox.delivery.queue: one at a
time, never a batch to wait for), and a sender that claimed one wakes another for whatever else is due; an idle one
waits for a wake-up (a delivery queued by this process) or SANDBOX_WEBHOOK_POLL. A receiver holds at most
SANDBOX_WEBHOOK_PER_TARGET deliveries in flight across all processes, so a slow one can hold up only its own.
Each attempt is one exchange under SANDBOX_WEBHOOK_TIMEOUT with its answer read to 64 KB (sandbox.delivery.attempt),
goes only where sandbox.delivery.targets allows, to an address it checked, and never follows a redirect.
Failures are retried with exponential backoff; every attempt is recorded (status, why it ended, duration).

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
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from flask import Flask

from sandbox.config import SandboxSettings
from sandbox.delivery import attempt, queue, targets
from sandbox.security.jwt_signing import sign
from sandbox.store.db import Database

log = logging.getLogger("sandbox.webhooks")
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
        self._calls = threading.Condition()
        self._generation = 0  # counts wake-ups, so that one arriving while a sender looks is not lost
        self._stop = threading.Event()
        self._starting = threading.Lock()
        self._pid: int | None = None
        self._threads: list[threading.Thread] = []
        self._local = threading.local()
        self.owner = ""

    def ensure_started(self) -> None:
        """Start this process's senders (again after a fork: threads do not survive one)."""
        if self._pid == os.getpid() and self._threads and all(thread.is_alive() for thread in self._threads):
            return  # every request asks: the common answer takes no lock
        with self._starting:
            if self._pid == os.getpid() and self._threads and all(thread.is_alive() for thread in self._threads):
                return
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
                self._threads = []
            self._stop.clear()
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            for number in range(len(self._threads), SENDERS):
                thread = threading.Thread(target=self._send_loop, name=f"sandbox-webhook-sender-{number}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def wake(self) -> None:
        """A delivery may be due: one idle sender looks (and wakes the next if it found one)."""
        with self._calls:
            self._generation += 1
            self._calls.notify()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._calls:
            self._generation += 1
            self._calls.notify_all()
        end = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            with self._calls:
                seen = self._generation
            try:
                row = self.claim()
            except sqlite3.Error:
                log.exception("could not claim a webhook delivery")
                row = None
            if row is None:
                self._idle(seen)
                continue
            self.wake()  # more may be due: another free sender looks while this one delivers
            self._deliver_safely(row)

    def _idle(self, seen: int) -> None:
        """Wait for a wake-up after generation seen (at once if one came meanwhile), or the poll interval."""
        with self._calls:
            self._calls.wait_for(lambda: self._stop.is_set() or self._generation != seen, self.settings.webhook_poll)

    def claim(self) -> sqlite3.Row | None:
        now = int(time.time() * 1000)
        lease = now + int(self.settings.webhook_timeout * 1000) + LEASE_SLACK_MS
        return queue.claim(self.db, self.owner, now, lease, self.settings.webhook_per_target)

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
        headers = {"Content-Type": "application/json", "User-Agent": "HipChat-Sandbox/1.0", "Accept-Encoding": "identity"}
        token = self.signature(row)
        if token:
            headers["Authorization"] = f"JWT {token}"
            url = with_query(url, signed_request=token)
        started_us = int(time.time() * 1_000_000)
        result = attempt.post(self._session(), url, row["payload"].encode("utf-8"), headers, self.settings)
        reply = self.on_reply(self.db, row, result.body, result.content_type) if result.ended == attempt.OK else None
        reply_posted = False
        with self.db.write() as conn:
            queue.record(conn, row, started_us, result, bool(token), EXCERPT)
            if queue.state_of(conn, row["id"]) != queue.PENDING:  # cancelled while in flight: no retry, no reply
                queue.finish(conn, row, self.owner, queue.CANCELLED, None)
            elif reply is not None:
                outcome, reply_posted = reply(conn)
                queue.finish(conn, row, self.owner, queue.DONE, outcome)
            elif result.delivered:
                queue.finish(conn, row, self.owner, queue.DONE, f"delivered; {result.error}, no reply posted")
            elif result.ended == attempt.REFUSED or row["attempts"] >= self.settings.webhook_attempts:
                queue.finish(conn, row, self.owner, queue.FAILED, result.error)
            else:
                delay_ms = int(self.settings.webhook_backoff * 1000 * 2 ** (row["attempts"] - 1))
                queue.retry(conn, row, self.owner, int(time.time() * 1000) + delay_ms, result.error)
        if reply_posted:
            self.wake()
